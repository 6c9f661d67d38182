import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "../db/client.ts";
import { copyAhead, CopyRowScanner, type CopyRow } from "../db/copy.ts";
import { SOURCE_KINDS, type SourceKind } from "../db/enums.ts";
import { joinsOf } from "../db/source-queries.ts";
import { SOURCE_LIST, SOURCES, type FieldSql, type GuardianRows, type SourceSpec } from "../db/sources.ts";
import { RecordReader, ROW_FIELDS } from "./record-reader.ts";
import { RecordTable } from "./record-table.ts";
import type { RecordFeatures, RecordRef, SourceRecord } from "./types.ts";
import { Vocabulary } from "./vocabulary.ts";

/**
 * The SQL edge that feeds the engine: reads the departments' records as SourceRecords. Every
 * read is batched (one statement per source table and page, never one per record) and works
 * the same on PGlite and PostgreSQL: arrays travel as one bind parameter (`sql.param`), dates
 * as text, guardians folded into comma-separated text so neither driver's array parsing matters.
 */

interface Row extends Record<string, unknown> {
  record_id: string;
  name: string | null;
  sex: string | null;
  birth_date: string | null;
  id_number: string | null;
  bc: string | null;
  student_number: string | null;
  guardian_ids: string | null;
  guardian_phones: string | null;
  regions: string | null;
  guardian_names: string | null;
}

/** Record ids per statement when reading named records. */
const PAGE_SIZE = 100_000;

const NULL_TEXT = "null::text";

/** Values of several columns as one comma-separated text (none: null). */
function listOf(columns: readonly string[]): string {
  if (columns.length === 0) return NULL_TEXT;
  if (columns.length === 1) return `${columns[0]}::text`;
  return `concat_ws(',', ${columns.join(", ")})`;
}

/** A person's guardians' values, aggregated per record from their own rows. */
function guardianList(rows: GuardianRows, column: string): string {
  return `(select string_agg(g.${column}, ',') from ${rows.table} g where g.${rows.recordColumn} = x.record_id)`;
}

/**
 * The row of `ROW_FIELDS` text fields linkage reads of each record of a source, from the source
 * registry. Guardians kept in rows of their own (a person's) are aggregated per record, or, in a
 * full read, left null and read on their own (`guardianRowsQuery`) and joined in memory (one
 * pass over the guardian rows instead of a lookup per person).
 */
function selectOf(spec: SourceSpec, withGuardians: boolean): SQL {
  const f = spec.fields;
  const rows = spec.guardianRows;
  const guardianIds = rows
    ? withGuardians
      ? guardianList(rows, rows.idNumber)
      : NULL_TEXT
    : listOf(spec.guardianIdNumbers);
  const phones = rows ? (withGuardians ? guardianList(rows, rows.phone) : NULL_TEXT) : listOf(spec.guardianPhones);
  const names = rows ? (withGuardians ? guardianList(rows, rows.name) : NULL_TEXT) : listOf(spec.guardianNames);
  const columns = [
    "x.record_id",
    `${f.name!.sql} as name`,
    `${f.sex!.sql} as sex`,
    `${f.birthDate!.sql}::text as birth_date`,
    `${f.idNumber?.sql ?? NULL_TEXT} as id_number`,
    `${f.birthCertificateNumber?.sql ?? NULL_TEXT} as bc`,
    `${f.studentNumber?.sql ?? NULL_TEXT} as student_number`,
    `${guardianIds} as guardian_ids`,
    `${phones} as guardian_phones`,
    `${listOf(spec.regionEvidence.map((r) => r.sql))} as regions`,
    `${names} as guardian_names`,
  ];
  const joins = joinsOf(spec.regionEvidence);
  return sql.raw(`select ${columns.join(", ")} from ${spec.table} x${joins ? ` ${joins}` : ""}`);
}

/** The guardian rows of the source that keeps them apart (persons), for a full read. */
function guardianRowsQuery(): string {
  const rows = SOURCE_LIST.find((spec) => spec.guardianRows)!.guardianRows!;
  return `select ${rows.recordColumn}, ${rows.idNumber}, ${rows.phone}, ${rows.name} from ${rows.table} order by id`;
}

