import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { insertBatched } from "../db/bulk-insert.ts";
import { queryRows, type Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";
import { loadCoveragePolicy } from "./facts.ts";
import { assessChildren } from "./assess.ts";
import { recountRollup } from "./rollup.ts";
import { coverageSnapshots, coverageStatus } from "../db/tables/coverage.ts";
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
 * Builds (or rebuilds) the whole snapshot of `asOf`: every counted child (COUNTED) assessed, in one
 * transaction, so a snapshot is either complete or absent. Returns the children stored.
 *
 *   await buildSnapshot(db, "2025-12-31") // 998_712
 */
export async function buildSnapshot(
  db: Db,
  asOf: IsoDate,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const policy = await loadCoveragePolicy(db);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const ids = (
      await queryRows<{ id: number | string }>(tx, sql`select id from hub.children where ${COUNTED} order by id`)
    ).map((r) => Number(r.id));
    await tx.delete(coverageStatus).where(eq(coverageStatus.asOf, asOf));
    let stored = 0;
    for (let start = 0; start < ids.length; start += BATCH) {
      stored += await assessAndInsert(tx, ids.slice(start, start + BATCH), asOf, policy);
      options.onProgress?.(Math.min(start + BATCH, ids.length), ids.length);
    }
    await recountRollup(tx, asOf, "all");
    await tx
      .insert(coverageSnapshots)
      .values({ asOf, children: stored })
      .onConflictDoUpdate({ target: coverageSnapshots.asOf, set: { children: stored, builtAt: new Date() } });
    return stored;
  });
}

/**
 * Re-assesses these children in every snapshot that exists: what an import or a link change
 * calls for the children it touched. Children merged away (no longer active) or left
 * unresolved (not COUNTED) leave the snapshots, and enter them once settled; a past snapshot
 * is corrected too, since a late record changes the past picture.
 */
export async function refreshCoverage(db: Db, childIds: readonly number[]): Promise<void> {
  if (childIds.length === 0) return;
  const dates = (await db.select({ asOf: coverageSnapshots.asOf }).from(coverageSnapshots)).map((r) => r.asOf);
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
  const dates = (await db.select({ asOf: coverageSnapshots.asOf }).from(coverageSnapshots)).map((r) => r.asOf);
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
  const rows = [...(await assessChildren(db, ids, asOf, policy)).values()];
  await insertBatched(db, coverageStatus, rows);
  return rows.length;
}
