import type { RecordPlace } from "../../access/rows/row-filter.ts";
import type { School } from "./education.type.ts";

/**
 * Where a school sits for row scopes: its own code (a school administrator's schools) and its
 * county (an officer's region). A school's roster, its counts and the registrations it holds
 * are inside a viewer's scope exactly when this place is.
 *
 * @example schoolPlace({ code: "2330106101", regionCode: "330106", … }) // { schoolCode: "2330106101", regionCode: "330106" }
 */
export function schoolPlace(school: Pick<School, "code" | "regionCode">): RecordPlace {
  return { schoolCode: school.code, regionCode: school.regionCode };
}
