/** Coverage statuses and gap reasons as the console shows them (the API's enums, DESIGN.md). */
export const COVERAGE_STATUSES = [
  "INSURED",
  "NEWBORN_IN_WINDOW",
  "NEWBORN_OVERDUE",
  "LAPSED",
  "UNINSURED",
  "DUPLICATE",
] as const;
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

// In the API's order (the taxonomy's: src/domain/coverage-terms.ts): why uninsured, what is owed, circumstances.
export const GAP_REASONS = [
  "DUPLICATE_ENROLLMENT",
  "NEVER_ENROLLED",
  "NOT_RENEWED",
  "UNPAID_ENROLLMENT",
  "ENROLLMENT_ENDED",
  "NEEDY_WITHOUT_SUBSIDY",
  "SUBSIDY_BELOW_SETTING",
  "NO_ID_NUMBER",
  "NEWBORN_NOT_REGISTERED",
  "NON_LOCAL_HUKOU",
  "ENROLLED_OUTSIDE_RESIDENCE",
  "ENROLLED_OUT_OF_PROVINCE",
  "NO_SCHOOL_RECORD",
] as const;
export type GapReason = (typeof GAP_REASONS)[number];

export type ResponsibleActor =
  "SCHOOL" | "FAMILY_DOCTOR" | "INSURANCE_OFFICE" | "HOUSEHOLD_REGISTRATION" | "MEDICAL_ASSISTANCE";

/** How loudly a badge speaks: green for insured, amber while there is still time, red for a gap. */
export type BadgeTone = "ok" | "pending" | "gap" | "attention";

/**
 *   badgeTone("INSURED")            // "ok"
 *   badgeTone("NEWBORN_IN_WINDOW")  // "pending" (insured from birth if enrolled before the deadline)
 *   badgeTone("DUPLICATE")          // "attention" (insured, but twice: to be cleaned up)
 */
export function badgeTone(status: CoverageStatus): BadgeTone {
  switch (status) {
    case "INSURED":
      return "ok";
    case "NEWBORN_IN_WINDOW":
      return "pending";
    case "DUPLICATE":
      return "attention";
    case "NEWBORN_OVERDUE":
    case "LAPSED":
    case "UNINSURED":
      return "gap";
    default: {
      const _: never = status;
      return _;
    }
  }
}

/** Not insured for the coverage year: the statuses a school or doctor must act on ("the uninsured"). */
export function isUninsured(status: CoverageStatus): boolean {
  return (
    status === "NEWBORN_IN_WINDOW" || status === "NEWBORN_OVERDUE" || status === "LAPSED" || status === "UNINSURED"
  );
}
