import { sql } from "drizzle-orm";
import { insertBatched } from "../db/bulk-insert.ts";
import { copyInto, putCopyText } from "../db/copy.ts";
import { queryRows, type Db } from "../db/client.ts";
import { LINK_RULES, SOURCE_KINDS, type LinkRule, type SourceKind } from "../db/enums.ts";
import * as t from "../db/schema.ts";
import { maskIdNumber, maskPhone } from "../domain/id-number.ts";
import { maskCertificateNumber } from "../domain/identifiers.ts";
import { ruleOf, scoreOf, type ClusterResult, type ReviewItem, type UnresolvedItem } from "./cluster.ts";
import type { RecordTable } from "./record-table.ts";
import { readRecords } from "./sources.ts";
import type { RecordRef, SourceRecord } from "./types.ts";

/**
 * The SQL edge that keeps the master child index: hub.children, hub.links (closed, never
 * overwritten), hub.link_reviews. Everything in batches: one statement per few thousand rows.
 */

/**
 * Takes the linkage lock for the rest of the caller's transaction: writers of links (an ingest
 * batch, from its first statement to its commit) take their turns, one at a time.
 *
 * Why: a batch reads the current links and coverage of the children its records touch, decides,
 * and writes the difference. Two batches about the same children at once (two departments'
 * systems, or one batch sent twice) would each decide from what the other is about to change:
 * both open a link for one record, or both insert one child's coverage row, and the second
 * fails on a unique key (issue 18, finding 15). A transaction-scoped advisory lock costs one
 * statement, is released by commit or rollback (a killed batch cannot leave it held), and
 * leaves readers alone. Outside a transaction it protects nothing.
 *
 *   await db.transaction(async (tx) => { await lockLinkage(tx); … });
 */
