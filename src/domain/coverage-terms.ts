/**
 * The words of the coverage design (DESIGN.md, "Coverage status"): the statuses a child can be
 * in, the reasons of a gap with who closes it and how, and the hukou types statistics group by.
 * Stored as text with CHECK constraints (db/tables/coverage.ts), computed by src/coverage, shown
 * by the hub subgraph and the console.
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
 * Who closes a gap. SCHOOL, FAMILY_DOCTOR and the INSURANCE_OFFICE of the residence area mobilise
 * families (DESIGN.md: the school for its students, the family doctor for contracted patients);
 * HOUSEHOLD_REGISTRATION issues the ID number; MEDICAL_ASSISTANCE pays a needy child's
 * contribution (the 2024 notice: medical assistance subsidises it by category).
 */
export const RESPONSIBLE_ACTORS = [
  "SCHOOL",
  "FAMILY_DOCTOR",
  "INSURANCE_OFFICE",
  "HOUSEHOLD_REGISTRATION",
  "MEDICAL_ASSISTANCE",
] as const;
export type ResponsibleActor = (typeof RESPONSIBLE_ACTORS)[number];

/**
 * What a reason is to a gap:
 * - `cause`: why the coverage year is not insured. Every status but INSURED has exactly one.
 * - `owed`: what an insured child is still owed. A gap on its own (a needy child's subsidy).
 * - `circumstance`: what explains or complicates a gap (no ID number, hukou elsewhere, …). On any
 *   status, insured children included; never a gap on its own.
 */
export type ReasonKind = "cause" | "owed" | "circumstance";

/**
 * Who acts when the reason leads a child's gap. `CONTACT` is the child's contact point: its
 * current school, else its contracted family doctor, else the insurance office of its residence
 * area. Null: the reason never leads (a circumstance adds its words to the leading reason's action).
 */
export type ReasonActor = ResponsibleActor | "CONTACT" | null;

export interface ReasonDefinition {
  kind: ReasonKind;
  actor: ReasonActor;
  /** The suggested action, in general terms (the assessment words it for the child: dates, areas, amounts). */
  action: string;
  /** When the reason holds, as the departments' records show it. */
  meaning: string;
}

/**
 * THE taxonomy of gap reasons, derived from the policy (the 2024 notice, the 2024 opinion,
 * DESIGN.md) and from what the departments' records can show. Listed in the order a child's
 * reasons are given; `REASON_PRIORITY` is the order in which one of them leads.
 */
