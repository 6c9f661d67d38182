import type { IsoDate } from "../domain/dates.ts";
import type { CoverageStatus, GapReason, ResponsibleActor } from "../domain/coverage-terms.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";
import type { PolicySettings } from "./settings.ts";

/** An enrollment as the coverage rules need it (from insurance.enrollments and contributions). */
export interface EnrollmentFact {
  coverageYear: number;
  areaCode: string;
  status: "ACTIVE" | "SUSPENDED" | "TERMINATED";
  enrolledOn: IsoDate;
  paidOn: IsoDate | null;
  /** Payer kinds of the enrollment's contributions. */
  payers: readonly ("SELF" | "MEDICAL_ASSISTANCE" | "EMPLOYEE_ACCOUNT" | "OTHER")[];
  /** What the enrollment's contributions add up to, in fen (every payer). */
  contributionFen: number;
  /** The part medical assistance paid, in fen. */
  assistanceFen: number;
}

/** What the departments' linked records say about one child, reduced to what the rules read. */
export interface CoverageFacts {
  birthDate: IsoDate;
  hasIdNumber: boolean;
  /** Division code of the hukou (from the registry or the ID number); null when unknown. */
  hukouRegionCode: string | null;
  /** Where the child lives, by THE residence rule (`residenceRegionOf`); null when the records cannot place it. */
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
  /** Coordination area codes that exist, to map a residence to its area. */
  areaCodes: ReadonlySet<string>;
  /**
   * The province's settings (newborn window, collection periods, waiting period, needy
   * subsidies) with their history: the rules read each one in force for the date and the
   * child's coordination area.
   */
  settings: PolicySettings;
}

export interface CoverageAssessment {
  status: CoverageStatus;
  coverageYear: number;
  reasons: GapReason[];
  /**
   * Newborns not yet insured: birth date + the newborn window (the province's, in force on the
   * birth date), and the days left until it (negative when past).
   */
  deadline: IsoDate | null;
  daysLeft: number | null;
  /** The last day a newborn's insurance code can be used for treatment directly (birth + 180 days). */
  codeWindowEndsOn: IsoDate | null;
  /**
   * Months a child paying now would wait before benefits start (国办发〔2024〕38号, as the
   * province's WAITING_PERIOD setting reads it): 0 for exempt children and before 2025; null
   * when insured.
   */
  waitingPeriodMonths: number | null;
  /** Who should act, with what; null when there is nothing to do. */
  responsible: { actor: ResponsibleActor; code: string | null; action: string } | null;
}
