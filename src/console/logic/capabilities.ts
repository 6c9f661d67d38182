import type { Role } from "./claims.ts";

/** The page a role works on; null for roles the console has no page for (they use the API). */
export type ConsoleView = "school" | "doctor" | "region";

export interface Capabilities {
  view: ConsoleView | null;
  /** May read the gap list: individual children with their gaps (Query.coverageGaps). */
  gapList: boolean;
  /** May read and decide the link review queue (Query.linkReviews, Mutation.resolveLinkReview). */
  linkReviews: boolean;
  /** May open an individual child's record at all (Query.child). */
  individualChildren: boolean;
}

/**
 * What the console offers each role: the hub's policy table (src/access/fields/field-rules.ts) decides what
 * the API answers, and tests/console/capabilities.test.ts checks that this table never offers
 * more than it. Offering less than the API allows is a choice of pages, not of rights.
 */
export const CAPABILITIES: Readonly<Record<Role, Capabilities>> = {
  school_admin: { view: "school", gapList: false, linkReviews: false, individualChildren: true },
  family_doctor: { view: "doctor", gapList: false, linkReviews: false, individualChildren: true },
  analyst: { view: "region", gapList: false, linkReviews: false, individualChildren: false },
  insurance_officer: { view: "region", gapList: true, linkReviews: true, individualChildren: true },
  health_officer: { view: "region", gapList: true, linkReviews: false, individualChildren: true },
  education_officer: { view: "region", gapList: true, linkReviews: false, individualChildren: true },
  household_officer: { view: "region", gapList: true, linkReviews: true, individualChildren: true },
  auditor: { view: null, gapList: false, linkReviews: false, individualChildren: false },
  department_system: { view: null, gapList: false, linkReviews: false, individualChildren: false },
};
