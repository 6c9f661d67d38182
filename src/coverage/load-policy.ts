import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { schools } from "../db/tables/education.ts";
import { hospitals, vaccinationSites } from "../db/tables/health.ts";
import { coordinationAreas } from "../db/tables/insurance.ts";
import { provinceOf } from "../domain/division-codes.ts";
import { NEWBORN_WINDOW_DAYS_DEFAULT } from "../domain/insurance-policy.ts";
import type { CoveragePolicy } from "./types.ts";

/**
 * The coverage policy of the province the database serves. The coordination areas come from
 * the insurance department's table. The province, unless given, is the one the province's own
 * institutions (schools, vaccination sites, maternity hospitals) are in — coordination areas
 * will not do, since they include the sending provinces where non-local children may be insured.
 *
 *   await loadCoveragePolicy(db) // { provinceCode: "330000", newbornWindowDays: 90, areaCodes: Set { "330100", … } }
 */
export async function loadCoveragePolicy(
  db: Db,
  overrides: Partial<Pick<CoveragePolicy, "provinceCode" | "newbornWindowDays">> = {},
): Promise<CoveragePolicy> {
  const areas = await db.select({ code: sql<string>`trim(${coordinationAreas.areaCode})` }).from(coordinationAreas);
  return {
    provinceCode: overrides.provinceCode ?? (await provinceOfInstitutions(db)),
    newbornWindowDays: overrides.newbornWindowDays ?? NEWBORN_WINDOW_DAYS_DEFAULT,
    areaCodes: new Set(areas.map((a) => a.code)),
  };
}

async function provinceOfInstitutions(db: Db): Promise<string> {
  const rows = await queryRows<{ province: string; n: number | string }>(
    db,
    sql`
    select substr(region_code, 1, 2) || '0000' as province, count(*) as n from (
      select ${schools.regionCode} as region_code from ${schools}
      union all select ${vaccinationSites.regionCode} from ${vaccinationSites}
      union all select ${hospitals.regionCode} from ${hospitals}
    ) institutions group by 1 order by 2 desc, 1 limit 1`,
  );
  const province = rows[0]?.province;
  if (!province)
    throw new Error(
      "coverage policy needs the hub's province: pass provinceCode, " +
        "or load the schools, vaccination sites or hospitals first (none found)",
    );
  return provinceOf(province);
}
