import { and, eq, inArray, sql } from "drizzle-orm";
import { insertBatched } from "../db/bulk-insert.ts";
import { queryRows, type Db } from "../db/client.ts";
import { addDays, yearOf, type IsoDate } from "../domain/dates.ts";
import { provinceOf } from "../domain/division-codes.ts";
import { loadCoverageFacts, loadCoveragePolicy } from "./facts.ts";
import { recountRollup } from "./rollup.ts";
import { assessCoverage } from "./rules.ts";
import { coverageSnapshots, coverageStatus } from "../db/tables/coverage.ts";
import type { HukouType } from "../domain/coverage-terms.ts";
import type { CoverageAssessment, CoverageFacts, CoveragePolicy } from "./types.ts";

/** Children assessed per round: one feeder batch and one INSERT each. */
const BATCH = 2_000;

type StatusRow = typeof coverageStatus.$inferInsert;

/**
 * Builds (or rebuilds) the whole snapshot of `asOf`: every active child assessed, in one
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
      await queryRows<{ id: number | string }>(tx, sql`select id from hub.children where state = 'ACTIVE' order by id`)
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
 * calls for the children it touched. Children merged away (no longer active) leave the
 * snapshots; a past snapshot is corrected too, since a late record changes the past picture.
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
          sql`select id from hub.children where state = 'ACTIVE' and id = any(${sql.param([...slice])}::bigint[])`,
        )
      ).map((r) => Number(r.id));
      for (const asOf of dates) {
        // The counties these children were counted in before, and are counted in now, are recounted.
        const before = await tx
          .selectDistinct({ county: coverageStatus.residenceRegionCode })
          .from(coverageStatus)
          .where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, [...slice])));
        await tx
          .delete(coverageStatus)
          .where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, [...slice])));
        await assessAndInsert(tx, active, asOf, policy);
        const after =
          active.length === 0
            ? []
            : await tx
                .selectDistinct({ county: coverageStatus.residenceRegionCode })
                .from(coverageStatus)
                .where(and(eq(coverageStatus.asOf, asOf), inArray(coverageStatus.childId, active)));
        await recountRollup(tx, asOf, [...new Set([...before, ...after].map((r) => r.county))]);
      }
    }
  });
}

/**
 * Builds the snapshot of `asOf` unless it exists. Concurrent callers in one process share one
 * build, and a snapshot known to exist costs no statement (snapshots are never dropped).
 * The first question about a new date on a large province waits for the build: operators build
 * the day's snapshot ahead with `npm run coverage -- --as-of <date>`.
 */
export async function ensureSnapshot(db: Db, asOf: IsoDate): Promise<void> {
  let known = builtSnapshots.get(db);
  if (!known) builtSnapshots.set(db, (known = new Map()));
  let pending = known.get(asOf);
  if (!pending) {
    pending = (async () => {
      const [exists] = await db
        .select({ asOf: coverageSnapshots.asOf })
        .from(coverageSnapshots)
        .where(eq(coverageSnapshots.asOf, asOf));
      if (!exists) await buildSnapshot(db, asOf);
    })();
    known.set(asOf, pending);
    // A failed build is not remembered: the next caller tries again.
    pending.catch(() => known.delete(asOf));
  }
  return pending;
}
const builtSnapshots = new WeakMap<Db, Map<IsoDate, Promise<void>>>();

async function assessAndInsert(db: Db, ids: readonly number[], asOf: IsoDate, policy: CoveragePolicy): Promise<number> {
  if (ids.length === 0) return 0;
  const facts = await loadCoverageFacts(db, ids, asOf);
  const rows: StatusRow[] = [];
  for (const id of ids) {
    const f = facts.get(id);
    if (!f) continue;
    const assessment = assessCoverage(f, asOf, policy);
    if (assessment) rows.push(statusRow(id, asOf, f, assessment, policy));
  }
  await insertBatched(db, coverageStatus, rows);
  return rows.length;
}

/** One child's row of a snapshot: the assessment, and the facts the filters and groupings read. */
export function statusRow(
  childId: number,
  asOf: IsoDate,
  facts: CoverageFacts,
  a: CoverageAssessment,
  policy: CoveragePolicy,
): StatusRow {
  return {
    asOf,
    childId,
    coverageYear: a.coverageYear,
    status: a.status,
    reasons: a.reasons,
    birthDate: facts.birthDate,
    deadline: a.deadline,
    codeWindowEndsOn: a.codeWindowEndsOn,
    waitingPeriodMonths: a.waitingPeriodMonths,
    insuredWithinWindow: insuredWithinWindow(facts, a, asOf, policy),
    residenceRegionCode: facts.residenceRegionCode,
    hukouRegionCode: facts.hukouRegionCode,
    hukouType: hukouTypeOf(facts.hukouRegionCode, policy.provinceCode),
    schoolCode: facts.currentSchoolCode,
    doctorCode: facts.contractedDoctorCode,
    needyCategory: facts.needyCategory,
    responsibleActor: a.responsible?.actor ?? null,
    responsibleCode: a.responsible?.code ?? null,
    action: a.responsible?.action ?? null,
  };
}

export function hukouTypeOf(hukouRegionCode: string | null, provinceCode: string): HukouType {
  if (!hukouRegionCode) return "UNKNOWN";
  return provinceOf(hukouRegionCode) === provinceOf(provinceCode) ? "LOCAL" : "NON_LOCAL";
}

/**
 * The policy target "newborns insured within the window": born in the coverage year, insured,
 * by an insuring enrollment made no later than birth + the window.
 */
export function insuredWithinWindow(
  facts: CoverageFacts,
  a: CoverageAssessment,
  asOf: IsoDate,
  policy: CoveragePolicy,
): boolean {
  if (yearOf(facts.birthDate) !== a.coverageYear || (a.status !== "INSURED" && a.status !== "DUPLICATE")) return false;
  const deadline = addDays(facts.birthDate, policy.newbornWindowDays);
  return facts.enrollments.some(
    (e) =>
      e.coverageYear === a.coverageYear &&
      e.status === "ACTIVE" &&
      e.paidOn !== null &&
      e.paidOn <= asOf &&
      e.enrolledOn <= deadline,
  );
}
