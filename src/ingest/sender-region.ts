import { getTableColumns, inArray } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import { ingestBatch, type IngestReport, type RejectedRow } from "./batch.ts";
import type { FieldValue } from "./fields.ts";
import type { ColumnSpec, FieldError, ParsedRecord, RawRow, RecordKind } from "./kind.ts";

/**
 * A department system speaks for its department in its region only (its token's
 * `scope.region`): a record placed outside that region is refused, row by row, like any other
 * bad value, and so is a record whose record_id names a stored record of another region (no
 * takeover by id). Each kind declares how its records are placed (RecordKind.placement): by a
 * region column of its own, or through the record it names (a registration through its school,
 * a dose through its immunization record and that record's site). This file reads that, and
 * ingests a batch with the check as `ingestBatch`'s screen.
 */

/**
 * The column that places one record of `kind` in a region (given the record's parsed values),
 * or null when the kind has no region column of its own: a student registration is placed
 * through its school, an immunization record through its site, a contract through its doctor
 * (regionsOf follows those).
 *
 *   regionColumnOf(schoolKind, values)?.name                                      // "region_code"
 *   regionColumnOf(personKind, { registrationKind: "RESIDENCE_PERMIT", … })?.name // "residence_region_code"
 *   regionColumnOf(studentRegistrationKind, values)                               // null
 */
export function regionColumnOf(kind: RecordKind, values: Readonly<Record<string, FieldValue>>): ColumnSpec | null {
  const placement = kind.placement;
  if (!("regionColumn" in placement)) return null;
  const choice = placement.regionColumn;
  const name = typeof choice === "string" ? choice : choice(values);
  const column = kind.columns.find((c) => c.name === name);
  if (!column) {
    const has = kind.columns.map((c) => c.name).join(", ");
    throw new Error(
      `${kind.name}: its region is read from column ${name}, which the kind does not have (it has ${has})`,
    );
  }
  return column;
}

/** Whether records of `kind` are placed by a region column of their own (see regionColumnOf). */
export function hasRegion(kind: RecordKind): boolean {
  return "regionColumn" in kind.placement;
}

/** A row as it arrived: readable as a raw row, or already refused (a column sent twice). */
export type IncomingRow = { ok: true; raw: RawRow } | { ok: false; recordId: string | null; errors: FieldError[] };

export interface RegionScopedOptions {
  /** The sender's region: a division-code prefix ("33", "3301", "330106"). */
  region: string;
  /** Who sent it, for the link history. */
  actor: string;
}

/**
 * `ingestBatch` for a sender bound to a region: rows refused before parsing, rows placed outside
 * `region`, and rows whose record_id names a stored record placed outside it are reported and
 * never written; the rest are ingested as ONE batch, in one transaction, exactly as
 * `ingestBatch` does (the placements are read in that transaction, after its lock: no other
 * batch moves a record between the check and the write). Every `index` in the report is the
 * row's position in `rows`, whichever step refused it.
 *
 * A row is refused for its region in the same words whether its record_id is stored or unused,
 * and a reference to a record of another region in the same words as one to no record at all:
 * neither says whether a record exists elsewhere. Only a row that is in every respect the
 * sender's own but whose record_id another region's record holds is refused on its record_id
 * (record ids are one namespace per kind: which id is taken cannot be kept from the one who
 * tries to take it).
 *
 *   const row = { record_id: "SCH-1", region_code: "330203", … };
 *   await ingestWithinRegion(db, schoolKind, [{ ok: true, raw: row }], { region: "3301", actor: "edu-system" })
 *   // { accepted: 0, …, rejected: [{ index: 0, recordId: "SCH-1", field: "region_code",
 *   //   message: 'must lie in region 3301 …, but got "330203"' }] }
 */
export async function ingestWithinRegion(
  db: Db,
  kind: RecordKind,
  rows: readonly IncomingRow[],
  options: RegionScopedOptions,
): Promise<IngestReport> {
  const refused: RejectedRow[] = [];
  const passed: RawRow[] = [];
  /** passed[i] is rows[positions[i]]. */
  const positions: number[] = [];
  rows.forEach((row, index) => {
    if (!row.ok) {
      for (const e of row.errors) refused.push({ index, recordId: row.recordId, field: e.field, message: e.message });
      return;
    }
    positions.push(index);
    passed.push(row.raw);
  });

  // Indexed by their positions in `rows`, so every refusal (a record id sent twice: "already appears at 3")
  // names the caller's rows.
  const report = await ingestBatch(db, kind, passed, {
    rowIndexes: positions,
    actor: options.actor,
    screen: (tx, k, records) => outsideRegion(tx, k, records, options.region),
  });
  // A stable sort keeps each row's refusals in column order.
  const rejected = [...refused, ...report.rejected].sort((a, b) => a.index - b.index);
  return { ...report, rejected, rejectedRows: new Set(rejected.map((r) => r.index)).size };
}

