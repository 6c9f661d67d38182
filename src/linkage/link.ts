import { analyzeTables, type Db } from "../db/client.ts";
import { children, links } from "../db/tables/hub.ts";
import { blockMates } from "./blocking.ts";
import { clusterTable, type ClusterStats } from "./cluster.ts";
import { normaliseRecord } from "./normalise.ts";
import { recordTableOf } from "./record-table.ts";
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
 * and children a person split or told apart are never merged again.
 *
 *   const summary = await linkAll(db); // { records, children, reviewsOpened, stats, timings, … }
 */
export async function linkAll(db: Db, options: { actor?: string } = {}): Promise<LinkRunSummary> {
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
  const match = performance.now() - started;

  started = performance.now();
  const summary = await writeLinking(db, { records, result, current, actor: options.actor ?? SYSTEM_ACTOR });
  // Fresh statistics after a bulk write: without them the planner takes the link table for a
  // handful of rows and the row-scope checks (hub.child_scope) degrade to repeated full scans.
  await analyzeTables(db, [children, links]);
  return { ...summary, stats: result.stats, timings: { read, match, write: performance.now() - started } };
}

/**
 * Links new or changed records, touching only their blocks: it reads the records that share a
 * blocking key with them (same ID number, birth certificate, birth date + sex + surname,
 * guardian ID number or phone) and the other records of those records' children, and decides
 * again only for pairs that involve a new or changed record. Existing children stay whole; a
 * new record that proves two children are one merges them (a RELINK event). A changed record
 * moves freely, unless a person placed it (a manual link, or its child was told apart from
 * another). It returns, as `touchedChildIds`, the children whose links it opened or closed (the
 * children that gained, lost or merged records): those whose coverage may have changed.
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
  const freshRecords = await readRecords(db, refs);
  const freshKeys = new Set(freshRecords.map((r) => refKey(r.source, r.recordId)));
  const freshFeatures = freshRecords.map(normaliseRecord);

  const byKey = new Map<string, SourceRecord>();
  for (const r of freshRecords) byKey.set(refKey(r.source, r.recordId), r);
  if (freshRecords.length > 0) {
    const neighbours = (await readNeighbours(db, blockValuesOf(freshFeatures))).filter(
      (r) => !byKey.has(refKey(r.source, r.recordId)),
    );
    // The neighbour query is broad (a birth date alone); keep only true block mates.
    const mates = blockMates(
      recordTableOf([...freshFeatures, ...neighbours.map(normaliseRecord)]),
      (i) => i < freshFeatures.length,
    );
    neighbours.forEach((r, k) => {
      if (mates[freshFeatures.length + k]) byKey.set(refKey(r.source, r.recordId), r);
    });
  }
  // Whole children: the engine must see every record of a child it may merge or keep apart.
  let currentByKey = await currentLinksOf(db, [...byKey.values()]);
  const childIds = [...new Set([...currentByKey.values()].map((c) => c.childId))];
  const missing = (await recordsOfChildren(db, childIds)).filter((ref) => !byKey.has(refKey(ref.source, ref.recordId)));
  if (missing.length > 0) {
    for (const r of await readRecords(db, missing)) byKey.set(refKey(r.source, r.recordId), r);
    currentByKey = await currentLinksOf(db, [...byKey.values()]);
  }
  const records = [...byKey.values()];
  const current: (CurrentLink | null)[] = records.map((r) => currentByKey.get(refKey(r.source, r.recordId)) ?? null);
  const fresh = records.map((r) => freshKeys.has(refKey(r.source, r.recordId)));
  const involved = new Set(current.filter((c): c is CurrentLink => c !== null).map((c) => c.childId));
  const allCannot = await cannotLinkPairs(db);
  const cannotLink = allCannot.filter(([a, b]) => involved.has(a) && involved.has(b));
  const toldApart = new Set(allCannot.flat());
  const read = performance.now() - started;

  started = performance.now();
  const table = recordTableOf(records.map(normaliseRecord));
  // A changed record is free to move, unless a person placed it: a manual link, or a child a
  // person told apart from another. People's decisions outrank the matcher's.
  const pinnedChild = current.map((c, i) =>
    c && (!fresh[i] || MANUAL_RULES.has(c.rule) || toldApart.has(c.childId)) ? c.childId : null,
  );
  const result = clusterTable(table, { pinnedChild, cannotLink, fresh });
  const match = performance.now() - started;

  started = performance.now();
  const summary = await writeLinking(db, { records: table, result, current, actor: options.actor ?? SYSTEM_ACTOR });
  return { ...summary, stats: result.stats, timings: { read, match, write: performance.now() - started } };
}
