import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "../db/client.ts";
import { copyAhead, CopyRowScanner, type CopyRow } from "../db/copy.ts";
import { SOURCE_KINDS, type SourceKind } from "../db/enums.ts";
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
}

/** Record ids per statement when reading named records. */
const PAGE_SIZE = 100_000;

// Persons' guardians: aggregated per child. In a full read they are read on their own and
// joined in memory (one pass over guardianships instead of a lookup per person).
const personGuardianIds = sql`(select string_agg(g.guardian_id_number, ',') from household.guardianships g where g.child_record_id = x.record_id)`;
const personGuardianPhones = sql`(select string_agg(g.guardian_phone, ',') from household.guardianships g where g.child_record_id = x.record_id)`;

/** Each source's department table, one row a record. */
const TABLES: Record<SourceKind, string> = {
  "household.person": "household.persons",
  "health.birth_certificate": "health.birth_certificates",
  "health.immunization_record": "health.immunization_records",
  "health.doctor_contract": "health.doctor_contracts",
  "education.student": "education.student_registrations",
  "insurance.enrollment": "insurance.enrollments",
};
const table = (source: SourceKind) => sql.raw(TABLES[source]);

function selectOf(source: SourceKind, withGuardians: boolean): SQL {
  switch (source) {
    case "household.person":
      return sql`select x.record_id, x.name, x.sex, x.birth_date::text as birth_date, x.id_number, null::text as bc, null::text as student_number,
        ${withGuardians ? personGuardianIds : sql`null::text`} as guardian_ids, ${withGuardians ? personGuardianPhones : sql`null::text`} as guardian_phones,
        concat_ws(',', x.hukou_region_code, x.residence_region_code) as regions
        from ${table("household.person")} x`;
    case "health.birth_certificate":
      return sql`select x.record_id, x.child_name as name, x.sex, x.birth_date::text as birth_date, null::text as id_number, x.certificate_number as bc,
        null::text as student_number, concat_ws(',', x.mother_id_number, x.father_id_number) as guardian_ids, x.guardian_phone as guardian_phones,
        x.region_code::text as regions
        from ${table("health.birth_certificate")} x`;
    case "health.immunization_record":
      return sql`select x.record_id, x.child_name as name, x.sex, x.birth_date::text as birth_date, x.id_number, x.birth_certificate_number as bc,
        null::text as student_number, null::text as guardian_ids, x.guardian_phone as guardian_phones, x.residence_region_code::text as regions
        from ${table("health.immunization_record")} x`;
    case "health.doctor_contract":
      return sql`select x.record_id, x.patient_name as name, x.patient_sex as sex, x.patient_birth_date::text as birth_date, x.patient_id_number as id_number,
        null::text as bc, null::text as student_number, null::text as guardian_ids, x.guardian_phone as guardian_phones,
        d.region_code::text as regions
        from ${table("health.doctor_contract")} x left join health.family_doctors d on d.doctor_code = x.doctor_code`;
    case "education.student":
      return sql`select x.record_id, x.name, x.sex, x.birth_date::text as birth_date, x.id_number, null::text as bc, x.student_number,
        null::text as guardian_ids, x.guardian_phone as guardian_phones,
        s.region_code::text as regions
        from ${table("education.student")} x left join education.schools s on s.school_code = x.school_code`;
    case "insurance.enrollment":
      return sql`select x.record_id, x.name, x.sex, x.birth_date::text as birth_date, x.id_number, x.birth_certificate_number as bc,
        null::text as student_number, null::text as guardian_ids, null::text as guardian_phones, x.area_code::text as regions
        from ${table("insurance.enrollment")} x`;
    default: {
      const unknown: never = source;
      throw new Error(`linkage reads the sources ${SOURCE_KINDS.join(", ")}, but got ${String(unknown)}`);
    }
  }
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
      query: "select child_record_id, guardian_id_number, guardian_phone from household.guardianships order by id",
      fields: 3,
      onRow: (row) => reader.guardians.add(row),
    },
    ...SOURCE_KINDS.map((source, k) => ({
      query: `${queryText(selectOf(source, false))} order by x.id`,
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
    sql`select sum(greatest(reltuples, 0)) as rows from pg_class where oid = any(${sql.param(Object.values(TABLES))}::regclass[])`,
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
        `a record reference must name one of the sources ${SOURCE_KINDS.join(", ")}, but got ${JSON.stringify(ref.source)}`,
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
        sql`${selectOf(source, true)} where x.record_id = any(${textArray(slice)})`,
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
  const where: Record<SourceKind, SQL> = {
    "household.person": sql`x.id_number = any(${ids}) or x.birth_date = any(${dates}) or x.record_id in (
      select g.child_record_id from household.guardianships g where g.guardian_id_number = any(${gids}) or g.guardian_phone = any(${phones}))`,
    "health.birth_certificate": sql`x.certificate_number = any(${bcs}) or x.birth_date = any(${dates}) or x.mother_id_number = any(${gids})
      or x.father_id_number = any(${gids}) or x.guardian_phone = any(${phones})`,
    "health.immunization_record": sql`x.id_number = any(${ids}) or x.birth_certificate_number = any(${bcs}) or x.birth_date = any(${dates}) or x.guardian_phone = any(${phones})`,
    "health.doctor_contract": sql`x.patient_id_number = any(${ids}) or x.patient_birth_date = any(${dates}) or x.guardian_phone = any(${phones})`,
    "education.student": sql`x.id_number = any(${ids}) or x.student_number = any(${gNumbers}) or x.birth_date = any(${dates}) or x.guardian_phone = any(${phones})`,
    "insurance.enrollment": sql`x.id_number = any(${ids}) or x.birth_certificate_number = any(${bcs}) or x.birth_date = any(${dates})`,
  };
  const out: SourceRecord[] = [];
  for (const source of SOURCE_KINDS) {
    const rows = await queryRows<Row>(db, sql`${selectOf(source, true)} where ${where[source]}`);
    for (const row of rows) out.push(toRecord(source, row));
  }
  return out;
}
