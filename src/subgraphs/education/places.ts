import type { CarriedFacets, RecordPlace } from "../../access/rows/facets.ts";
import type { School } from "./education.type.ts";

/**
 * Where a school sits for row scopes: its own code (a school administrator's schools) and its
 * county (an officer's region). A school's roster, its counts and the registrations it holds
 * are inside a viewer's scope exactly when this place is.
 *
 * @example schoolPlace({ code: "2330106101", regionCode: "330106" })
 * // { schoolCode: "2330106101", regionCode: "330106" }
 */
export function schoolPlace(school: Pick<School, "code" | "regionCode">): RecordPlace {
  return { schoolCode: school.code, regionCode: school.regionCode };
}

/**
 * Where a registration at this school places its linked child in `hub.child_scope`: any
 * registration at the school's county (`student_record_region`), an ENROLLED one also at the
 * school and, as a student, the county (`school`, `school_region`).
 *
 * @example registrationFacets({ code: "2330106101", regionCode: "330106" }, "ENROLLED").school // "2330106101"
 */
export function registrationFacets(school: Pick<School, "code" | "regionCode">, status: string): CarriedFacets {
  return status === "ENROLLED"
    ? { student_record_region: school.regionCode, school: school.code, school_region: school.regionCode }
    : { student_record_region: school.regionCode };
}