export async function lockLinkage(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('hub.linkage'))`);
}

/** A record's link as it stands (unlinked_at is null). */
export interface CurrentLink {
  linkId: number;
  childId: number;
  rule: LinkRule;
  score: number | null;
}

export const refKey = (source: string, recordId: string) => `${source}\u0000${recordId}`;

/** Rows per statement for links and children: the unnest insert takes one parameter per column. */
const ROWS_PER_STATEMENT = 20_000;
const LOOKUP_BATCH = 50_000;
/** Bytes per chunk of a COPY. */
const COPY_CHUNK_BYTES = 1 << 20;

interface LinkRow extends Record<string, unknown> {
  id: number | string;
  source: string;
  record_id: string;
  child_id: number | string;
  rule: string;
  score: number | null;
}

function toCurrent(row: LinkRow): CurrentLink {
  return {
    linkId: Number(row.id),
    childId: Number(row.child_id),
    rule: row.rule as LinkRule,
    score: row.score == null ? null : Number(row.score),
  };
}

/** Current links of the given records, keyed by refKey. */
export async function currentLinksOf(db: Db, refs: readonly RecordRef[]): Promise<Map<string, CurrentLink>> {
  const out = new Map<string, CurrentLink>();
  for (let start = 0; start < refs.length; start += LOOKUP_BATCH) {
    const slice = refs.slice(start, start + LOOKUP_BATCH);
    const sources = sql.param(slice.map((r) => r.source));
    const recordIds = sql.param(slice.map((r) => r.recordId));
    const rows = await queryRows<LinkRow>(
      db,
      sql`select l.id, l.source, l.record_id, l.child_id, l.rule, l.score from hub.links l
          join unnest(${sources}::text[], ${recordIds}::text[]) as k(source, record_id)
            on l.source = k.source and l.record_id = k.record_id
          where l.unlinked_at is null`,
    );
    for (const row of rows) out.set(refKey(row.source, row.record_id), toCurrent(row));
  }
  return out;
}

/** Every current link, page by page (a full re-link reconciles against all of them). */
export async function allCurrentLinks(db: Db): Promise<Map<string, CurrentLink>> {
  const out = new Map<string, CurrentLink>();
  for (let last = 0; ;) {
    const rows = await queryRows<LinkRow>(
      db,
      sql`select id, source, record_id, child_id, rule, score from hub.links
          where unlinked_at is null and id > ${last} order by id limit ${LOOKUP_BATCH * 4}`,
    );
    for (const row of rows) out.set(refKey(row.source, row.record_id), toCurrent(row));
    if (rows.length < LOOKUP_BATCH * 4) break;
    last = Number(rows[rows.length - 1]!.id);
  }
  return out;
}

/** The records currently linked to any of these children. */
export async function recordsOfChildren(db: Db, childIds: readonly number[]): Promise<RecordRef[]> {
  const out: RecordRef[] = [];
  for (let start = 0; start < childIds.length; start += LOOKUP_BATCH) {
    const slice = childIds.slice(start, start + LOOKUP_BATCH);
    const rows = await queryRows<{ source: SourceKind; record_id: string }>(
      db,
      sql`select source, record_id from hub.links
          where unlinked_at is null and child_id = any(${sql.param(slice)}::bigint[])`,
    );
    for (const r of rows) out.push({ source: r.source, recordId: r.record_id });
  }
  return out;
}

/**
 * Children whose grouping a person decided (a merge, a split, a confirmed review, an unresolved
 * child's decision): a re-link keeps their records together, as `pinnedChild`. `among`: only
 * these children's (an incremental link asks about the few it involves).
 */
export async function childrenWithDecisions(db: Db, among?: readonly number[]): Promise<Set<number>> {
  const linked = among ? sql`and child_id = any(${sql.param([...among])}::bigint[])` : sql``;
  const events = among ? sql`and child_ids && ${sql.param([...among])}::bigint[]` : sql``;
  const rows = await queryRows<{ child_id: number | string }>(
    db,
    sql`select distinct child_id from hub.links
          where unlinked_at is null and rule in ('MANUAL_MERGE', 'MANUAL_SPLIT', 'REVIEW_CONFIRMED') ${linked}
        union select distinct unnest(child_ids) from hub.child_events
          where undone_by is null and kind in ('MERGE', 'SPLIT', 'REVIEW_RESOLVED', 'UNRESOLVED_DECIDED') ${events}`,
  );
  const ids = rows.map((r) => Number(r.child_id));
  return new Set(among ? ids.filter((id) => among.includes(id)) : ids);
}

/** Pairs of children a person said are different: split apart, or a review rejected. */
export async function cannotLinkPairs(db: Db): Promise<[number, number][]> {
  const rows = await queryRows<{ a: number | string; b: number | string }>(
    db,
    sql`select (detail->>'from')::bigint as a, (detail->>'to')::bigint as b from hub.child_events
          where kind = 'SPLIT' and undone_by is null
        union all
        select l.child_id as a, r.candidate_child_id as b from hub.link_reviews r
          join hub.links l on l.source = r.source and l.record_id = r.record_id and l.unlinked_at is null
        where r.status = 'DIFFERENT_CHILDREN'`,
  );
  return rows.filter((r) => r.a != null && r.b != null).map((r) => [Number(r.a), Number(r.b)]);
}

/** Creates `n` active children, returning their ids. */
export async function createChildren(db: Db, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let made = 0; made < n; made += ROWS_PER_STATEMENT * 5) {
    const batch = Math.min(ROWS_PER_STATEMENT * 5, n - made);
    const rows = await queryRows<{ id: number | string }>(
      db,
      sql`insert into hub.children (state) select 'ACTIVE' from generate_series(1, ${batch}) returning id`,
    );
    for (const r of rows) ids.push(Number(r.id));
  }
  return ids;
}

/**
 * Creates `n` active children with consecutive ids, returning the first: the ids are reserved
 * from hub.children's identity sequence, and the rows written by COPY, nothing sent back (a
 * province's million ids sent back cost more than the insert). The lock keeps any
 * other insert into hub.children out of the range until the transaction ends.
 */
async function createChildrenInBulk(tx: Db, n: number): Promise<number> {
  if (n === 0) return 0;
  await tx.execute(sql`lock table hub.children in share row exclusive mode`);
  const first = await reserveIds(tx, "hub.children", n);
  // COPY rather than insert … select from generate_series: 1.3 s against 1.7–2.2 s for a million.
  function* rows() {
    for (let start = 0; start < n; start += 50_000) {
      let text = "";
      for (let id = first + start; id < first + Math.min(n, start + 50_000); id++) text += `${id}\tACTIVE\n`;
      yield text;
    }
  }
  await copyInto(tx, "hub.children", ["id", "state"], rows());
  return first;
}

/**
 * Reserves `n` consecutive ids of a table's identity column (its `id`), returning the first:
 * the caller writes them itself instead of the server drawing one from the sequence per row
 * (measured at 1M children: a COPY of 6.56 million links 6.1–6.4 s with the sequence, 4.7–4.9 s
 * with the ids given). The caller must hold a lock that keeps other inserts out of the table
 * until its transaction ends.
 */
async function reserveIds(tx: Db, table: string, n: number): Promise<number> {
  const [reserved] = await queryRows<{ first: number | string }>(
    tx,
    sql`select nextval(pg_get_serial_sequence(${table}, 'id')) as first`,
  );
  const first = Number(reserved!.first);
  await tx.execute(sql`select setval(pg_get_serial_sequence(${table}, 'id'), ${first + n - 1}::bigint)`);
  return first;
}

/** Closes links (never deletes them): unlinked_at now, and the event that closed them. */
export async function closeLinks(db: Db, linkIds: readonly number[], eventId: number | null): Promise<void> {
  for (let start = 0; start < linkIds.length; start += LOOKUP_BATCH) {
    await db.execute(
      sql`update hub.links set unlinked_at = now(), event_id = coalesce(${eventId}::bigint, event_id)
          where id = any(${sql.param(linkIds.slice(start, start + LOOKUP_BATCH))}::bigint[]) and unlinked_at is null`,
    );
  }
}

export interface NewLink {
  source: SourceKind;
  recordId: string;
  childId: number;
  rule: LinkRule;
  score: number | null;
  eventId: number | null;
}

export async function openLinks(db: Db, links: readonly NewLink[]): Promise<void> {
  await insertBatched(db, t.links, links as (typeof t.links.$inferInsert)[], { rowsPerStatement: ROWS_PER_STATEMENT });
}

/** The evidence a reviewer sees: which fields agreed, the score, identifiers masked. */
export function reviewEvidence(
  item: Pick<ReviewItem | UnresolvedItem, "score" | "reason" | "levels">,
  record: SourceRecord,
  candidate: SourceRecord,
): Record<string, unknown> {
  const show = (r: SourceRecord) => ({
    source: r.source,
    recordId: r.recordId,
    name: r.name,
    sex: r.sex,
    birthDate: r.birthDate,
    idNumber: r.idNumber ? maskIdNumber(r.idNumber) : null,
    birthCertificateNumber: r.birthCertificateNumber ? maskCertificateNumber(r.birthCertificateNumber) : null,
    guardianIdNumbers: r.guardianIdNumbers.map(maskIdNumber),
    guardianPhones: r.guardianPhones.map(maskPhone),
    regionCodes: r.regionCodes,
  });
  return {
    score: item.score,
    reason: item.reason,
    fields: item.levels,
    record: show(record),
    candidate: show(candidate),
  };
}

/** The county a record places the child in, for a reviewer's region filter. */
export function reviewRegion(record: SourceRecord): string | null {
  return record.regionCodes.find((c) => !c.endsWith("00")) ?? record.regionCodes[0] ?? null;
}

export interface LinkingWrite {
  /** The records clustered, in the order of the result's arrays. */
  records: RecordTable;
  result: ClusterResult;
  /** Per record, its current link, or null for a record never linked; null: none is linked. */
  current: readonly (CurrentLink | null)[] | null;
  actor: string;
  /** Whether the clustering is of every record (linkAll): it then decides about every child. */
  whole?: boolean;
}

export interface LinkingSummary {
  records: number;
  children: number;
  newChildren: number;
  linksOpened: number;
  linksClosed: number;
  childrenMerged: number;
  reviewsOpened: number;
  /** Children of this clustering left unresolved (hub.children.unresolved): waiting for a person. */
  unresolvedChildren: number;
  eventId: number | null;
  /**
   * The children whose links this write opened or closed, ascending: those that gained, lost or
   * merged records (new children included). Their coverage is what a caller assesses again.
   */
  touchedChildIds: number[];
}

/**
 * Writes a clustering as links, changing only what changed: each cluster keeps the existing
 * child holding most of its records (so child ids survive a re-link), other clusters get new
 * children; a record whose child changes has its link closed and a new one opened; an existing
 * child left with none of its records is marked MERGED into the child that took most of them.
 * A change to existing links is recorded as one RELINK event that the changed rows point at.
 */
export async function writeLinking(db: Db, w: LinkingWrite): Promise<LinkingSummary> {
  const { records, result } = w;
  const n = records.count;
  const current = w.current ?? [];
  // Which existing child each cluster keeps: the largest share first, each child used once.
  const shares = new Map<string, { cluster: number; child: number; count: number }>();
  for (let i = 0; i < current.length; i++) {
    const cur = current[i];
    if (!cur) continue;
    const key = `${result.clusterOf[i]}:${cur.childId}`;
    const s = shares.get(key);
    if (s) s.count++;
    else shares.set(key, { cluster: result.clusterOf[i]!, child: cur.childId, count: 1 });
  }
  const ranked = [...shares.values()].sort((a, b) => b.count - a.count || a.child - b.child || a.cluster - b.cluster);
  const childOfCluster = new Float64Array(result.clusterCount).fill(Number.NaN);
  const usedChildren = new Set<number>();
  for (const s of ranked) {
    if (!Number.isNaN(childOfCluster[s.cluster]!) || usedChildren.has(s.child)) continue;
    childOfCluster[s.cluster] = s.child;
    usedChildren.add(s.child);
  }
  const unassigned: number[] = [];
  for (let c = 0; c < result.clusterCount; c++) if (Number.isNaN(childOfCluster[c]!)) unassigned.push(c);

  if (current.every((c) => c === null) && (await indexIsEmpty(db))) return writeFirstIndex(db, w, unassigned.length);

  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const fresh = await createChildren(tx, unassigned.length);
    unassigned.forEach((c, k) => (childOfCluster[c] = fresh[k]!));

    const toClose: number[] = [];
    const moved: number[] = [];
    const touched = new Set<number>(); // children a link of which is opened or closed
    const remaining = new Map<number, number>(); // existing child → records it keeps
    const movedTo = new Map<number, Map<number, number>>(); // existing child → target → count
    for (let i = 0; i < n; i++) {
      const target = childOfCluster[result.clusterOf[i]!]!;
      const cur = current[i] ?? null;
      if (cur) {
        remaining.set(cur.childId, (remaining.get(cur.childId) ?? 0) + (cur.childId === target ? 1 : 0));
        if (cur.childId === target) continue;
        toClose.push(cur.linkId);
        touched.add(cur.childId);
        const m = movedTo.get(cur.childId) ?? movedTo.set(cur.childId, new Map()).get(cur.childId)!;
        m.set(target, (m.get(target) ?? 0) + 1);
      }
      moved.push(i);
      touched.add(target);
    }
    const emptied = [...remaining].filter(([, kept]) => kept === 0).map(([child]) => child);

    let eventId: number | null = null;
    if (toClose.length > 0) {
      // The event names the children records moved between (not those of records linked for the first time).
      const relinked = [...new Set([...movedTo.keys(), ...[...movedTo.values()].flatMap((m) => [...m.keys()])])];
      const detail = { linksClosed: toClose.length, linksOpened: moved.length, childrenMerged: emptied.length };
      const [event] = await queryRows<{ id: number | string }>(
        tx,
        sql`insert into hub.child_events (kind, child_ids, detail, actor)
            values ('RELINK', ${sql.param(relinked)}::bigint[], ${JSON.stringify(detail)}::jsonb, ${w.actor})
            returning id`,
      );
      eventId = Number(event!.id);
      await closeLinks(tx, toClose, eventId);
    }
    // Built and sent a statement's worth at a time: a province's links never sit in memory twice.
    for (let start = 0; start < moved.length; start += ROWS_PER_STATEMENT) {
      await openLinks(
        tx,
        moved.slice(start, start + ROWS_PER_STATEMENT).map((i) => ({
          source: records.sourceOf(i),
          recordId: records.recordIdOf(i),
          childId: childOfCluster[result.clusterOf[i]!]!,
          rule: ruleOf(result, i),
          score: scoreOf(result, i),
          eventId,
        })),
      );
    }
    if (emptied.length > 0) {
      const into = emptied.map(
        (child) =>
          [...(movedTo.get(child) ?? new Map<number, number>())].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ??
          null,
      );
      await tx.execute(
        sql`update hub.children c set state = 'MERGED', merged_into = u.target
            from unnest(${sql.param(emptied)}::bigint[], ${sql.param(into)}::bigint[]) as u(id, target)
            where c.id = u.id`,
      );
    }

    const reviewsOpened = await writeReviews(tx, records, result, childOfCluster, w.whole ? "whole" : "table");
    // The children this clustering decided about: every cluster's, and those it emptied.
    const decided = w.whole ? null : [...new Set([...childOfCluster, ...emptied])];
    const unresolved = await writeUnresolved(tx, records, result, childOfCluster, decided);
    for (const child of unresolved.changed) touched.add(child);

    return {
      records: n,
      children: result.clusterCount,
      newChildren: fresh.length,
      linksOpened: moved.length,
      linksClosed: toClose.length,
      childrenMerged: emptied.length,
      reviewsOpened,
      unresolvedChildren: unresolved.open,
      eventId,
      touchedChildIds: [...touched].sort((a, b) => a - b),
    };
  });
}

async function indexIsEmpty(db: Db): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from hub.links limit 1`);
  return rows.length === 0;
}

