import { sql } from "drizzle-orm";
import { refreshCoverage } from "../coverage/store.ts";
import { analyzeTables, queryRows, type Db } from "../db/client.ts";
import { SOURCE_LIST } from "../db/sources.ts";
import { children, links } from "../db/tables/hub.ts";
import { clusterTable, type ClusterStats } from "./cluster.ts";
import { normaliseRecord } from "./normalise.ts";
import { recordTableOf, sourceIndex } from "./record-table.ts";
import { blockMates } from "./second-look.ts";
import { blockValuesOf, readNeighbours, readRecords, readRecordTable } from "./sources.ts";
import {
  allCurrentLinks,
  cannotLinkPairs,
  childrenWithDecisions,
  currentLinksOf,
  lockLinkage,
  recordsOfChildren,
  refKey,
  writeLinking,
  type CurrentLink,
  type LinkingSummary,
} from "./store.ts";
import type { RecordRef, SourceRecord } from "./types.ts";
import { addDays, isValidIsoDate, type IsoDate } from "../domain/dates.ts";

export interface LinkRunSummary extends LinkingSummary {
  stats: ClusterStats;
  /** Milliseconds spent reading, matching and writing. */
  timings: { read: number; match: number; write: number };
}

const SYSTEM_ACTOR = "linkage";
const MANUAL_RULES = new Set(["MANUAL_MERGE", "MANUAL_SPLIT", "REVIEW_CONFIRMED"]);

/**
 * A full link (or re-link, after a rule change) of every department record. On an empty index
 * it creates every child; on an existing one it changes only what the rules now decide
 * differently (child ids are kept where a child keeps most of its records), and keeps what
 * people decided: children a person merged, split or confirmed keep their records together,
 * and children a person split or told apart are never merged again. The coverage of every child
 * it changes is assessed again in every retained snapshot, in the transaction that writes the
 * links: a merged child leaves them, a new one enters (issue 23: 40 rows of merged children
 * stayed, 2 new children had none).
 *
 * It reads and matches without the linkage lock (a province takes minutes), then writes under
 * it, provided nothing it read changed meanwhile (`linkageVersion`); if an import did, it runs
 * again holding the lock throughout, so it never writes a decision made from stale links.
 *
 *   const summary = await linkAll(db); // { records, children, reviewsOpened, stats, timings, … }
 */
export async function linkAll(db: Db, options: { actor?: string } = {}): Promise<LinkRunSummary> {
  const version = await linkageVersion(db);
  const unlocked = await decideAll(db);
  const written = await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await lockLinkage(tx);
    if ((await linkageVersion(tx)) !== version) return null;
    return writeAll(tx, unlocked, options);
  });
  const summary =
    written ??
    (await db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      await lockLinkage(tx);
      return writeAll(tx, await decideAll(tx), options);
    }));
  // Fresh statistics after a bulk write: without them the planner takes the link table for a
  // handful of rows and the row-scope checks (hub.child_scope) degrade to repeated full scans.
  await analyzeTables(db, [children, links]);
  return summary;
}

interface WholeDecision {
  records: Awaited<ReturnType<typeof readRecordTable>>;
  current: (CurrentLink | null)[] | null;
  result: ReturnType<typeof clusterTable>;
  read: number;
  match: number;
}

/** Every record read and clustered, against the links as they stand. */
async function decideAll(db: Db): Promise<WholeDecision> {
  let started = performance.now();
  // Normalised as they arrive, into columns: the raw records are not kept (a province is millions of them).
  const records = await readRecordTable(db);
  const currentByKey = await allCurrentLinks(db);
  // An empty index (a first link) has nothing to look up: no key string per record.
  const current =
    currentByKey.size === 0
      ? null
      : Array.from(
          { length: records.count },
          (_, i) => currentByKey.get(refKey(records.sourceOf(i), records.recordIdOf(i))) ?? null,
        );
  const decided = currentByKey.size > 0 ? await childrenWithDecisions(db) : new Set<number>();
  const cannotLink = currentByKey.size > 0 ? await cannotLinkPairs(db) : [];
  const read = performance.now() - started;

  started = performance.now();
  const pinnedChild = current?.map((c) => (c && decided.has(c.childId) ? c.childId : null));
  const result = clusterTable(records, { pinnedChild, cannotLink });
  return { records, current, result, read, match: performance.now() - started };
}

/** A whole clustering written, and the coverage of the children it changed assessed again (in `tx`). */
async function writeAll(tx: Db, d: WholeDecision, options: { actor?: string }): Promise<LinkRunSummary> {
  const started = performance.now();
  const summary = await writeLinking(tx, {
    records: d.records,
    result: d.result,
    current: d.current,
    actor: options.actor ?? SYSTEM_ACTOR,
    whole: true,
  });
  await refreshCoverage(tx, summary.touchedChildIds);
  return {
    ...summary,
    stats: d.result.stats,
    timings: { read: d.read, match: d.match, write: performance.now() - started },
  };
}

/**
 * What a whole link read, as one string: the newest row of every table it reads or that
 * records a change of them (links, events, unresolved marks, department records, replaced
 * versions). Rows are only added (a link is closed by a change that opens another; a record
 * changed leaves its old version in ingest.record_versions), so an equal string means nothing
 * changed. One index probe per table.
 */
async function linkageVersion(db: Db): Promise<string> {
  const tables = [
    "hub.links",
    "hub.child_events",
    "hub.unresolved_children",
    "ingest.record_versions",
    ...new Set(SOURCE_LIST.flatMap((s) => [s.table, ...(s.guardianRows ? [s.guardianRows.table] : [])])),
  ];
  const newest = tables.map((t) => `(select coalesce(max(id), 0) from ${t})`).join(" || ':' || ");
  const [row] = await queryRows<{ version: string }>(db, sql.raw(`select ${newest} as version`));
  return row!.version;
}

