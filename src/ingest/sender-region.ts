import type { Db } from "../db/client.ts";
import { ingestBatch, type IngestReport, type RejectedRow } from "./batch.ts";
import type { FieldValue } from "./fields.ts";
import { parseRow, type ColumnSpec, type FieldError, type RawRow, type RecordKind } from "./kind.ts";

/**
 * A department system speaks for its department in its region only (its token's
 * `scope.region`): a record that places itself outside that region is refused, row by row, like
 * any other bad value. Each kind declares how its records are placed (RecordKind.placement);
 * this file reads that, and ingests a batch with the check in front of `ingestBatch`.
 */

/**
 * The column that places one record of `kind` in a region (given the record's parsed values),
 * or null when the kind has no region column of its own: a student registration is placed
 * through its school, an immunization record through its site, a contract through its doctor.
 * Those are not checked yet (issue 18 checks them through the record their placement names).
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
 * `ingestBatch` for a sender bound to a region: rows refused before parsing and rows placed
 * outside `region` are reported (field = the placing column) and never reach the database;
 * the rest are ingested as ONE batch, in one transaction, exactly as `ingestBatch` does.
 * Every `index` in the report is the row's position in `rows`, whichever step refused it.
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
  const placed = hasRegion(kind);
  const refused: RejectedRow[] = [];
  const passed: RawRow[] = [];
  /** passed[i] is rows[positions[i]]. */
  const positions: number[] = [];
  rows.forEach((row, index) => {
    if (!row.ok) {
      for (const e of row.errors) refused.push({ index, recordId: row.recordId, field: e.field, message: e.message });
      return;
    }
    const outside = placed ? outsideRegion(kind, row.raw, options.region) : null;
    if (outside) {
      refused.push({ index, ...outside });
      return;
    }
    positions.push(index);
    passed.push(row.raw);
  });

  // Indexed by their positions in `rows`, so every refusal (a record id sent twice: "already appears at 3")
  // names the caller's rows.
  const report = await ingestBatch(db, kind, passed, { rowIndexes: positions, actor: options.actor });
  // A stable sort keeps each row's refusals in column order.
  const rejected = [...refused, ...report.rejected].sort((a, b) => a.index - b.index);
  return { ...report, rejected, rejectedRows: new Set(rejected.map((r) => r.index)).size };
}

/**
 * The refusal of a row placed outside `region`, or null. A row that does not parse is left to
 * `ingestBatch`, which reports all of its problems; only a valid code is compared.
 */
function outsideRegion(kind: RecordKind, raw: RawRow, region: string): Omit<RejectedRow, "index"> | null {
  const parsed = parseRow(kind, raw);
  if (!parsed.ok) return null;
  const column = regionColumnOf(kind, parsed.values);
  if (column === null) return null;
  const code = parsed.values[column.property];
  if (typeof code !== "string" || code.startsWith(region)) return null;
  return {
    recordId: parsed.recordId,
    field: column.name,
    message:
      `must lie in region ${region} (the sending system's scope.region): ` +
      `a department system submits records of its own region only, but got "${code}"`,
  };
}