/**
 * The first link of a province into an empty index: the same rows as writeLinking, written the
 * way a bulk load should be. Inside one transaction, hub.links's secondary indexes and foreign
 * keys are dropped, the links inserted, and the indexes and keys created again from their own
 * definitions (read from the catalog, so they stay whatever the migrations made them). Building
 * an index once from sorted rows and checking a foreign key with one join are several times
 * cheaper than maintaining two indexes and firing a key check for each of millions of rows
 * (measured on PostgreSQL, 656,111 links of 100,000 children: 14.5 s inserted into the indexed
 * table, 6.8 s to drop, insert, rebuild and check). The transaction holds an
 * exclusive lock on hub.links meanwhile, and should anything fail, nothing was written.
 */
async function writeFirstIndex(db: Db, w: LinkingWrite, childCount: number): Promise<LinkingSummary> {
  const { records, result } = w;
  const n = records.count;
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // More memory for the index builds' sorts than the default 64 MB, which spills them to disk early.
    await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
    await tx.execute(sql`lock table hub.links in access exclusive mode`);
    if (!(await indexIsEmpty(tx)))
      throw new Error(
        "a first link expects hub.links to be empty, but links were written meanwhile: run linkAll again",
      );
    const restore = await dropLinkIndexes(tx);
    const firstChild = await createChildrenInBulk(tx, childCount);
    const childOfCluster = new Float64Array(childCount);
    for (let c = 0; c < childCount; c++) childOfCluster[c] = firstChild + c;
    // Rows go in by source name, then as read (by record id, as the departments number them):
    // the order of the (source, record_id) index, whose build then finds its input sorted.
    const firstLink = n === 0 ? 0 : await reserveIds(tx, "hub.links", n);
    await copyInto(
      tx,
      "hub.links",
      ["id", "source", "record_id", "child_id", "rule", "score"],
      linkRows(records, result, childOfCluster, bySourceName(records), firstLink),
    );
    for (const statement of restore) await tx.execute(sql.raw(statement));
    const reviewsOpened = await writeReviews(tx, records, result, childOfCluster, "whole");
    const unresolved = await writeUnresolved(tx, records, result, childOfCluster, null);
    return {
      records: n,
      children: result.clusterCount,
      newChildren: childCount,
      linksOpened: n,
      linksClosed: 0,
      childrenMerged: 0,
      reviewsOpened,
      unresolvedChildren: unresolved.open,
      eventId: null,
      // Every child is new, and each holds at least one record.
      touchedChildIds: Array.from({ length: childCount }, (_, c) => firstChild + c),
    };
  });
}

