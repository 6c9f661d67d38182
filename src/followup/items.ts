import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { loadCoveragePolicy } from "../coverage/load-policy.ts";
import { GAP_SQL, REASON_GROUP_SQL } from "../coverage/rollup.ts";
import { yearOf, type IsoDate } from "../domain/dates.ts";
import { InputError } from "../errors.ts";

/**
 * Follow-up items (issue 21, item 1): every gap of the coverage snapshot is an item for its
 * responsible actor, opened the first day a snapshot shows it and closed the first day one shows
 * the child insured (ENROLLED) or no longer shows the child (GONE: aged out, merged, unresolved).
 *
 * - One open item per child: a child has one gap at a time (one status, one leading reason, one
 *   responsible actor). A new gap after a closed one is a new item.
 * - The due date is set when the item opens and kept (reminders count down to it, escalation
 *   waits for it): a newborn in its window, the newborn deadline; a newborn past it, the end of
 *   the 180-day code window while that is ahead; any other gap, the end of the collection
 *   period in force (the current coverage year's if it has not closed yet, else the next year's)
 *   for the child's coordination area.
 * - Priority: 1 a newborn's gap, 2 a needy child's, 3 any other.
 * - The item follows the gap: a new responsible actor or code moves it (history MOVED), a new
 *   status or leading reason reclassifies it (RECLASSIFIED), each with the snapshot's date.
 */
export interface SyncSummary {
  asOf: IsoDate;
  opened: number;
  closed: number;
  moved: number;
  reclassified: number;
}

/** The priority of a gap, as SQL over a snapshot row. */
const PRIORITY_SQL = sql.raw(`case when status in ('NEWBORN_IN_WINDOW', 'NEWBORN_OVERDUE') then 1
  when needy_category is not null then 2 else 3 end`);

/**
 * Brings the follow-up items in line with the coverage snapshot of `asOf`: opens items for new
 * gaps, closes the items of children now insured or gone, moves and reclassifies the items whose
 * gap changed, and records each change in the item history. Set-based: a few statements whatever
 * the province's size, in one transaction, under a lock that keeps two syncs apart. Idempotent:
 * run again on the same snapshot it changes nothing. `asOf` must have a snapshot (`npm run
 * coverage`), and may not be earlier than a date already synced (items do not go back in time).
 *
 *   await syncFollowUps(db, "2026-06-30")
 *   // { asOf: "2026-06-30", opened: 812, closed: 40, moved: 3, reclassified: 9 }
 */
