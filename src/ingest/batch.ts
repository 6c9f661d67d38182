import { sql, type SQL } from "drizzle-orm";
import { refreshCoverage, retainedDates } from "../coverage/store.ts";
import { getTableConfig, type PgColumn, type PgTable } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "../db/client.ts";
import { JOINS, SOURCE_LIST, SOURCES } from "../db/sources.ts";
import { linkRecords } from "../linkage/index.ts";
import { lockLinkage } from "../linkage/store.ts";
import { withRetries } from "./failure.ts";
import {
  parseRow,
  type FieldError,
  type ParsedRecord,
  type PlacedChildren,
  type RawRow,
  type RecordKind,
} from "./kind.ts";
import { takenValues } from "./unique-values.ts";
import { writeRecords } from "./write.ts";

/** One refused value of one row. `index` is the row's position in the batch (or its line in a file). */
export interface RejectedRow {
  index: number;
  recordId: string | null;
  field: string;
  message: string;
}

/** The answer to a batch: how many rows were new, changed, identical, and every refusal. */
export interface IngestReport {
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  rejected: RejectedRow[];
  /** Master children whose links or coverage this batch changed. */
  touchedChildren: number;
}

/**
 * A check of a batch's parsed rows against what the database holds (a sender's region:
 * sender-region.ts), run inside the batch's transaction after its lock: the refusals by row
 * position. A refused row is not written, and counts as neither accepted, updated nor unchanged.
 */
export type RowScreen = (
  db: Db,
  kind: RecordKind,
  records: readonly ParsedRecord[],
) => Promise<ReadonlyMap<number, FieldError>>;

export interface IngestOptions {
  /** The index of the first row (a file's line number of it); rows count up from there. */
  firstIndex?: number;
  /**
   * Each row's index, when they do not count up one by one: a file's line numbers (a quoted CSV
   * record can span lines; unreadable lines never reach the batch). Overrides `firstIndex`.
   */
  rowIndexes?: readonly number[];
  /** Who sent it, for the link history. */
  actor?: string;
  /** Checks the rows must pass against the database before they are written (default: none). */
  screen?: RowScreen;
}

/**
 * Ingests one batch of one kind as ONE transaction: valid rows are written (new, changed or
 * identical by record id), the linkage re-decides only the blocks of the records that changed,
 * and the coverage of the children they touch (their kind says which: the children whose links
 * changed, or those a changed place places) is assessed again. Invalid rows are reported, field
 * by field, and never stop the valid ones; so are rows the `screen` refuses and rows whose
 * unique value (a certificate number, a school code) another record holds. When this returns,
 * everything it reports is committed; if the process dies before, nothing of the batch is (run
 * it again).
 *
 * Batches take turns (the linkage lock, from their first statement to their commit), so two
 * batches about the same children never decide from each other's half-written state; a
 * transaction the database still aborts for a conflict is run again. A failure is reported by
 * its database error code only: the driver's message quotes the statement's parameters, which
 * are the rows' names and ID numbers, and must not reach any log.
 *
 *   await ingestBatch(db, studentRegistrationKind, rows)
 *   // { accepted: 98, updated: 0, unchanged: 0, rejectedRows: 2, rejected: [{ index: 7, field: "id_number", … }, …] }
 */
export async function ingestBatch(
  db: Db,
  kind: RecordKind,
  rows: readonly RawRow[],
  options: IngestOptions = {},
): Promise<IngestReport> {
  const { rejected, valid } = parseBatch(kind, rows, options);
  const { outcome, touched, refused } = await withRetries(kind, rows.length, () =>
    db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      await lockLinkage(tx);
      const refused = new Map(options.screen ? await options.screen(tx, kind, valid) : []);
      const unscreened = valid.filter((r) => !refused.has(r.index));
      for (const [index, error] of await takenValues(tx, kind, unscreened)) refused.set(index, error);
      // What the rows about to change name now: a changed dose or contribution touches the
      // children of the record it named before as well as those of the one it names after.
      const namedBefore = await namedValuesOf(
        tx,
        kind,
        valid.map((r) => r.recordId),
      );
      const outcome = await writeRecords(
        tx,
        kind,
        valid.filter((r) => !refused.has(r.index)),
      );
      const changed = [...outcome.inserted, ...outcome.updated];
      const touched = await followChanges(tx, kind, changed, namedBefore, options.actor ?? `ingest:${kind.department}`);
      await refreshCoverage(tx, touched);
      return { outcome, touched, refused };
    }),
  );
  for (const record of valid) {
    const error = refused.get(record.index);
    if (error) rejected.push({ index: record.index, recordId: record.recordId, ...error });
  }
  // A stable sort keeps each row's refusals in column order.
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: outcome.inserted.length,
    updated: outcome.updated.length,
    unchanged: outcome.unchanged.length,
    rejectedRows: new Set(rejected.map((r) => r.index)).size,
    rejected,
    touchedChildren: touched.length,
  };
}