/**
 * The links of a first index as COPY text, about a megabyte a chunk (each is built while the
 * server reads the last), written byte by byte from the table's columns: a province's 6.5
 * million rows as strings were 30 million strings to make and collect.
 */
function* linkRows(
  records: RecordTable,
  result: ClusterResult,
  childOfCluster: Float64Array,
  order: Int32Array,
  firstId: number,
): Generator<Uint8Array> {
  const sources = SOURCE_KINDS.map((source) => Buffer.from(`${source}\t`));
  const rules = LINK_RULES.map((rule) => Buffer.from(`\t${rule}\t`));
  const { recordIdBytes: idBytes, recordIdStart: idStart } = records;
  let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let at = 0;
  const put = (bytes: Uint8Array) => {
    for (let k = 0; k < bytes.length; k++) chunk[at++] = bytes[k]!;
  };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const idLength = idStart[i + 1]! - idStart[i]!;
    // The longest a row can be: a record id with every byte escaped, and the numbers.
    if (at + idLength * 2 + 160 > chunk.length) {
      yield chunk.subarray(0, at);
      chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, idLength * 2 + 160));
      at = 0;
    }
    at += chunk.write(String(firstId + k), at, "latin1");
    chunk[at++] = 9;
    put(sources[records.source[i]!]!);
    at = putCopyText(chunk, at, idBytes, idStart[i]!, idStart[i + 1]!);
    chunk[at++] = 9;
    at += chunk.write(String(childOfCluster[result.clusterOf[i]!]!), at, "latin1");
    put(rules[result.rule[i]!]!);
    const score = result.score[i]!;
    if (Number.isNaN(score)) {
      chunk[at++] = 0x5c;
      chunk[at++] = 0x4e;
    } else at += chunk.write(String(score), at, "latin1");
    chunk[at++] = 10;
  }
  if (at > 0) yield chunk.subarray(0, at);
}

