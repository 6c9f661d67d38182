import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { schools } from "../db/tables/education.ts";
import { hospitals, vaccinationSites } from "../db/tables/health.ts";
import { coordinationAreas } from "../db/tables/insurance.ts";
import { policySettings, SETTING_ROW_COLUMNS } from "../db/tables/settings.ts";
import { provinceOf } from "../domain/division-codes.ts";
import type { IsoDate } from "../domain/dates.ts";
import type { PolicySettingRow } from "../domain/policy-settings.ts";
import { PolicySettings } from "./settings.ts";
import type { CoveragePolicy } from "./types.ts";

/**
 * The coverage policy of the province the database serves: its province, its coordination
 * areas (the insurance department's table, with each area's own yearly window) and its policy
 * settings with their history (`hub.policy_settings`). The province, unless given, is the one
 * the province's own institutions (schools, vaccination sites, maternity hospitals) are in —
 * coordination areas will not do, since they include the sending provinces where non-local
 * children may be insured. Three statements.
 *
 *   await loadCoveragePolicy(db) // { provinceCode: "330000", areaCodes: Set { "330100", … }, settings: … }
 */
export async function loadCoveragePolicy(
  db: Db,
  overrides: Partial<Pick<CoveragePolicy, "provinceCode">> = {},
): Promise<CoveragePolicy> {
  const areas = await db
    .select({
      code: sql<string>`trim(${coordinationAreas.areaCode})`,
      opens: coordinationAreas.windowOpens,
      closes: coordinationAreas.windowCloses,
    })
    .from(coordinationAreas);
  const provinceCode = overrides.provinceCode ?? (await provinceOfInstitutions(db));
  const windows = new Map(
    areas.filter((a) => MONTH_DAY.test(a.opens) && MONTH_DAY.test(a.closes)).map((a) => [a.code, a]),
  );
  return {
    provinceCode,
    areaCodes: new Set(areas.map((a) => a.code)),
    settings: new PolicySettings(provinceCode, await loadSettingRows(db), windows),
  };
}

/**
 * The province's newborn window for a child born on `on` (the setting in force that day): what
 * statistics show beside the newborn targets.
 */
export async function newbornWindowDaysOn(db: Db, on: IsoDate): Promise<number> {
  const { settings, provinceCode } = await loadCoveragePolicy(db);
  return settings.newbornWindowDays(on, provinceCode);
}

/** An area's window as the department wrote it: month-day, "09-01". */
const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Every policy setting the province has set (validated when it was written: settings-store.ts). */
export async function loadSettingRows(db: Db): Promise<PolicySettingRow[]> {
  const rows = await db.select(SETTING_ROW_COLUMNS).from(policySettings);
  return rows as PolicySettingRow[];
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
