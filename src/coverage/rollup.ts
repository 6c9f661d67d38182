import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";
import { GAP_ROW_CONDITION } from "../db/tables/coverage.ts";
import { REASON_PRIORITY } from "../domain/coverage-terms.ts";
import { UNEXPLAINED_GAP } from "./summary.ts";

/**
 * The age band of a snapshot row, as SQL over `as_of` and `birth_date` (bands: AGE_BANDS in
 * summary.ts).
 */
export const AGE_BAND_SQL = sql.raw(`case when date_part('year', age(as_of, birth_date)) < 1 then '0'
  when date_part('year', age(as_of, birth_date)) < 3 then '1-2'
  when date_part('year', age(as_of, birth_date)) < 6 then '3-5'
  when date_part('year', age(as_of, birth_date)) < 12 then '6-11'
  when date_part('year', age(as_of, birth_date)) < 15 then '12-14' else '15-17' end`);

const quoted = (reasons: readonly string[]) => `array[${reasons.map((r) => `'${r}'`).join(", ")}]::text[]`;

/**
 * A snapshot row with a gap, as SQL: any status but INSURED, or an insured child still owed
 * something (`isGap` of domain/coverage-terms.ts, in SQL). What the gap lists list and what the
 * REASON groups count.
 */
export const GAP_SQL = sql.raw(GAP_ROW_CONDITION);

/**
 * The REASON group of a snapshot row, as SQL (`reasonGroupOf` in summary.ts says the same in
 * TypeScript): for a gap, the reason leading it (the first of its reasons in REASON_PRIORITY), or
 * UNEXPLAINED_GAP when none does; null for a child without a gap.
 */
export const REASON_GROUP_SQL = sql.raw(`case when not ${GAP_ROW_CONDITION} then null
  else coalesce((select p.r from unnest(${quoted(REASON_PRIORITY)}) with ordinality p(r, i)
                 where p.r = any(reasons) order by p.i limit 1),
                '${UNEXPLAINED_GAP}') end`);

/**
 * Children the hub's province cannot place, as SQL over `residence_region_code`: no residence,
 * or one outside the province (`province`: its code or 2-digit prefix). Statistics of the whole
 * province count them in the place-unknown group; nothing else places them.
 */
export function placeUnknownSql(province: string): SQL {
  const prefix = province.slice(0, 2);
  return sql`(residence_region_code is null
    or residence_region_code not between ${prefix.padEnd(6, "0")} and ${prefix.padEnd(6, "9")})`;
}

/**
 * Recounts the rollup of a snapshot date from its rows: all of it, or only the counties given
 * (null = children without a known residence). One DELETE and one INSERT … SELECT, in the
 * caller's transaction, so the rollup always equals the rows it counts.
 */
export async function recountRollup(
  db: Db,
  asOf: IsoDate,
  counties: "all" | readonly (string | null)[],
): Promise<void> {
  let where: SQL = sql`as_of = ${asOf}`;
  if (counties !== "all") {
    const codes = counties.filter((c): c is string => c !== null);
    const withNull = counties.some((c) => c === null);
    if (codes.length === 0 && !withNull) return;
    const orNull = withNull ? sql` or residence_region_code is null` : sql``;
    where = sql`${where} and (residence_region_code = any(${sql.param(codes)}::bpchar[])${orNull})`;
  }
  await db.execute(sql`delete from hub.coverage_rollup where ${where}`);
  await db.execute(sql`
    insert into hub.coverage_rollup (as_of, residence_region_code, age_band, hukou_type, needy_category, status,
                                     coverage_year, newborn, insured_within_window, children)
    select as_of, residence_region_code, ${AGE_BAND_SQL}, hukou_type, needy_category, status, coverage_year,
           extract(year from birth_date)::int = coverage_year, insured_within_window, count(*)::int
      from hub.coverage_status where ${where}
     group by 1, 2, 3, 4, 5, 6, 7, 8, 9`);
}