export const REASON_TAXONOMY = {
  DUPLICATE_ENROLLMENT: {
    kind: "cause",
    actor: "INSURANCE_OFFICE",
    action: "cancel the enrollment outside the residence area (duplicate enrollment)",
    meaning: "active, paid enrollments for the coverage year in two or more coordination areas",
  },
  NEVER_ENROLLED: {
    kind: "cause",
    actor: "CONTACT",
    action: "enroll the child in resident medical insurance and pay the contribution",
    meaning: "no enrollment for the coverage year, and no paid enrollment in any earlier year",
  },
  NOT_RENEWED: {
    kind: "cause",
    actor: "CONTACT",
    action: "renew the enrollment for this year (a waiting period applies)",
    meaning: "insured (paid) in an earlier year, no enrollment for the coverage year",
  },
  UNPAID_ENROLLMENT: {
    kind: "cause",
    actor: "CONTACT",
    action: "pay the contribution of this year's enrollment",
    meaning: "an active enrollment for the coverage year whose contribution is not paid",
  },
  ENROLLMENT_ENDED: {
    kind: "cause",
    actor: "INSURANCE_OFFICE",
    action: "re-enroll the child in the residence area (its enrollment for the year was ended)",
    meaning: "the coverage year's enrollments are all suspended or terminated, none active",
  },
  NEEDY_WITHOUT_SUBSIDY: {
    kind: "owed",
    actor: "MEDICAL_ASSISTANCE",
    action: "pay the needy child's contribution from medical assistance (enroll the child if need be)",
    meaning:
      "a needy child (eligibility, or assistance paid this year or last) not insured by a contribution " +
      "medical assistance paid for the coverage year",
  },
  SUBSIDY_BELOW_SETTING: {
    kind: "owed",
    actor: "MEDICAL_ASSISTANCE",
    action: "top the medical-assistance subsidy up to the province's setting for the category",
    meaning:
      "medical assistance paid the year's contribution, but less than the category's setting " +
      "(the whole contribution for a FULL category, the amount for a FIXED one)",
  },
  NO_ID_NUMBER: {
    kind: "circumstance",
    actor: "HOUSEHOLD_REGISTRATION",
    action: "register the child's hukou so an ID number is issued; meanwhile enroll on the birth medical certificate",
    meaning: "one year old or more, and no record carries a valid resident ID number",
  },
  NEWBORN_NOT_REGISTERED: {
    kind: "circumstance",
    actor: null,
    action: "enroll on the birth medical certificate: no ID number is needed (hukou registration can follow)",
    meaning: "under one year old, and no record carries a valid resident ID number yet",
  },
  NON_LOCAL_HUKOU: {
    kind: "circumstance",
    actor: null,
    action: "the child may enroll where it lives (residence permit) or studies, whatever its hukou",
    meaning: "the hukou, as the records show it, is outside the hub's province",
  },
  ENROLLED_OUTSIDE_RESIDENCE: {
    kind: "circumstance",
    actor: null,
    action: "at renewal, enroll in the residence area",
    meaning:
      "an active, paid enrollment for the year in another coordination area of the province than the residence's",
  },
  ENROLLED_OUT_OF_PROVINCE: {
    kind: "circumstance",
    actor: null,
    action: "insured in another province: at renewal, the child may enroll where it lives",
    meaning: "an active, paid enrollment for the year in a coordination area outside the hub's province",
  },
  NO_SCHOOL_RECORD: {
    kind: "circumstance",
    actor: null,
    action: "no school can reach this child: the family doctor or the insurance office must",
    meaning: "of compulsory-education age (6–15) with no current school registration",
  },
} as const satisfies Record<string, ReasonDefinition>;

export type GapReason = keyof typeof REASON_TAXONOMY;

/** Every reason, in the order a child's reasons are listed. */
export const GAP_REASONS = Object.keys(REASON_TAXONOMY) as GapReason[];

/** The reasons that can lead a gap, first first: the leading reason's actor is the child's responsible actor. */
export const REASON_PRIORITY: readonly GapReason[] = [
  "DUPLICATE_ENROLLMENT",
  "NEEDY_WITHOUT_SUBSIDY",
  "SUBSIDY_BELOW_SETTING",
  "NO_ID_NUMBER",
  "ENROLLMENT_ENDED",
  "UNPAID_ENROLLMENT",
  "NOT_RENEWED",
  "NEVER_ENROLLED",
];

/** Reasons that make an insured child a gap (what it is still owed). */
export const OWED_REASONS: readonly GapReason[] = GAP_REASONS.filter((r) => REASON_TAXONOMY[r].kind === "owed");

/**
 * A gap, as every list and count of the hub means it: any status but INSURED, or an insured
 * child who is still owed something (a needy child's subsidy).
 *
 *   isGap("LAPSED", ["NOT_RENEWED"])             // true
 *   isGap("INSURED", ["NON_LOCAL_HUKOU"])        // false
 *   isGap("INSURED", ["SUBSIDY_BELOW_SETTING"])  // true
 */
export function isGap(status: CoverageStatus, reasons: readonly GapReason[]): boolean {
  return status !== "INSURED" || reasons.some((r) => REASON_TAXONOMY[r].kind === "owed");
}

/** How a child's hukou relates to the province: what statistics group by. */
export const HUKOU_TYPES = ["LOCAL", "NON_LOCAL", "UNKNOWN"] as const;
export type HukouType = (typeof HUKOU_TYPES)[number];