/** Record indexes ordered by source name, keeping their order within a source (a stable bucket sort). */
function bySourceName(records: RecordTable): Int32Array {
  const rank = new Int32Array(SOURCE_KINDS.length);
  [...SOURCE_KINDS.keys()]
    .sort((x, y) => (SOURCE_KINDS[x]! < SOURCE_KINDS[y]! ? -1 : 1))
    .forEach((source, k) => (rank[source] = k));
  const start = new Int32Array(SOURCE_KINDS.length + 1);
  for (let i = 0; i < records.count; i++) start[rank[records.source[i]!]! + 1]!++;
  for (let k = 0; k < SOURCE_KINDS.length; k++) start[k + 1]! += start[k]!;
  const order = new Int32Array(records.count);
  for (let i = 0; i < records.count; i++) order[start[rank[records.source[i]!]!]!++] = i;
  return order;
}

/**
 * Drops hub.links's indexes, its primary key and its foreign keys, returning the statements
 * that create them again, as the catalog defines them. (No table refers to hub.links, so its
 * primary key can go too: built once from the rows it is cheaper than maintained for each;
 * measured at 100,000 children, 0.8 s of a 2.3 s insert.)
 */
async function dropLinkIndexes(tx: Db): Promise<string[]> {
  // Only hub.links's owner may drop and rebuild its indexes. The serving role of a two-role
  // PostgreSQL setup (README, Configuration) owns nothing: it loads into the indexed table.
  const [links] = await queryRows<{ owned: boolean }>(
    tx,
    sql`select pg_has_role(current_user, relowner, 'USAGE') as owned from pg_class where oid = 'hub.links'::regclass`,
  );
  if (!links?.owned) return [];
  // An index only of closed links (unlinked_at is not null) stays: the new links are all open,
  // so the COPY never touches it, and rebuilding it would read the whole table for nothing.
  const indexes = await queryRows<{ name: string; definition: string }>(
    tx,
    sql`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
        where i.indrelid = 'hub.links'::regclass and not i.indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
          and coalesce(pg_get_expr(i.indpred, i.indrelid), '') <> '(unlinked_at IS NOT NULL)'
        order by 1`,
  );
  const keys = await queryRows<{ name: string; definition: string }>(
    tx,
    sql`select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = 'hub.links'::regclass and contype in ('f', 'p') order by contype desc, conname`,
  );
  for (const k of keys) await tx.execute(sql.raw(`alter table hub.links drop constraint "${k.name}"`));
  for (const i of indexes) await tx.execute(sql.raw(`drop index ${i.name}`));
  return [
    ...indexes.map((i) => i.definition),
    ...keys.map((k) => `alter table hub.links add constraint "${k.name}" ${k.definition}`),
  ];
}

