/**
 * The words of the coverage design (DESIGN.md, "Coverage status"): the statuses a child can be
 * in, the reasons of a gap, who is responsible for closing it, and the hukou types statistics
 * group by. Stored as text with CHECK constraints (db/tables/coverage.ts), computed by
 * src/coverage, shown by the hub subgraph and the console.
 */

/** The coverage statuses of the design, for one child as of a date, for that date's coverage year. */
export const COVERAGE_STATUSES = [
  "INSURED",
  "NEWBORN_IN_WINDOW",
  "NEWBORN_OVERDUE",
  "LAPSED",
  "UNINSURED",
  "DUPLICATE",
] as const;
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
export const GAP_REASONS = [
  "NO_ID_NUMBER",
  "NON_LOCAL_HUKOU",
  "NEEDY_WITHOUT_SUBSIDY",
  "ENROLLED_OUTSIDE_RESIDENCE",
  "UNPAID_ENROLLMENT",
  "NO_SCHOOL_RECORD",
] as const;
export type GapReason = (typeof GAP_REASONS)[number];

export const RESPONSIBLE_ACTORS = ["SCHOOL", "FAMILY_DOCTOR", "INSURANCE_OFFICE", "HOUSEHOLD_REGISTRATION"] as const;
export type ResponsibleActor = (typeof RESPONSIBLE_ACTORS)[number];

/** How a child's hukou relates to the province: what statistics group by. */
export const HUKOU_TYPES = ["LOCAL", "NON_LOCAL", "UNKNOWN"] as const;
export type HukouType = (typeof HUKOU_TYPES)[number];
