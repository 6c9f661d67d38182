import { sql } from "drizzle-orm";
import { analyzeTables, queryRows, type Db } from "../../src/db/client.ts";
import { children, links } from "../../src/db/tables/hub.ts";

/**
 * A perfect master index for graph tests: one hub child per true child, every record linked
 * to it as a reviewer would have confirmed. Tests of the graph use it so they do not depend on
 * the linkage engine's accuracy (which has tests of its own). Returns childKey → child id.
 */
export async function linkFromTruth(db: Db): Promise<Map<string, number>> {
  const [{ base }] = (await queryRows<{ base: number }>(
    db,
    sql`select coalesce(max(id), 0)::int as base from hub.children`,
  )) as [{ base: number }];
  await db.execute(sql`
    insert into hub.children (id, state) overriding system value
    select ${base} + row_number() over (order by child_key), 'ACTIVE' from truth.children`);
  await db.execute(
    sql`select setval(pg_get_serial_sequence('hub.children', 'id'), (select max(id) from hub.children))`,
  );
  await db.execute(sql`
    insert into hub.links (source, record_id, child_id, rule, score)
    select r.source, r.record_id, n.id, 'REVIEW_CONFIRMED', 1
    from truth.records r join (
      select child_key, ${base} + row_number() over (order by child_key) as id from truth.children
    ) n using (child_key)`);
  const rows = await queryRows<{ child_key: string; id: number | string }>(
    db,
    sql`select child_key, ${base} + row_number() over (order by child_key) as id from truth.children`,
  );
  // As linkAll does after its bulk write: planner statistics for the row-scope checks.
  await analyzeTables(db, [children, links]);
  return new Map(rows.map((r) => [r.child_key, Number(r.id)]));
}
