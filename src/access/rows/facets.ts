import { DERIVED_FACETS, PLACE_FACETS, regionFacetsOf, type ScopeFacet } from "../../db/sources.ts";
import type { RegionBasis, RowFilter } from "./scopes.ts";

/**
 * Row scopes made concrete, as pure functions: which facets of the `hub.child_scope` view
 * (one row per child, facet and code: where the child's current records place it) put a child
 * inside a viewer's rows, whether a department record's own place (a school, a doctor, a
 * region) is inside them, and whether what a container's records carry already settles it.
 * The SQL that applies them lives in conditions.ts.
 */

const BASIS_FACETS: Readonly<Record<Exclude<RegionBasis, "department-records">, readonly ScopeFacet[]>> = {
  // DESIGN.md: "children resident or registered in their region". Resident: the one residence
  // rule (`residence`: the current school, else the residence permit, else the vaccination file in use, else a
  // newborn's birth certificate, else the hukou; from
  // the coverage snapshot, src/db/source-queries.ts). Registered: hukou, residence permit, an
  // insurance enrollment's area. Not any vaccination file or birth certificate a child ever had:
  // a child who lives and is registered elsewhere is not this office's (#18.19).
  "residence-or-registration": ["residence", "hukou", "residence_permit", "insurance_area"],
  "health-records": ["birth_certificate", "vaccination_site", "doctor_region"],
  school: ["school_region"],
  "household-registration": ["hukou", "residence_permit"],
};

/** What a child must have in `hub.child_scope` to be reachable: a facet row whose code matches. */
export type FacetMatch =
  | { kind: "prefix"; facets: readonly ScopeFacet[]; prefix: string }
  | { kind: "codes"; facets: readonly ScopeFacet[]; codes: readonly string[] }
  | { kind: "nothing" };

/**
 * @example facetMatchOf({ kind: "schools", schools: ["2330106101"] })
 * // { kind: "codes", facets: ["school"], codes: ["2330106101"] }
 * @example facetMatchOf({ kind: "region", prefix: "3301", basis: "school" })
 * // { kind: "prefix", facets: ["school_region"], prefix: "3301" }
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
          ? { kind: "prefix", facets: regionFacetsOf(filter.department), prefix: filter.prefix }
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
 * without the member the scope needs are outside it (deny by default). A container (a school's
 * roster, a doctor's patients, an area's enrollments) outside it answers null.
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

/**
 * The facet rows every linked record of a container gives its child in `hub.child_scope`, known
 * from the container itself: each ENROLLED registration of school S places its child at
 * `school` S and `school_region` (S's county); each ACTIVE contract of doctor D at `doctor` D and
 * `doctor_region`; each enrollment of area A at `insurance_area` A.
 */
export type CarriedFacets = Partial<Record<ScopeFacet, string | null | undefined>>;

/**
 * Whether the facets a container's records carry already put every linked child inside the
 * rows, so the container needs no check per child (a school administrator's own roster, a
 * doctor's own patients): the same answer `hub.child_scope` would give, without asking it.
 *
 * @example carriedFacetsReach({ kind: "codes", facets: ["school"], codes: ["2330106101"] }, { school: "2330106101" })
 * // true
 * @example carriedFacetsReach({ kind: "prefix", facets: ["hukou"], prefix: "3301" }, { school_region: "330106" })
 * // false
 */
export function carriedFacetsReach(match: FacetMatch, carried: CarriedFacets): boolean {
  if (match.kind === "nothing") return false;
  return match.facets.some((facet) => {
    const code = carried[facet]?.trim();
    if (!code) return false;
    return match.kind === "codes" ? match.codes.includes(code) : code.startsWith(match.prefix);
  });
}

/**
 * The match that lists a viewer's children by a region: only by the places the viewer's rows
 * themselves come from (an officer's own basis, the county of a school administrator's schools or
 * of a family doctor), and only inside the viewer's own region. Listing by any other place would
 * tell a viewer where a child's records lie that it may not read (a school administrator learning
 * a pupil's hukou county from `childrenInRegion(region: "3401")`).
 *
 * @example listingMatchOf({ kind: "prefix", facets: ["school_region"], prefix: "3301" }, "330106")
 * // { kind: "prefix", facets: ["school_region"], prefix: "330106" }
 * @example listingMatchOf({ kind: "codes", facets: ["school"], codes: ["2330106101"] }, "3302")
 * // { kind: "prefix", facets: ["school_region"], prefix: "3302" }
 */
export function listingMatchOf(match: FacetMatch, prefix: string): FacetMatch {
  switch (match.kind) {
    case "nothing":
      return match;
    case "codes": {
      const facets = match.facets.flatMap((f) => REGION_OF_CODE_FACET[f] ?? []);
      return facets.length > 0 ? { kind: "prefix", facets, prefix } : { kind: "nothing" };
    }
    case "prefix": {
      const facets = match.facets.filter((f) => PLACE_KIND[f] === "region");
      if (prefix.startsWith(match.prefix)) return { kind: "prefix", facets, prefix };
      if (match.prefix.startsWith(prefix)) return { kind: "prefix", facets, prefix: match.prefix };
      return { kind: "nothing" };
    }
    default: {
      const _: never = match;
      return _;
    }
  }
}

/** What each facet's code is: a region, a school or a doctor (the registry's places, and the derived residence). */
const PLACE_KIND: Readonly<Record<ScopeFacet, string>> = { ...PLACE_FACETS, ...DERIVED_FACETS };

/** The region facet of a school's or a doctor's own code: where that school or doctor sits. */
const REGION_OF_CODE_FACET: Partial<Record<ScopeFacet, ScopeFacet[]>> = {
  school: ["school_region"],
  doctor: ["doctor_region"],
};