/** The records named, as the departments wrote them (evidence shows them so), by refKey; a missing one empty. */
async function recordsAsWritten(tx: Db, refs: readonly RecordRef[]): Promise<(ref: RecordRef) => SourceRecord> {
  const shown = new Map<string, SourceRecord>();
  if (refs.length > 0) for (const r of await readRecords(tx, refs)) shown.set(refKey(r.source, r.recordId), r);
  return (ref) =>
    shown.get(refKey(ref.source, ref.recordId)) ?? {
      source: ref.source,
      recordId: ref.recordId,
      name: null,
      sex: null,
      birthDate: null,
      idNumber: null,
      birthCertificateNumber: null,
      studentNumber: null,
      guardianIdNumbers: [],
      guardianPhones: [],
      regionCodes: [],
    };
}

/**
 * The unresolved children of a clustering (ClusterResult.unresolved), kept in
 * hub.children.unresolved and one OPEN hub.unresolved_children entry each, for the children
 * `decided` names (null: a whole-province link, every child). An entry the clustering no longer
 * gives is closed as SUPERSEDED; one it gives again unchanged (same record, same candidate) is
 * kept; a child a person said is a child of its own (NEW_CHILD) is never flagged again. Returns
 * the children whose flag changed (their coverage changes with it) and how many stay unresolved.
 */