/**
 * Links new or changed records, touching only their neighbourhood: the records that could pair
 * with them (a shared blocking key: same ID number, birth certificate, birth date + sex + name,
 * guardian ID number or phone; or a second look's: a slip in the birth date or sex, a guardian's
 * region and birth day against an ID number, the same day, sex and county for a nameless
 * record), and every record of those records' children. The neighbourhood is decided again as a
 * whole link would decide it: every record in it is free to move, except where a person decided
 * (a manual link, a child a person merged, split or confirmed, children told apart). So the
 * index does not depend on the order records arrive in: a record filed after its neighbours is
 * decided with them, and a record already linked moves when a later one shows where it belongs
 * (a guardianship that names a newborn's parents, a certificate that explains a clinic's file).
 * It returns, as `touchedChildIds`, the children whose links it opened or closed (gained, lost or
 * merged records) or whose unresolved mark changed: those whose coverage may have changed.
 *
 * Call it inside the caller's transaction: it takes the linkage lock (lockLinkage) before it
 * reads, so another batch's links cannot change between its reading and its writing.
 *
 *   await linkRecords(tx, [{ source: "health.immunization_record", recordId: "IM-00001234" }]);
 *   // { linksOpened: 1, linksClosed: 0, touchedChildIds: [4711], … }
 */
export async function linkRecords(
  db: Db,
  refs: readonly RecordRef[],
  options: { actor?: string } = {},
): Promise<LinkRunSummary> {
  let started = performance.now();
  await lockLinkage(db);
  const byKey = await neighbourhoodOf(db, await readRecords(db, refs));
  // Whole children: the engine must see every record of a child it may merge or keep apart.
  let currentByKey = await currentLinksOf(db, [...byKey.values()]);
  const childIds = [...new Set([...currentByKey.values()].map((c) => c.childId))];
  const missing = (await recordsOfChildren(db, childIds)).filter((ref) => !byKey.has(refKey(ref.source, ref.recordId)));
  if (missing.length > 0) {
    for (const r of await readRecords(db, missing)) byKey.set(refKey(r.source, r.recordId), r);
    currentByKey = await currentLinksOf(db, [...byKey.values()]);
  }
  // In one order whatever order they arrived in (by source, then the department's record id):
  // the engine's ties are broken by record order.
  const records = [...byKey.values()].sort(
    (a, b) =>
      sourceIndex(a.source) - sourceIndex(b.source) || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0),
  );
  const current: (CurrentLink | null)[] = records.map((r) => currentByKey.get(refKey(r.source, r.recordId)) ?? null);
  const involved = [...new Set(current.filter((c): c is CurrentLink => c !== null).map((c) => c.childId))];
  const involvedSet = new Set(involved);
  const allCannot = await cannotLinkPairs(db);
  const cannotLink = allCannot.filter(([a, b]) => involvedSet.has(a) && involvedSet.has(b));
  const toldApart = new Set(allCannot.flat());
  const decided = await childrenWithDecisions(db, involved);
  const read = performance.now() - started;

  started = performance.now();
  const table = recordTableOf(records.map(normaliseRecord));
  // People's decisions outrank the matcher's: a record a person placed (a manual link, a child a
  // person merged, split, confirmed or told apart from another) stays; everything else is free.
  const pinnedChild = current.map((c) =>
    c && (MANUAL_RULES.has(c.rule) || decided.has(c.childId) || toldApart.has(c.childId)) ? c.childId : null,
  );
  const result = clusterTable(table, { pinnedChild, cannotLink });
  const match = performance.now() - started;

  started = performance.now();
  const summary = await writeLinking(db, { records: table, result, current, actor: options.actor ?? SYSTEM_ACTOR });
  return { ...summary, stats: result.stats, timings: { read, match, write: performance.now() - started } };
}

/**
 * The fresh records and the records that could pair with them (blockMates), by refKey. The
 * neighbour query is broad (everything born on a fresh record's birth date, a day off, or with
 * day and month swapped, and everything sharing an identifier, guardian or phone); the engine's
 * own keys then keep the true mates.
 */
async function neighbourhoodOf(db: Db, freshRecords: readonly SourceRecord[]): Promise<Map<string, SourceRecord>> {
  const byKey = new Map<string, SourceRecord>();
  for (const r of freshRecords) byKey.set(refKey(r.source, r.recordId), r);
  if (freshRecords.length === 0) return byKey;
  const freshFeatures = freshRecords.map(normaliseRecord);
  const values = blockValuesOf(freshFeatures);
  values.birthDates = [...new Set(values.birthDates.flatMap(datesNear))];
  const neighbours = (await readNeighbours(db, values)).filter((r) => !byKey.has(refKey(r.source, r.recordId)));
  const mates = blockMates(
    recordTableOf([...freshFeatures, ...neighbours.map(normaliseRecord)]),
    (i) => i < freshFeatures.length,
  );
  neighbours.forEach((r, k) => {
    if (mates[freshFeatures.length + k]) byKey.set(refKey(r.source, r.recordId), r);
  });
  return byKey;
}

/** A birth date and those a clerk may have written for it: a day off either way, day and month swapped. */
function datesNear(date: IsoDate): IsoDate[] {
  const [year, month, day] = date.split("-");
  const near = [date, addDays(date, -1), addDays(date, 1)];
  const swapped = `${year}-${day}-${month}`;
  if (Number(day) <= 12 && isValidIsoDate(swapped)) near.push(swapped);
  return near;
}
