import type { IsoDate } from "../domain/dates.ts";
import type { NeedyCategory } from "../domain/policy.ts";

/** The coverage statuses of the design, for one child as of a date, for that date's coverage year. */
export const COVERAGE_STATUSES = ["INSURED", "NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE", "LAPSED", "UNINSURED", "DUPLICATE"] as const;
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

/**
 * Why a child has (or is at risk of) a gap:
 * - NO_ID_NUMBER: no resident ID number yet (hukou not registered)
 * - NON_LOCAL_HUKOU: the hukou is outside the hub's province
 * - NEEDY_WITHOUT_SUBSIDY: a needy child whose contribution for the year was not paid by medical assistance
 * - ENROLLED_OUTSIDE_RESIDENCE: an insuring enrollment in another coordination area than the residence's
 * - UNPAID_ENROLLMENT: enrolled for the year, contribution not paid
 * - NO_SCHOOL_RECORD: of compulsory-education age with no current school registration
 */
export const GAP_REASONS = ["NO_ID_NUMBER", "NON_LOCAL_HUKOU", "NEEDY_WITHOUT_SUBSIDY", "ENROLLED_OUTSIDE_RESIDENCE", "UNPAID_ENROLLMENT", "NO_SCHOOL_RECORD"] as const;
export type GapReason = (typeof GAP_REASONS)[number];

export const RESPONSIBLE_ACTORS = ["SCHOOL", "FAMILY_DOCTOR", "INSURANCE_OFFICE", "HOUSEHOLD_REGISTRATION"] as const;
export type ResponsibleActor = (typeof RESPONSIBLE_ACTORS)[number];

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