const NONE: readonly never[] = Object.freeze([]);

/** Comma-separated text → its values (most are one value, or none: no array work for those). */
function splitList(s: string | null): readonly string[] {
  if (!s) return NONE;
  if (!s.includes(",")) return [s];
  return s.split(",").filter((v) => v !== "");
}

/** A row of selectOf's fields (text) as the SourceRecord it is. */
function fromFields(source: SourceKind, f: readonly (string | null)[]): SourceRecord {
  return {
    source,
    recordId: f[0]!,
    name: f[1] ?? null,
    sex: f[2] ?? null,
    birthDate: f[3] ?? null,
    idNumber: f[4] ?? null,
    birthCertificateNumber: f[5] ?? null,
    studentNumber: f[6] ?? null,
    guardianIdNumbers: splitList(f[7] ?? null),
    guardianPhones: splitList(f[8] ?? null),
    regionCodes: splitList(f[9] ?? null),
    guardianNames: splitList(f[10] ?? null),
  };
}

/** A row of selectOf read by a query. */
function toRecord(source: SourceKind, row: Row): SourceRecord {
  return fromFields(source, [
    row.record_id,
    row.name,
    row.sex,
    row.birth_date,
    row.id_number,
    row.bc,
    row.student_number,
    row.guardian_ids,
    row.guardian_phones,
    row.regions,
    row.guardian_names,
  ]);
}

/**
 * Every record of every department, as one table (record-reader.ts), in source order and then
 * as each department numbers its records. Each department's table is one COPY, read from its
 * bytes; they are read one after another, each COPY started while the one before is read
 * (copyAhead), so the server writes the next table while this process reads the last. Persons'
 * guardians are read first, on their own, and joined in memory.
 *
 *   const records = await readRecordTable(db); // records.count, records.sourceOf(0), …
 */
export async function readRecordTable(db: Db): Promise<RecordTable> {
  const vocabulary = new Vocabulary();
  const reader = new RecordReader(vocabulary);
  const records = new RecordTable(vocabulary, await estimatedRecordCount(db));
  const reads: { query: string; fields: number; onRow: (row: CopyRow) => void }[] = [
    {
      query: guardianRowsQuery(),
      fields: 4,
      onRow: (row) => reader.guardians.add(row),
    },
    ...SOURCE_LIST.map((spec, k) => ({
      query: `${queryText(selectOf(spec, false))} order by x.id`,
      fields: ROW_FIELDS,
      onRow: (row: CopyRow) => reader.read(records, k, row),
    })),
  ];
  // One query ahead: the server writes the next table while this process reads the last.
  let ahead = copyAhead(db, reads[0]!.query);
  try {
    for (let k = 0; k < reads.length; k++) {
      const current = ahead;
      if (k + 1 < reads.length) ahead = copyAhead(db, reads[k + 1]!.query);
      const scanner = new CopyRowScanner(reads[k]!.fields, reads[k]!.onRow);
      for await (const chunk of current) scanner.push(chunk);
      scanner.end();
    }
  } finally {
    // A failed read leaves no COPY running behind it.
    await ahead.done;
  }
  return records;
}

/**
 * About how many records there are, from the planner's statistics (no scan): a table sized for
 * them once is not grown and copied as it fills. 0 when the tables were never analysed.
 */
async function estimatedRecordCount(db: Db): Promise<number> {
  const [row] = await queryRows<{ rows: number | string | null }>(
    db,
    sql`select sum(greatest(reltuples, 0)) as rows from pg_class
      where oid = any(${sql.param(SOURCE_LIST.map((spec) => spec.table))}::regclass[])`,
  );
  return Math.ceil(Number(row?.rows ?? 0) * 1.02) + 1024;
}

const dialect = new PgDialect();

/** A parameterless statement's text (COPY takes no bind parameters). */
function queryText(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  if (params.length > 0) throw new Error("a COPY query cannot take bind parameters");
  return text;
}

