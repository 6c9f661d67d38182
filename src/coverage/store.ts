import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { insertBatched } from "../db/bulk-insert.ts";
import { scopePlacesSql } from "../db/source-queries.ts";
import { analyzeTables, queryRows, textArrayOf, type Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";
import { loadCoveragePolicy } from "./facts.ts";
import { assessChildren } from "./assess.ts";
import { recountRollup } from "./rollup.ts";
import { coverageRollup, coverageSnapshots, coverageStatus } from "../db/tables/coverage.ts";
import { lockLinkage } from "../linkage/store.ts";
import type { CoveragePolicy } from "./types.ts";

/** Children assessed per round: one feeder batch and one INSERT each. */
const BATCH = 2_000;

/**
 * The children coverage counts: the active ones, less those the matcher could not tell from
 * another (hub.children.unresolved). Such a child is no new child until a person decides (or a
 * later record settles it), so it is in no gap list and no statistic meanwhile; the decision,
 * or the link that clears the mark, touches it, and refreshCoverage then assesses it.
 */
const COUNTED = sql`state = 'ACTIVE' and not unresolved`;

/**
 * Builds (or rebuilds) the whole snapshot of `asOf`: every counted child (COUNTED) assessed, and
 * the date registered in hub.coverage_snapshots only once every child is, so readers (who go by
 * that table) see a snapshot either complete or not at all. Returns the children stored.
 *
 * It runs as a series of short transactions, one per `batchSize` children in id order, each
 * under the linkage lock (lockLinkage) that every import batch and link change takes, and each
 * replacing the rows of its id range with an assessment of what is committed at that moment.
 * Why not one long transaction: an import committed while it ran re-assessed its children only
 * in the snapshots it could see, so the new date kept what the build had read before (issue 23:
 * 800 of 1,010 touched children wrong); and why not the lock for the whole build: it would stop
 * every import for minutes at a province's size. This way an import waits for one batch at
 * most, and from the first batch on the date being built is one of the retained dates
 * (`retainedDates`: it has rows), so an import re-assesses its children there too, before or
 * after the build reaches them. The last batch recounts the rollup and registers the date in the
 * same locked transaction. A build that dies leaves an unregistered date no reader sees, which
 * imports keep current and the next build of that date completes.
 *
 *   await buildSnapshot(db, "2025-12-31") // 998_712
 */
export async function buildSnapshot(
  db: Db,
  asOf: IsoDate,
  options: { onProgress?: (done: number, total: number) => void; batchSize?: number } = {},
): Promise<number> {
  const batch = options.batchSize ?? BATCH;
  const [counted] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from hub.children where ${COUNTED}`,
  );
  const total = Number(counted?.n ?? 0);
  let done = 0;
  for (let after = 0; ;) {
    const step = await db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      await lockLinkage(tx);
      // Read under the lock, so a setting or an area changed by a batch that just committed counts.
      const policy = await loadCoveragePolicy(tx);
      const ids = (
        await queryRows<{ id: number | string }>(
          tx,
          sql`select id from hub.children where ${COUNTED} and id > ${after} order by id limit ${batch}`,
        )
      ).map((r) => Number(r.id));
      const last = ids.length < batch ? null : ids[ids.length - 1]!;
      // The whole id range, so rows of children no longer counted (merged, unresolved) go too.
      const upTo = last === null ? sql`` : sql` and child_id <= ${last}`;
      await tx.execute(sql`delete from hub.coverage_status where as_of = ${asOf} and child_id > ${after}${upTo}`);
      await assessAndInsert(tx, ids, asOf, policy);
      if (last !== null) return { last, assessed: ids.length, stored: 0 };
      await recountRollup(tx, asOf, "all");
      const [rows] = await queryRows<{ n: number | string }>(
        tx,
        sql`select count(*) as n from hub.coverage_status where as_of = ${asOf}`,
      );
      const stored = Number(rows?.n ?? 0);
      await tx
        .insert(coverageSnapshots)
        .values({ asOf, children: stored })
        .onConflictDoUpdate({ target: coverageSnapshots.asOf, set: { children: stored, builtAt: new Date() } });
      return { last, assessed: ids.length, stored };
    });
    done += step.assessed;
    options.onProgress?.(Math.min(done, Math.max(total, done)), Math.max(total, done));
    if (step.last === null) {
      // A snapshot is a province's rows at once: without fresh statistics the planner reads the
      // gap list's filters as matching nothing and chooses plans that take seconds (issue 20:
      // 30 s at 20,000 children until a manual ANALYZE, 0.64 s after).
      await analyzeTables(db, [coverageStatus, coverageRollup]);
      return step.stored;
    }
    after = step.last;
  }
}

/**
 * The dates whose snapshot coverage keeps current: those built, and one being built (its rows
 * exist before it is registered: buildSnapshot). Distinct dates of the status table are read
 * one index probe each (a loose index scan), not by scanning its millions of rows.
 */
export async function retainedDates(db: Db): Promise<IsoDate[]> {
  const rows = await queryRows<{ as_of: string }>(
    db,
    sql`with recursive d(as_of) as (
          select min(as_of) from hub.coverage_status
          union all
          select (select min(s.as_of) from hub.coverage_status s where s.as_of > d.as_of)
            from d where d.as_of is not null)
        select as_of::text as as_of from d where as_of is not null
        union select as_of::text from hub.coverage_snapshots order by 1`,
  );
  return rows.map((r) => r.as_of);
}

/**
 * Re-assesses these children in every retained snapshot (`retainedDates`, one being built
 * included): what an import or a link change calls for the children it touched, in its own
 * transaction and under the linkage lock it holds. Children merged away (no longer active) or left
 * unresolved (not COUNTED) leave the snapshots, and enter them once settled; a past snapshot
 * is corrected too, since a late record changes the past picture.
 */
export async function refreshCoverage(db: Db, childIds: readonly number[]): Promise<void> {
  if (childIds.length === 0) return;
  const dates = await retainedDates(db);
  if (dates.length === 0) return;
  const policy = await loadCoveragePolicy(db);
  await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    for (let start = 0; start < childIds.length; start += BATCH) {
      const slice = childIds.slice(start, start + BATCH);
      const active = (
        await queryRows<{ id: number | string }>(
          tx,
          sql`select id from hub.children where ${COUNTED} and id = any(${sql.param([...slice])}::bigint[])`,
        )
      ).map((r) => Number(r.id));
      for (const asOf of dates) await reassessOnDate(tx, asOf, slice, active, policy);
    }
  });
}

/**
 * Re-assesses, in the caller's transaction and under `policy`, the rows of every snapshot
 * that `touched` selects: a condition over `hub.coverage_status` rows of one date, or null to
 * leave that date alone. What a change of a policy setting calls for the children it touches
 * (settings-store.ts). Returns the snapshot rows re-assessed.
 *
 *   await reassessWhere(tx, (asOf) => (asOf >= "2026-01-01" ? sql`needy_category = 'ORPHAN'` : null), policy)
 */
export async function reassessWhere(
  db: Db,
  touched: (asOf: IsoDate) => SQL | null,
  policy: CoveragePolicy,
): Promise<number> {
  const dates = await retainedDates(db);
  let reassessed = 0;
  for (const asOf of dates) {
    const condition = touched(asOf);
    if (condition === null) continue;
    const ids = (
      await queryRows<{ id: number | string }>(
        db,
        sql`select child_id as id from hub.coverage_status where as_of = ${asOf} and ${condition}`,
      )
    ).map((r) => Number(r.id));
    for (let start = 0; start < ids.length; start += BATCH) {
      const slice = ids.slice(start, start + BATCH);
      await reassessOnDate(db, asOf, slice, slice, policy);
    }
    reassessed += ids.length;
  }
  return reassessed;
}

/**
 * One snapshot date: the rows of `ids` replaced by the assessment of those of them still
 * `active`, and the rollup of every county they were or are counted in recounted.
 */
async function reassessOnDate(
  tx: Db,
  asOf: IsoDate,
  ids: readonly number[],
  active: readonly number[],
  policy: CoveragePolicy,
): Promise<void> {
  // The counties these children were counted in before, and are counted in now, are recounted.
  const before = await tx
    .selectDistinct({ county: coverageStatus.residenceRegionCode })
    .from(coverageStatus)
    .where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, [...ids])));
  await tx.delete(coverageStatus).where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, [...ids])));
  await assessAndInsert(tx, active, asOf, policy);
  const after =
    active.length === 0
      ? []
      : await tx
          .selectDistinct({ county: coverageStatus.residenceRegionCode })
          .from(coverageStatus)
          .where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, [...active])));
  await recountRollup(tx, asOf, [...new Set([...before, ...after].map((r) => r.county))]);
}

async function assessAndInsert(db: Db, ids: readonly number[], asOf: IsoDate, policy: CoveragePolicy): Promise<number> {
  const assessed = [...(await assessChildren(db, ids, asOf, policy)).values()];
  if (assessed.length === 0) return 0;
  // Where the children's records place them, for the lists' row scope (coverage.ts, scope_places).
  const placed = await queryRows<{ child_id: number | string; places: string[] | string }>(
    db,
    scopePlacesSql(sql`${sql.param(assessed.map((r) => r.childId))}::bigint[]`),
  );
  const places = new Map(placed.map((p) => [Number(p.child_id), textArrayOf(p.places)]));
  const rows = assessed.map((r) => ({ ...r, scopePlaces: [...(places.get(r.childId) ?? [])].sort() }));
  await insertBatched(db, coverageStatus, rows);
  return rows.length;
}
