import type { Department, Role, Viewer } from "../identity/viewer.ts";

/**
 * THE definition of each role's rows: which children a viewer reaches at all, the one table
 * every path that hands out a child is checked against (root lookups, nested fields,
 * containers, `_entities`; see row-access.ts). Field rules (../fields/field-rules.ts) decide
 * fields only; this decides rows.
 */

/**
 * Which children a role reaches at all, applied by the data layer on every path (root queries,
 * nested lists, `_entities`): a child outside the scope is indistinguishable from one that
 * does not exist.
 *
 * - `region`: children whose records of `regionBasis` lie in the viewer's `scope.region` prefix
 * - `schools`: students registered (ENROLLED) at one of `scope.schools`
 * - `doctor`: children under an ACTIVE contract with `scope.doctor`
 * - `none`: no individual child at all
 */
export type ChildRowScope = "region" | "schools" | "doctor" | "none";

/** Which department's records place a child in a region, per role. */
export type RegionBasis =
  /**
   * Residence by the one residence rule (the current school, else the residence permit, else the
   * vaccination file in use, else a newborn's birth certificate, else the hukou: coverage's
   * `residenceRegionOf`, as the coverage snapshot holds it) or
   * registration (hukou, residence permit, insurance enrollment area).
   */
  | "residence-or-registration"
  /** A birth certificate, an immunization file at a site, or a doctor contract in the region. */
  | "health-records"
  /** An ENROLLED registration at a school in the region. */
  | "school"
  /** A household registration (hukou, or residence permit) in the region. */
  | "household-registration"
  /** A record of the token's own department in the region. */
  | "department-records";

export interface RowScopeRule {
  children: ChildRowScope;
  regionBasis?: RegionBasis;
  /**
   * Of a child inside its rows, the records of this department (`token`: the token's own) the
   * role reads only where they lie in its region: a record of another region is not shown, nor
   * listed under a container of another region (#18.8). The rows of these roles are made of
   * that department's records in the region; a child they reach is theirs by those records, and
   * what the same department wrote about the child elsewhere (a birth certificate with both
   * parents' ID numbers, another county's school, another area's enrollment) is not. One record
   * a system could place in the region (even a fabricated one carrying a child's ID number)
   * therefore brings a role no more than DESIGN.md grants for a child of the region: the fields
   * of the policy table, over that region's records.
   */
  regionRecords?: Department | "token";
  /** Aggregates (coverage statistics): by region prefix, small cells suppressed for roles without individuals. */
  statistics: "region" | "schools" | "doctor" | "none";
  auditLog: "all" | "none";
  /** DESIGN.md's wording, for messages and documentation. */
  description: string;
}

export const ROW_SCOPES: Readonly<Record<Role, RowScopeRule>> = {
  // Reads every insurance record of its children: a duplicate enrollment in another area is its work.
  insurance_officer: {
    children: "region",
    regionBasis: "residence-or-registration",
    statistics: "region",
    auditLog: "none",
    description: "children resident or registered in their region",
  },
  health_officer: {
    children: "region",
    regionBasis: "health-records",
    regionRecords: "health",
    statistics: "region",
    auditLog: "none",
    description: "children with health records in their region",
  },
  education_officer: {
    children: "region",
    regionBasis: "school",
    regionRecords: "education",
    statistics: "region",
    auditLog: "none",
    description: "students of schools in their region",
  },
  school_admin: {
    children: "schools",
    statistics: "schools",
    auditLog: "none",
    description: "students of their own schools",
  },
  family_doctor: {
    children: "doctor",
    statistics: "doctor",
    auditLog: "none",
    description: "their contracted patients",
  },
  household_officer: {
    children: "region",
    regionBasis: "household-registration",
    regionRecords: "household",
    statistics: "region",
    auditLog: "none",
    description: "persons registered in their region",
  },
  analyst: {
    children: "none",
    statistics: "region",
    auditLog: "none",
    description: "coverage statistics of their region, no individual child",
  },
  auditor: {
    children: "none",
    statistics: "none",
    auditLog: "all",
    description: "the access audit log, no children's records",
  },
  department_system: {
    children: "region",
    regionBasis: "department-records",
    regionRecords: "token",
    statistics: "none",
    auditLog: "none",
    description: "its department's records in its region",
  },
};

/** A viewer's row scope made concrete: what a query filters on. */
export type RowFilter =
  | {
      kind: "region";
      prefix: string;
      basis: RegionBasis;
      department?: Department;
      /** The department whose records of a child are read only inside the region (RowScopeRule.regionRecords). */
      regionRecords?: Department;
    }
  | { kind: "schools"; schools: readonly string[] }
  | { kind: "doctor"; doctor: string }
  | { kind: "none" };

/**
 * The rows a viewer may reach. Anonymous viewers and any scope that is somehow incomplete get
 * `none` (deny by default), never "everything".
 *
 *   rowFilterFor({ role: "school_admin", scope: { schools: ["2330106101"] }, … })
 *   // { kind: "schools", schools: ["2330106101"] }
 */
export function rowFilterFor(viewer: Viewer): RowFilter {
  if (viewer.role === "anonymous") return { kind: "none" };
  const rule = ROW_SCOPES[viewer.role];
  const scope = viewer.scope;
  switch (rule.children) {
    case "region":
      if (!scope.region || !rule.regionBasis) return { kind: "none" };
      if (viewer.role === "department_system")
        return scope.department
          ? {
              kind: "region",
              prefix: scope.region,
              basis: rule.regionBasis,
              department: scope.department,
              regionRecords: scope.department,
            }
          : { kind: "none" };
      return {
        kind: "region",
        prefix: scope.region,
        basis: rule.regionBasis,
        ...(rule.regionRecords && rule.regionRecords !== "token" ? { regionRecords: rule.regionRecords } : {}),
      };
    case "schools":
      return scope.schools && scope.schools.length > 0 ? { kind: "schools", schools: scope.schools } : { kind: "none" };
    case "doctor":
      return scope.doctor ? { kind: "doctor", doctor: scope.doctor } : { kind: "none" };
    case "none":
      return { kind: "none" };
    default: {
      const _: never = rule.children;
      return _;
    }
  }
}