/**
 * The refusals of records placed outside `region`: by their new values (field: the placing
 * column, or the column naming the record they are placed through), else by the record stored
 * under their record_id (field: record_id). One statement for the stored records, and one per
 * kind placed through (a dose: its immunization records, then their sites).
 */
async function outsideRegion(
  db: Db,
  kind: RecordKind,
  records: readonly ParsedRecord[],
  region: string,
): Promise<Map<number, FieldError>> {
  const refused = new Map<number, FieldError>();
  if (records.length === 0) return refused;
  const stored = await storedRecords(db, kind, records);
  const regions = await regionsOf(db, kind, [...records.map((r) => r.values), ...stored.values()]);
  const storedRegion = new Map([...stored.keys()].map((recordId, i) => [recordId, regions[records.length + i]]));
  const inside = (code: string | null | undefined) => typeof code === "string" && code.startsWith(region);
  records.forEach((record, i) => {
    if (!inside(regions[i])) {
      refused.set(record.index, placementRefusal(kind, record.values, region));
      return;
    }
    if (stored.has(record.recordId) && !inside(storedRegion.get(record.recordId))) {
      refused.set(record.index, {
        field: "record_id",
        message:
          `must be new or name a record of region ${region} (the sending system's scope.region): ` +
          `a department system never takes over another region's record, but got "${record.recordId}"`,
      });
    }
  });
  return refused;
}

/** Why a record whose values place it outside `region` (or nowhere) is refused. */
function placementRefusal(kind: RecordKind, values: Readonly<Record<string, FieldValue>>, region: string): FieldError {
  const scope =
    `region ${region} (the sending system's scope.region): ` +
    "a department system submits records of its own region only";
  const placement = kind.placement;
  if ("through" in placement) {
    const column = kind.columns.find((c) => c.name === placement.column)!;
    return {
      field: column.name,
      message:
        `must name a record of ${placement.through.name} placed in ${scope}, ` +
        `but got ${shown(values[column.property])}`,
    };
  }
  const column = regionColumnOf(kind, values)!;
  return { field: column.name, message: `must lie in ${scope}, but got ${shown(values[column.property])}` };
}

const shown = (value: FieldValue | undefined) => (value == null ? "none" : `"${String(value).trimEnd()}"`);

/** The stored records of `kind` under the records' ids, as drizzle reads them (property → value). */
async function storedRecords(
  db: Db,
  kind: RecordKind,
  records: readonly ParsedRecord[],
): Promise<Map<string, Record<string, FieldValue>>> {
  const recordId = (getTableColumns(kind.table) as Record<string, PgColumn>).recordId!;
  const rows = (await db
    .select()
    .from(kind.table)
    .where(
      inArray(
        recordId,
        records.map((r) => r.recordId),
      ),
    )) as Record<string, FieldValue>[];
  return new Map(rows.map((row) => [String(row.recordId), row]));
}

/**
 * The region code each record (its values, by property) is placed in, or null when it cannot be
 * placed: its own region column, or the region of the record it names, looked up (one statement
 * per kind, for all the records at once) and placed the same way in turn. A record it names that
 * does not exist places it nowhere, exactly like one of another region: the caller refuses both
 * in the same words.
 *
 *   await regionsOf(db, immunizationDoseKind, [{ immunizationRecordId: "IM-1", … }]) // ["330106"]
 */
export async function regionsOf(
  db: Db,
  kind: RecordKind,
  records: readonly Readonly<Record<string, FieldValue>>[],
): Promise<(string | null)[]> {
  const placement = kind.placement;
  if (!("through" in placement)) {
    return records.map((values) => {
      const code = values[regionColumnOf(kind, values)!.property];
      return typeof code === "string" ? code.trimEnd() : null;
    });
  }
  const property = (k: RecordKind, name: string) => k.columns.find((c) => c.name === name)!.property;
  const own = property(kind, placement.column);
  const referenced = property(placement.through, placement.references);
  const keys = [...new Set(records.map((r) => r[own]).filter((v): v is string => typeof v === "string"))];
  const keyColumn = (getTableColumns(placement.through.table) as Record<string, PgColumn>)[referenced]!;
  const named =
    keys.length === 0
      ? []
      : ((await db.select().from(placement.through.table).where(inArray(keyColumn, keys))) as Record<
          string,
          FieldValue
        >[]);
  const regions = await regionsOf(db, placement.through, named);
  const regionByKey = new Map(named.map((row, i) => [String(row[referenced]).trimEnd(), regions[i] ?? null]));
  return records.map((values) => {
    const key = values[own];
    return typeof key === "string" ? (regionByKey.get(key) ?? null) : null;
  });
}