/** The batch's rows parsed: the refusals of those that do not, and the others, each by its index. */
function parseBatch(
  kind: RecordKind,
  rows: readonly RawRow[],
  options: IngestOptions,
): { rejected: RejectedRow[]; valid: ParsedRecord[] } {
  const first = options.firstIndex ?? 0;
  const rejected: RejectedRow[] = [];
  const valid: ParsedRecord[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, i) => {
    const index = options.rowIndexes?.[i] ?? first + i;
    const parsed = parseRow(kind, raw);
    if (!parsed.ok) {
      const recordId = typeof raw.record_id === "string" && raw.record_id.trim() !== "" ? raw.record_id.trim() : null;
      for (const e of parsed.errors) rejected.push({ index, recordId, field: e.field, message: e.message });
      return;
    }
    const earlier = seen.get(parsed.recordId);
    if (earlier !== undefined) {
      rejected.push({
        index,
        recordId: parsed.recordId,
        field: "record_id",
        message: `${parsed.recordId} already appears at ${earlier} in this batch; send each record once per batch`,
      });
      return;
    }
    seen.set(parsed.recordId, index);
    valid.push({ index, recordId: parsed.recordId, values: parsed.values });
  });
  return { rejected, valid };
}

/**
 * Follows a change of these records where their kind says it leads (RecordKind.touches), and
 * returns the children it touched: records that describe a child are linked again, touching the
 * children whose links that opened or closed and those they stay linked to; a place's records
 * touch the children it places; a detail's, the children of the record it names (or of the ID
 * number it carries), before the change (`namedBefore`, by record id) and after.
 */
async function followChanges(
  tx: Db,
  kind: RecordKind,
  recordIds: readonly string[],
  namedBefore: ReadonlyMap<string, string>,
  actor: string,
): Promise<readonly number[]> {
  const touches = kind.touches;
  if (recordIds.length === 0 || touches === "nothing") return [];
  const named = async () => {
    const now = await namedValuesOf(tx, kind, recordIds);
    return [...new Set([...now.values(), ...recordIds.flatMap((id) => namedBefore.get(id) ?? [])])];
  };
  if (touches === "linked children") {
    const source = kind.linkSource!;
    const linked = await linkRecords(
      tx,
      recordIds.map((recordId) => ({ source, recordId })),
      { actor },
    );
    // A changed record that stays with its child changes that child's facts too (a hukou moved,
    // an enrollment paid): its child is touched as well as those whose links opened or closed.
    const stayed = await childrenLinkedTo(tx, source, recordIds);
    return [...new Set([...linked.touchedChildIds, ...stayed])];
  }
  if ("childrenOf" in touches) return childrenLinkedTo(tx, touches.childrenOf.source, await named());
  if ("idNumberHolders" in touches) return holdersOf(tx, await named());
  if ("relinks" in touches) {
    const { source } = touches.relinks;
    const records = await named();
    return records.length === 0
      ? []
      : (
          await linkRecords(
            tx,
            records.map((recordId) => ({ source, recordId })),
            { actor },
          )
        ).touchedChildIds;
  }
  const placed = touches.placedChildren;
  const children = await childrenPlacedBy(tx, placed, recordIds);
  if (touches.residentsOf) {
    const residents = await residentsOf(tx, await namedValuesOf(tx, kind, recordIds, touches.residentsOf));
    return [...new Set([...children, ...residents])];
  }
  if (!regionIsEvidence(placed)) return children;
  // The place's region is the linkage's evidence about the records that name it (a school's
  // county for its pupils): they are linked again, as if they had changed.
  const relinked = await recordsNaming(tx, placed, recordIds);
  if (relinked.length === 0) return children;
  const linked = await linkRecords(
    tx,
    relinked.map((recordId) => ({ source: placed.source, recordId })),
    { actor },
  );
  return [...new Set([...children, ...linked.touchedChildIds])];
}

/**
 * The column of a kind's rows that names what a change of them touches (RecordKind.touches: the
 * record a detail names, the ID number an eligibility carries), or null for the other kinds.
 */
function namingColumn(kind: RecordKind): PgColumn | null {
  const touches = kind.touches;
  if (typeof touches === "string") return null;
  if ("relinks" in touches) return touches.relinks.recordColumn;
  if ("childrenOf" in touches) return touches.childrenOf.recordColumn;
  if ("idNumberHolders" in touches) return touches.idNumberHolders;
  return null;
}

/** What these stored rows name in `column` (by default the kind's naming column), by record id. */
async function namedValuesOf(
  tx: Db,
  kind: RecordKind,
  recordIds: readonly string[],
  column: PgColumn | null = namingColumn(kind),
): Promise<Map<string, string>> {
  if (column === null || recordIds.length === 0) return new Map();
  const rows = await queryRows<{ record_id: string; named: string | null }>(
    tx,
    sql`select record_id, trim(${sql.identifier(column.name)}::text) as named from ${kind.table}
        where record_id = any(${sql.param([...recordIds])}::text[])`,
  );
  return new Map(rows.filter((r) => r.named !== null).map((r) => [r.record_id, r.named!]));
}