/** Record ids grouped by source, for `= any($ids)` lookups. */
function bySource(refs: readonly RecordRef[]): Map<SourceKind, string[]> {
  const map = new Map<SourceKind, string[]>();
  for (const ref of refs) {
    if (!SOURCE_KINDS.includes(ref.source)) {
      throw new Error(
        `a record reference must name one of the sources ${SOURCE_KINDS.join(", ")}, ` +
          `but got ${JSON.stringify(ref.source)}`,
      );
    }
    (map.get(ref.source) ?? map.set(ref.source, []).get(ref.source)!).push(ref.recordId);
  }
  return map;
}

const textArray = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;

/** The records named, in one statement per source. Records that do not exist are left out. */
export async function readRecords(db: Db, refs: readonly RecordRef[]): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for (const [source, ids] of bySource(refs)) {
    for (let start = 0; start < ids.length; start += PAGE_SIZE) {
      const slice = ids.slice(start, start + PAGE_SIZE);
      const rows = await queryRows<Row>(
        db,
        sql`${selectOf(SOURCES[source], true)} where x.record_id = any(${textArray(slice)})`,
      );
      for (const row of rows) out.push(toRecord(source, row));
    }
  }
  return out;
}

/** The values of fresh records that other records may share a block with. */
export interface BlockValues {
  idNumbers: string[];
  birthCertificateNumbers: string[];
  birthDates: string[];
  guardianIdNumbers: string[];
  guardianPhones: string[];
}

export function blockValuesOf(records: readonly RecordFeatures[]): BlockValues {
  const s = {
    ids: new Set<string>(),
    bcs: new Set<string>(),
    dates: new Set<string>(),
    gids: new Set<string>(),
    phones: new Set<string>(),
  };
  for (const r of records) {
    for (const id of r.idNumbers) s.ids.add(id);
    if (r.birthCertificateNumber) s.bcs.add(r.birthCertificateNumber);
    if (r.birthDate) s.dates.add(r.birthDate);
    for (const g of r.guardianIdNumbers) s.gids.add(g);
    for (const p of r.guardianPhones) s.phones.add(p);
  }
  return {
    idNumbers: [...s.ids],
    birthCertificateNumbers: [...s.bcs],
    birthDates: [...s.dates],
    guardianIdNumbers: [...s.gids],
    guardianPhones: [...s.phones],
  };
}

/**
 * Records that may share a block with records holding these values: the same ID number,
 * birth certificate number, birth date (the engine then keeps those of the same sex and
 * surname), guardian ID number or phone. One statement per source, on the departments' indexes
 * (contracts and student registrations have no index on the guardian phone: a scan there).
 */
export async function readNeighbours(db: Db, v: BlockValues): Promise<SourceRecord[]> {
  const ids = textArray(v.idNumbers);
  const gNumbers = textArray(v.idNumbers.map((id) => `G${id}`));
  const bcs = textArray(v.birthCertificateNumbers);
  const dates = sql`${sql.param([...v.birthDates])}::date[]`;
  const gids = textArray(v.guardianIdNumbers);
  const phones = textArray(v.guardianPhones);
  const out: SourceRecord[] = [];
  for (const spec of SOURCE_LIST) {
    const f = spec.fields;
    const terms: SQL[] = [];
    const anyOf = (column: FieldSql | string | undefined, values: SQL) => {
      if (column !== undefined)
        terms.push(sql`${sql.raw(typeof column === "string" ? column : column.sql)} = any(${values})`);
    };
    anyOf(f.idNumber, ids);
    anyOf(f.studentNumber, gNumbers);
    anyOf(f.birthCertificateNumber, bcs);
    anyOf(f.birthDate, dates);
    for (const column of spec.guardianIdNumbers) anyOf(column, gids);
    for (const column of spec.guardianPhones) anyOf(column, phones);
    const rows = spec.guardianRows;
    if (rows) {
      terms.push(sql`x.record_id in (select g.${sql.raw(rows.recordColumn)} from ${sql.raw(rows.table)} g
        where g.${sql.raw(rows.idNumber)} = any(${gids}) or g.${sql.raw(rows.phone)} = any(${phones}))`);
    }
    const found = await queryRows<Row>(db, sql`${selectOf(spec, true)} where ${sql.join(terms, sql` or `)}`);
    for (const row of found) out.push(toRecord(spec.source, row));
  }
  return out;
}
