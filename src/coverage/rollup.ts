import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";

/**
 * The age band of a snapshot row, as SQL over `as_of` and `birth_date` (bands: AGE_BANDS in
 * summary.ts).
 */
export const AGE_BAND_SQL = sql.raw(`case when date_part('year', age(as_of, birth_date)) < 1 then '0'
  when date_part('year', age(as_of, birth_date)) < 3 then '1-2'
  when date_part('year', age(as_of, birth_date)) < 6 then '3-5'
  when date_part('year', age(as_of, birth_date)) < 12 then '6-11'
  when date_part('year', age(as_of, birth_date)) < 15 then '12-14' else '15-17' end`);

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