/** The children currently linked to these records of `source`. */
async function childrenLinkedTo(tx: Db, source: string, recordIds: readonly string[]): Promise<number[]> {
  if (recordIds.length === 0) return [];
  const rows = await queryRows<{ child_id: number | string }>(
    tx,
    sql`select distinct child_id from hub.links
        where source = ${source} and unlinked_at is null and record_id = any(${sql.param([...recordIds])}::text[])`,
  );
  return rows.map((r) => Number(r.child_id));
}

/**
 * The children currently linked to a record carrying one of these ID numbers: where coverage
 * looks a child's eligibility up (validIdNumbersOf, coverage/derive-facts.ts: every source's ID
 * number, and a student number made of one). One statement per source, on their ID number indexes.
 */
async function holdersOf(tx: Db, idNumbers: readonly string[]): Promise<number[]> {
  if (idNumbers.length === 0) return [];
  const ids = sql`${sql.param([...idNumbers])}::text[]`;
  const gNumbers = sql`${sql.param(idNumbers.map((id) => `G${id}`))}::text[]`;
  const children = new Set<number>();
  for (const spec of SOURCE_LIST) {
    const terms: SQL[] = [];
    if (spec.fields.idNumber) terms.push(sql`${sql.raw(spec.fields.idNumber.sql)} = any(${ids})`);
    if (spec.fields.studentNumber) terms.push(sql`${sql.raw(spec.fields.studentNumber.sql)} = any(${gNumbers})`);
    if (terms.length === 0) continue;
    const rows = await queryRows<{ child_id: number | string }>(
      tx,
      sql`select distinct l.child_id from ${sql.raw(spec.table)} x
          join hub.links l on l.source = ${spec.source} and l.record_id = x.record_id and l.unlinked_at is null
          where ${sql.join(terms, sql` or `)}`,
    );
    for (const r of rows) children.add(Number(r.child_id));
  }
  return [...children];
}

/**
 * The children living, by a retained snapshot's residence, where these coordination areas could
 * now be their area (coverage/rules.ts, coordinationAreaOf): an area's code without its trailing
 * zero pairs is the prefix of every residence it may hold (330100: 3301xx; 330106: itself).
 */
async function residentsOf(tx: Db, areas: ReadonlyMap<string, string>): Promise<number[]> {
  const prefixes = [...new Set(areas.values())].map((code) => code.replace(/(00)+$/, ""));
  if (prefixes.length === 0) return [];
  const children = new Set<number>();
  for (const asOf of await retainedDates(tx)) {
    for (const prefix of prefixes) {
      const rows = await queryRows<{ child_id: number | string }>(
        tx,
        sql`select child_id from hub.coverage_status where as_of = ${asOf}
            and residence_region_code between ${prefix.padEnd(6, "0")} and ${prefix.padEnd(6, "9")}`,
      );
      for (const r of rows) children.add(Number(r.child_id));
    }
  }
  return [...children];
}

/**
 * Whether the linkage weighs the place's region as evidence about the records naming it (the registry's region
 * evidence joins it).
 */
function regionIsEvidence(placed: PlacedChildren): boolean {
  const { schema, name } = getTableConfig(placed.placeColumn.table as PgTable);
  const table = `${schema}.${name}`;
  return SOURCES[placed.source].regionEvidence.some((e) => (e.joins ?? []).some((j) => JOINS[j].table === table));
}

/** The records of the placed source naming these places (by the places' record ids). */
async function recordsNaming(db: Db, placed: PlacedChildren, placeRecordIds: readonly string[]): Promise<string[]> {
  const byPlace = sql`r.${sql.identifier(placed.recordColumn.name)} = p.${sql.identifier(placed.placeColumn.name)}`;
  const rows = await queryRows<{ record_id: string }>(
    db,
    sql`select distinct r.record_id from ${placed.placeColumn.table} p join ${placed.recordColumn.table} r on ${byPlace}
        where p.record_id = any(${sql.param([...placeRecordIds])}::text[])`,
  );
  return rows.map((r) => r.record_id);
}

/**
 * The children placed by these places (by their record ids): those currently linked to a record
 * that names one of them. Their residence, scope or policy may follow the place.
 */
async function childrenPlacedBy(db: Db, placed: PlacedChildren, placeRecordIds: readonly string[]): Promise<number[]> {
  const byPlace = sql`r.${sql.identifier(placed.recordColumn.name)} = p.${sql.identifier(placed.placeColumn.name)}`;
  const rows = await queryRows<{ child_id: number | string }>(
    db,
    sql`select distinct l.child_id from ${placed.placeColumn.table} p join ${placed.recordColumn.table} r on ${byPlace}
        join hub.links l on l.source = ${placed.source} and l.record_id = r.record_id and l.unlinked_at is null
        where p.record_id = any(${sql.param([...placeRecordIds])}::text[])`,
  );
  return rows.map((r) => Number(r.child_id));
}