export async function syncFollowUps(db: Db, asOf: IsoDate): Promise<SyncSummary> {
  const policy = await loadCoveragePolicy(db);
  const collectionDue = collectionPeriodEnds(asOf, policy);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('hub.follow_up_sync'))`);
    const [state] = await queryRows<{ built: boolean; latest: string | null }>(
      tx,
      sql`select exists (select 1 from hub.coverage_snapshots where as_of = ${asOf}) as built,
                 (select max(as_of)::text from hub.follow_up_syncs) as latest`,
    );
    if (!state?.built)
      throw new InputError(
        "asOf",
        `follow-up items are synced with a coverage snapshot, but there is none of ${asOf} ` +
          `(build it first: npm run coverage -- --as-of ${asOf})`,
      );
    if (state.latest !== null && asOf < state.latest)
      throw new InputError(
        "asOf",
        `follow-up items were synced with the snapshot of ${state.latest} already; ` + `they cannot go back to ${asOf}`,
      );

    // The snapshot of the date with each row's gap, leading reason and priority. A plain
    // subquery, which the planner pulls up: joined to the open items, it is read by primary key
    // (as_of, child_id), one probe per open item, with no scan of the snapshot.
    const snapshot = sql`(select cs.*, ${GAP_SQL} as gap, ${REASON_GROUP_SQL} as lead, ${PRIORITY_SQL} as priority
                            from hub.coverage_status cs where cs.as_of = ${asOf}) s`;
    const snapshotRow = sql`${snapshot} on s.child_id = i.child_id`;

    // Closed: the child is insured with nothing owed (no gap), or not in the snapshot at all.
    const [closed] = await queryRows<{ n: number | string }>(
      tx,
      sql`
      with closing as (
        select i.id, i.responsible_actor, i.responsible_code, i.status,
               case when s.child_id is null then 'GONE' else 'ENROLLED' end as outcome
          from hub.follow_up_items i left join ${snapshotRow}
         where i.closed_on is null and (s.child_id is null or not s.gap)),
      done as (
        update hub.follow_up_items i set closed_on = ${asOf}, outcome = c.outcome, synced_on = ${asOf}
          from closing c where i.id = c.id returning i.id)
      , logged as (
        insert into hub.follow_up_item_history (item_id, "on", event, from_actor, from_code, from_status, outcome)
        select c.id, ${asOf}, 'CLOSED', c.responsible_actor, c.responsible_code, c.status, c.outcome
          from closing c join done d on d.id = c.id returning 1)
      select count(*) as n from logged`,
    );

    // Changed: the gap is still there, with another actor, status or leading reason (or the
    // child moved county, or the coverage year turned: kept current without a history row).
    const [changed] = await queryRows<{ moved: number | string; reclassified: number | string }>(
      tx,
      sql`
      with gap as (
        select i.id, i.responsible_actor as from_actor, i.responsible_code as from_code, i.status as from_status,
               i.leading_reason as from_lead, i.residence_region_code as from_residence, i.coverage_year as from_year,
               ${ACTOR_SQL} as to_actor, s.responsible_code as to_code, s.status as to_status,
               s.lead as to_lead, s.priority as to_priority,
               s.residence_region_code as to_residence, s.coverage_year as to_year
          from hub.follow_up_items i join ${snapshotRow}
         where i.closed_on is null and s.gap),
      changing as (
        select * from gap
         where (from_actor, from_code, from_status, from_lead, from_residence, from_year)
               is distinct from (to_actor, to_code, to_status, to_lead, to_residence, to_year)),
      done as (
        update hub.follow_up_items i
           set responsible_actor = c.to_actor, responsible_code = c.to_code, status = c.to_status,
               leading_reason = c.to_lead, priority = c.to_priority, residence_region_code = c.to_residence,
               coverage_year = c.to_year, synced_on = ${asOf}
          from changing c where i.id = c.id returning i.id),
      logged as (
        insert into hub.follow_up_item_history
               (item_id, "on", event, from_actor, from_code, to_actor, to_code, from_status, to_status)
        select c.id, ${asOf},
               case when (c.from_actor, c.from_code) is distinct from (c.to_actor, c.to_code)
                    then 'MOVED' else 'RECLASSIFIED' end,
               c.from_actor, c.from_code, c.to_actor, c.to_code, c.from_status, c.to_status
          from changing c join done d on d.id = c.id
         where (c.from_actor, c.from_code, c.from_status, c.from_lead)
               is distinct from (c.to_actor, c.to_code, c.to_status, c.to_lead)
        returning event)
      select count(*) filter (where event = 'MOVED') as moved,
             count(*) filter (where event = 'RECLASSIFIED') as reclassified from logged`,
    );

    // Opened: a gap without an open item (the one scan of the snapshot: its gaps).
    const [opened] = await queryRows<{ n: number | string }>(
      tx,
      sql`
      with fresh as (
        insert into hub.follow_up_items
               (child_id, opened_on, due_on, priority, status, leading_reason, coverage_year, responsible_actor,
                responsible_code, residence_region_code, synced_on)
        select s.child_id, ${asOf}, ${dueOf("s", collectionDue)}, s.priority, s.status, s.lead,
               s.coverage_year, ${ACTOR_SQL}, s.responsible_code, s.residence_region_code, ${asOf}
          from ${snapshot}
         where s.gap
           and not exists (select 1 from hub.follow_up_items i where i.child_id = s.child_id and i.closed_on is null)
        returning id, responsible_actor, responsible_code, status),
      logged as (
        insert into hub.follow_up_item_history (item_id, "on", event, to_actor, to_code, to_status)
        select id, ${asOf}, 'OPENED', responsible_actor, responsible_code, status from fresh returning 1)
      select count(*) as n from logged`,
    );

    const summary: SyncSummary = {
      asOf,
      opened: Number(opened?.n ?? 0),
      closed: Number(closed?.n ?? 0),
      moved: Number(changed?.moved ?? 0),
      reclassified: Number(changed?.reclassified ?? 0),
    };
    await tx.execute(sql`
      insert into hub.follow_up_syncs (as_of, opened, closed, moved, reclassified)
      values (${asOf}, ${summary.opened}, ${summary.closed}, ${summary.moved}, ${summary.reclassified})
      on conflict (as_of) do update set synced_at = now(),
        opened = hub.follow_up_syncs.opened + excluded.opened, closed = hub.follow_up_syncs.closed + excluded.closed,
        moved = hub.follow_up_syncs.moved + excluded.moved,
        reclassified = hub.follow_up_syncs.reclassified + excluded.reclassified`);
    return summary;
  });
}

/**
 * A gap's actor. Every gap has one (coverage/rules.ts: responsibleFor); should a row lack it, the
 * insurance office is the design's default contact point, so the item is never dropped.
 */
const ACTOR_SQL = sql.raw(`coalesce(s.responsible_actor, 'INSURANCE_OFFICE')`);

/**
 * The due date of a new item over the snapshot row `alias`: the newborn deadline, the code
 * window's end, or the collection period's end for the row's coordination area.
 */
function dueOf(alias: string, collection: CollectionEnds): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const byArea = sql.join(
    collection.byArea.map(([area, due]) => sql`when ${area} then ${due}::date`),
    sql` `,
  );
  const areaDue = (code: SQL) => (collection.byArea.length ? sql`(case ${code} ${byArea} end)` : sql`null::date`);
  return sql`case
    when ${col("status")} = 'NEWBORN_IN_WINDOW' and ${col("deadline")} is not null then ${col("deadline")}
    when ${col("status")} = 'NEWBORN_OVERDUE' and ${col("code_window_ends_on")} >= ${col("as_of")}
      then ${col("code_window_ends_on")}
    else coalesce(${areaDue(sql`trim(${col("residence_region_code")})`)},
                  ${areaDue(sql`left(${col("residence_region_code")}, 4) || '00'`)},
                  ${collection.province}::date) end`;
}

interface CollectionEnds {
  /** Each coordination area's collection-period end that applies on the date. */
  byArea: [string, IsoDate][];
  /** The province's, for a child placed in no area of the province. */
  province: IsoDate;
}

/**
 * The end of the collection period that a gap on `asOf` is due by, per coordination area: the
 * current coverage year's period while it has not closed (some provinces run it into the year),
 * else the next year's.
 */
function collectionPeriodEnds(asOf: IsoDate, policy: Awaited<ReturnType<typeof loadCoveragePolicy>>): CollectionEnds {
  const year = yearOf(asOf);
  const endFor = (area: string) => {
    const current = policy.settings.collectionPeriod(year, area).closesOn;
    return current >= asOf ? current : policy.settings.collectionPeriod(year + 1, area).closesOn;
  };
  // As coverage/rules.ts coordinationAreaOf places a county: in its own area, else its
  // prefecture's (dueOf tries the county's code, then the prefecture's), else the province.
  return {
    byArea: [...policy.areaCodes].sort().map((area) => [area, endFor(area)]),
    province: endFor(policy.provinceCode),
  };
}
