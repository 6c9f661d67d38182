import type { RegionBasis, RowFilter } from "../fields/field-rules.ts";
import type { Department } from "../identity/viewer.ts";

/**
 * Row scopes made concrete, as pure functions: which facets of the `hub.child_scope` view
 * (migrations/0003_child_scope.sql) place a child inside a viewer's scope, and whether a
 * department record's own place (a school, a doctor, a region) is inside it. The SQL that
 * applies them lives in child-gate.ts.
 */

/** The facet names of `hub.child_scope`: each places a child at a region, a school or a doctor. */
export type ScopeFacet =
  | "hukou"
  | "residence_permit"
  | "school"
  | "school_region"
  | "student_record_region"
  | "birth_certificate"
  | "vaccination_site"
  | "doctor"
  | "doctor_region"
  | "insurance_area";

const BASIS_FACETS: Readonly<Record<Exclude<RegionBasis, "department-records">, readonly ScopeFacet[]>> = {
  // Residence (school, vaccination site, birth place for a newborn) or registration (hukou, residence permit, insurance area).
  "residence-or-registration": [
    "hukou",
    "residence_permit",
    "school_region",
    "vaccination_site",
    "birth_certificate",
    "insurance_area",
  ],
  "health-records": ["birth_certificate", "vaccination_site", "doctor_region"],
  school: ["school_region"],
  "household-registration": ["hukou", "residence_permit"],
};

const DEPARTMENT_FACETS: Readonly<Record<Department, readonly ScopeFacet[]>> = {
  household: ["hukou", "residence_permit"],
  health: ["birth_certificate", "vaccination_site", "doctor_region"],
  education: ["student_record_region"],
  insurance: ["insurance_area"],
};

/** What a child must have in `hub.child_scope` to be reachable: a facet row whose code matches. */
export type FacetMatch =
  | { kind: "prefix"; facets: readonly ScopeFacet[]; prefix: string }
  | { kind: "codes"; facets: readonly ScopeFacet[]; codes: readonly string[] }
  | { kind: "nothing" };

/**
 * @example facetMatchOf({ kind: "schools", schools: ["2330106101"] }) // { kind: "codes", facets: ["school"], codes: ["2330106101"] }
 * @example facetMatchOf({ kind: "region", prefix: "3301", basis: "school" }) // { kind: "prefix", facets: ["school_region"], prefix: "3301" }
 */
export function facetMatchOf(filter: RowFilter): FacetMatch {
  switch (filter.kind) {
    case "none":
      return { kind: "nothing" };
    case "schools":
      return filter.schools.length > 0
        ? { kind: "codes", facets: ["school"], codes: filter.schools }
        : { kind: "nothing" };
    case "doctor":
      return { kind: "codes", facets: ["doctor"], codes: [filter.doctor] };
    case "region": {
      if (filter.basis === "department-records") {
        return filter.department
          ? { kind: "prefix", facets: DEPARTMENT_FACETS[filter.department], prefix: filter.prefix }
          : { kind: "nothing" };
      }
      return { kind: "prefix", facets: BASIS_FACETS[filter.basis], prefix: filter.prefix };
    }
    default: {
      const _: never = filter;
      return _;
    }
  }
}

/** Where a department record (or the container listing such records) belongs. */
export interface RecordPlace {
  /** Division code of the school, doctor, household, vaccination site or coordination area. */
  regionCode?: string | null;
  schoolCode?: string | null;
  doctorCode?: string | null;
}

/**
 * Whether a department record's own place is inside the viewer's scope: a school
 * administrator's schools, a family doctor's own code, an officer's region prefix. Records
 * without the member the scope needs are outside it (deny by default).
 *
 * @example placeInScope({ kind: "schools", schools: ["2330106101"] }, { schoolCode: "2330106101" }) // true
 * @example placeInScope({ kind: "region", prefix: "3301", basis: "school" }, { regionCode: "330206" }) // false
 */
export function placeInScope(filter: RowFilter, place: RecordPlace): boolean {
  switch (filter.kind) {
    case "none":
      return false;
    case "schools":
      return typeof place.schoolCode === "string" && filter.schools.includes(place.schoolCode);
    case "doctor":
      return typeof place.doctorCode === "string" && place.doctorCode === filter.doctor;
    case "region":
      return typeof place.regionCode === "string" && place.regionCode.trim().startsWith(filter.prefix);
    default: {
      const _: never = filter;
      return _;
    }
  }
}