async function writeUnresolved(
  tx: Db,
  records: RecordTable,
  result: ClusterResult,
  childOfCluster: Float64Array,
  decided: readonly number[] | null,
): Promise<{ changed: number[]; open: number }> {
  const wanted = new Map<number, UnresolvedItem>();
  for (const item of result.unresolved) wanted.set(childOfCluster[result.clusterOf[item.record]!]!, item);
  const childIds = (values: Iterable<number>) => sql.param([...values]);
  if (wanted.size > 0) {
    const kept = await queryRows<{ child_id: number | string }>(
      tx,
      sql`select distinct child_id from hub.unresolved_children
          where status = 'NEW_CHILD' and child_id = any(${childIds(wanted.keys())}::bigint[])`,
    );
    for (const row of kept) wanted.delete(Number(row.child_id));
  }
  const scope = decided === null ? sql`true` : sql`child_id = any(${childIds(decided)}::bigint[])`;
  const open = await queryRows<{
    id: number | string;
    child_id: number | string;
    source: string;
    record_id: string;
    candidate_child_id: number | string | null;
  }>(
    tx,
    sql`select id, child_id, source, record_id, candidate_child_id from hub.unresolved_children
        where status = 'OPEN' and ${scope}`,
  );
  const superseded: number[] = [];
  const unchanged = new Set<number>();
  for (const row of open) {
    const child = Number(row.child_id);
    const item = wanted.get(child);
    const same =
      item !== undefined &&
      records.sourceOf(item.record) === row.source &&
      records.recordIdOf(item.record) === row.record_id &&
      childOfCluster[result.clusterOf[item.candidate]!] === Number(row.candidate_child_id);
    if (same) unchanged.add(child);
    else superseded.push(Number(row.id));
  }
  if (superseded.length > 0)
    await tx.execute(
      sql`update hub.unresolved_children set status = 'SUPERSEDED', resolved_at = now(), resolved_by = 'linkage'
          where id = any(${sql.param(superseded)}::bigint[])`,
    );
  const fresh = [...wanted].filter(([child]) => !unchanged.has(child));
  if (fresh.length > 0) {
    const asWritten = await recordsAsWritten(
      tx,
      fresh.flatMap(([, item]) => [records.refOf(item.record), records.refOf(item.candidate)]),
    );
    await insertBatched(
      tx,
      t.unresolvedChildren,
      fresh.map(([child, item]) => {
        const record = asWritten(records.refOf(item.record));
        return {
          childId: child,
          source: record.source,
          recordId: record.recordId,
          candidateChildId: childOfCluster[result.clusterOf[item.candidate]!]!,
          reason: item.reason,
          score: item.score,
          evidence: reviewEvidence(item, record, asWritten(records.refOf(item.candidate))),
          regionCode: reviewRegion(record),
        };
      }),
    );
  }
  const flagged = await queryRows<{ id: number | string }>(
    tx,
    sql`update hub.children set unresolved = true
        where not unresolved and id = any(${childIds(wanted.keys())}::bigint[]) returning id`,
  );
  const scopeOfIds = decided === null ? sql`true` : sql`id = any(${childIds(decided)}::bigint[])`;
  const cleared = await queryRows<{ id: number | string }>(
    tx,
    sql`update hub.children set unresolved = false
        where unresolved and ${scopeOfIds} and not (id = any(${childIds(wanted.keys())}::bigint[])) returning id`,
  );
  return { changed: [...flagged, ...cleared].map((r) => Number(r.id)), open: wanted.size };
}

