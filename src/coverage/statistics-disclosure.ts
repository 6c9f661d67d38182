import type { Role } from "../access/identity/viewer.ts";
import { ROW_SCOPES } from "../access/rows/scopes.ts";

/** What coverage statistics group by (the graph's `CoverageGroupBy`). */
export const STATISTICS_DIMENSIONS = [
  "REGION",
  "SCHOOL",
  "AGE_BAND",
  "HUKOU_TYPE",
  "NEEDY_CATEGORY",
  "REASON",
] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/**
 * How a role's statistics are published, per dimension:
 *
 * - `exact`: the counts as they are. Only where the role could count them itself: every child
 *   the statistics count lies inside the role's rows (DESIGN.md, "Authorization"), and the
 *   dimension is a field the role reads on those children. Small cells then tell the role
 *   nothing its own lists do not.
 * - `protected`: controlled rounding to multiples of 5 (controlled-rounding.ts), so that no
 *   cell of fewer than 5 children can be computed from the published figures, by any
 *   subtraction, across groupings, region levels and dates.
 */
export type Disclosure = "exact" | "protected";

type Row = Readonly<Record<StatisticsDimension, Disclosure>>;
const PROTECTED: Row = {
  REGION: "protected",
  SCHOOL: "protected",
  AGE_BAND: "protected",
  HUKOU_TYPE: "protected",
  NEEDY_CATEGORY: "protected",
  REASON: "protected",
};

/**
 * THE decision per role and dimension, beside the row scopes it rests on (access/rows/scopes.ts:
 * each role's statistics count residents of its region, its schools' students or its contracted
 * patients) and the field policy (access/fields/field-rules.ts):
 *
 * - insurance_officer: its rows (resident or registered in the region) hold every resident its
 *   statistics count, and it reads residence, birth date, hukou, needy status (assistance
 *   eligibility) and the gap's reasons: exact, but not by SCHOOL, which it may not read (student
 *   registrations).
 * - health_officer, education_officer, household_officer: their statistics count every resident
 *   of the region, beyond their rows (health records, students of the region's schools,
 *   registered persons): protected throughout.
 * - school_admin: counts only its own students, inside its rows, and reads their residence,
 *   school, birth date and gap reasons: exact by REGION, SCHOOL, AGE_BAND, REASON; protected by
 *   HUKOU_TYPE and NEEDY_CATEGORY, which it may not read (issue #18, finding 21: "DISABLED 1").
 * - family_doctor: counts only its contracted patients, inside its rows, and reads their
 *   residence, birth date, hukou and gap reasons: exact by REGION, AGE_BAND, HUKOU_TYPE, REASON;
 *   protected by SCHOOL and NEEDY_CATEGORY.
 * - analyst (no individual child), auditor, department_system, anonymous: protected throughout
 *   (the last three are refused statistics by the field policy anyway).
 *
 * REASON groups a child by the reason leading its gap (summary.ts, `reasonGroupOf`), which a role that
 * reads the status and reasons (ChildCoverage.reasons) computes for its own rows.
 *
 * The newborn counts (born in the coverage year, insured, insured within the window) follow the
 * dimension: a role that may read a child's birth date and coverage on any date (Child.coverage)
 * can tell them for its own rows.
 */
export const STATISTICS_DISCLOSURE: Readonly<Record<Role, Row>> = {
  insurance_officer: {
    REGION: "exact",
    SCHOOL: "protected",
    AGE_BAND: "exact",
    HUKOU_TYPE: "exact",
    NEEDY_CATEGORY: "exact",
    REASON: "exact",
  },
  health_officer: PROTECTED,
  education_officer: PROTECTED,
  school_admin: {
    REGION: "exact",
    SCHOOL: "exact",
    AGE_BAND: "exact",
    HUKOU_TYPE: "protected",
    NEEDY_CATEGORY: "protected",
    REASON: "exact",
  },
  family_doctor: {
    REGION: "exact",
    SCHOOL: "protected",
    AGE_BAND: "exact",
    HUKOU_TYPE: "exact",
    NEEDY_CATEGORY: "protected",
    REASON: "exact",
  },
  household_officer: PROTECTED,
  analyst: PROTECTED,
  auditor: PROTECTED,
  department_system: PROTECTED,
};

/**
 * @example disclosureOf("school_admin", "NEEDY_CATEGORY") // "protected"
 * @example disclosureOf("anonymous", "REGION") // "protected"
 */
export function disclosureOf(role: Role | "anonymous", dimension: StatisticsDimension): Disclosure {
  return role === "anonymous" ? "protected" : STATISTICS_DISCLOSURE[role][dimension];
}

/**
 * How a role's figures of the place-unknown group are published (the children a summary of the
 * whole province counts although the hub cannot place them: no residence, or one outside the
 * province). A role whose statistics count the residents of a region cannot have them in its
 * rows by residence — they have none there — so they are protected for it whatever the
 * dimension, while the placed children keep the dimension's disclosure. A school's or a doctor's
 * own children are inside its rows wherever they live: the dimension's disclosure.
 *
 * @example placeUnknownDisclosureOf("insurance_officer", "REGION") // "protected"
 * @example placeUnknownDisclosureOf("family_doctor", "AGE_BAND") // "exact"
 */
export function placeUnknownDisclosureOf(role: Role | "anonymous", dimension: StatisticsDimension): Disclosure {
  if (role === "anonymous" || ROW_SCOPES[role].statistics === "region") return "protected";
  return disclosureOf(role, dimension);
}
