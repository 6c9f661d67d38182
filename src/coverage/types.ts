import type { IsoDate } from "../domain/dates.ts";
import type { CoverageStatus, GapReason, ResponsibleActor } from "../domain/coverage-terms.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";

/** An enrollment as the coverage rules need it (from insurance.enrollments and contributions). */
export interface EnrollmentFact {
  coverageYear: number;
  areaCode: string;
  status: "ACTIVE" | "SUSPENDED" | "TERMINATED";
  enrolledOn: IsoDate;
  paidOn: IsoDate | null;
  /** Payer kinds of the enrollment's contributions. */
  payers: readonly ("SELF" | "MEDICAL_ASSISTANCE" | "EMPLOYEE_ACCOUNT" | "OTHER")[];
}

/** What the departments' linked records say about one child, reduced to what the rules read. */
export interface CoverageFacts {
  birthDate: IsoDate;
  hasIdNumber: boolean;
  /** Division code of the hukou (from the registry or the ID number); null when unknown. */
  hukouRegionCode: string | null;
  /** Residence by the design's rule: school region, else vaccination site region, else hukou region. */
  residenceRegionCode: string | null;
  /** The school of the current registration, if any. */
  currentSchoolCode: string | null;
  /** The doctor of an active family-doctor contract, if any. */
  contractedDoctorCode: string | null;
  needyCategory: NeedyCategory | null;
  enrollments: readonly EnrollmentFact[];
}

export interface CoveragePolicy {
  /** The hub's province, e.g. "330000": hukou outside it is non-local. */
  provinceCode: string;
  /** Newborn window in days: 90 by default, 180 in some provinces. */
  newbornWindowDays: number;
  /** Coordination area codes that exist, to map a residence to its area. */
  areaCodes: ReadonlySet<string>;
}

export interface CoverageAssessment {
  status: CoverageStatus;
  coverageYear: number;
  reasons: GapReason[];
  /** Newborns not yet insured: birth date + the newborn window, and the days left until it (negative when past). */
  deadline: IsoDate | null;
  daysLeft: number | null;
  /** The last day a newborn's insurance code can be used for treatment directly (birth + 180 days). */
  codeWindowEndsOn: IsoDate | null;
  /** Months a child enrolling now would wait before benefits start (0 for newborns; null when insured). */
  waitingPeriodMonths: number | null;
  /** Who should act, with what; null when there is nothing to do. */
  responsible: { actor: ResponsibleActor; code: string | null; action: string } | null;
}