/**
 * Reviews: one per uncertain record and candidate child, unless one is already open. An open
 * review of a record this clustering decided about (`decided`: "whole", every record; "table",
 * the table's) that it no longer gives is closed as SUPERSEDED: a later record settled it (the
 * record was linked, or its candidate turned out another child), and a reviewer has nothing
 * left to decide. The review queue then does not depend on the order records arrived in.
 */
async function writeReviews(
  tx: Db,
  records: RecordTable,
  result: ClusterResult,
  childOfCluster: Float64Array,
  decided: "whole" | "table",
): Promise<number> {
  const keyOf = (source: string, recordId: string, candidateChild: number) =>
    `${refKey(source, recordId)}\u0000${candidateChild}`;
  const wanted = new Map<string, ReviewItem>();
  for (const item of result.reviews) {
    const ref = records.refOf(item.record);
    wanted.set(keyOf(ref.source, ref.recordId, childOfCluster[result.clusterOf[item.candidate]!]!), item);
  }
  const inTable =
    decided === "table"
      ? new Set(Array.from({ length: records.count }, (_, i) => refKey(records.sourceOf(i), records.recordIdOf(i))))
      : null;
  const rows = await queryRows<{
    id: number | string;
    source: string;
    record_id: string;
    candidate_child_id: number | string;
  }>(
    tx,
    inTable === null
      ? sql`select id, source, record_id, candidate_child_id from hub.link_reviews where status = 'OPEN'`
      : sql`select id, source, record_id, candidate_child_id from hub.link_reviews where status = 'OPEN'
            and record_id = any(${sql.param(recordIdsOf(records))}::text[])`,
  );
  const open = new Set<string>();
  const superseded: number[] = [];
  for (const r of rows) {
    if (inTable && !inTable.has(refKey(r.source, r.record_id))) continue;
    const key = keyOf(r.source, r.record_id, Number(r.candidate_child_id));
    if (wanted.has(key)) open.add(key);
    else superseded.push(Number(r.id));
  }
  if (superseded.length > 0)
    await tx.execute(
      sql`update hub.link_reviews set status = 'SUPERSEDED', resolved_at = now(), resolved_by = 'linkage'
          where id = any(${sql.param(superseded)}::bigint[])`,
    );
  const fresh = [...wanted].filter(([key]) => !open.has(key)).map(([, item]) => item);
  // The evidence shows the records as the departments wrote them: read the few concerned again.
  const asWritten = await recordsAsWritten(
    tx,
    fresh.flatMap((item) => [records.refOf(item.record), records.refOf(item.candidate)]),
  );
  const reviewRows = fresh.map((item) => {
    const record = asWritten(records.refOf(item.record));
    return {
      source: record.source,
      recordId: record.recordId,
      candidateChildId: childOfCluster[result.clusterOf[item.candidate]!]!,
      score: item.score,
      evidence: reviewEvidence(item, record, asWritten(records.refOf(item.candidate))),
      regionCode: reviewRegion(record),
    };
  });
  await insertBatched(tx, t.linkReviews, reviewRows);
  return reviewRows.length;
}

/** The distinct record ids of a table, to bound a statement to the records in hand. */
function recordIdsOf(records: RecordTable): string[] {
  return [...new Set(Array.from({ length: records.count }, (_, i) => records.recordIdOf(i)))];
}
