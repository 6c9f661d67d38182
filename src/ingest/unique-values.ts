import { inArray, getTableColumns } from "drizzle-orm";
import { getTableConfig, IndexedColumn, type PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import type { ColumnSpec, FieldError, ParsedRecord, RecordKind } from "./kind.ts";

/**
 * Values that identify one record in the whole province besides its record_id: a birth
 * certificate number, a school's, site's, doctor's or hospital's code, a household number. The
 * tables say which (their unique indexes); a row whose value another record already holds is
 * refused here, row by row, before the write, instead of failing the whole batch in the
 * database.
 *
 * Such a refusal tells the sender that some record holds the value. That much is inherent in a
 * value unique across the province (the hub cannot keep two records under one certificate
 * number, and linkage takes one number for one child), so the refusal says nothing more: the
 * same words whether the holder is of the sender's region or another's, never the holder's
 * record id or region, and only for rows that passed every other check.
 */

/**
 * The columns of `kind`, other than record_id, that its table holds unique (a one-column unique
 * index on them).
 *
 *   uniqueColumnsOf(birthCertificateKind).map((c) => c.name) // ["certificate_number"]
 */
export function uniqueColumnsOf(kind: RecordKind): ColumnSpec[] {
  const names = new Set<string>();
  for (const index of getTableConfig(kind.table).indexes) {
    const { unique, columns, where } = index.config;
    if (!unique || where || columns.length !== 1) continue;
    const column = columns[0];
    if (column instanceof IndexedColumn && column.name) names.add(column.name);
  }
  const tableColumns = getTableColumns(kind.table) as Record<string, PgColumn>;
  return kind.columns.filter((c) => c.name !== "record_id" && names.has(tableColumns[c.property]?.name ?? ""));
}

/**
 * The refusals of rows whose unique values another record holds (stored under another
 * record_id, or sent earlier in this batch): one statement per unique column of the kind. Run
 * it inside the batch's transaction, after its lock, so no other batch takes a value between
 * this look and the write.
 */
export async function takenValues(
  db: Db,
  kind: RecordKind,
  records: readonly ParsedRecord[],
): Promise<Map<number, FieldError>> {
  const refused = new Map<number, FieldError>();
  if (records.length === 0) return refused;
  const tableColumns = getTableColumns(kind.table) as Record<string, PgColumn>;
  for (const column of uniqueColumnsOf(kind)) {
    const stored = tableColumns[column.property]!;
    const values = [
      ...new Set(
        records
          .map((r) => r.values[column.property])
          .filter((v) => v != null)
          .map(String),
      ),
    ];
    if (values.length === 0) continue;
    const holders = new Map<string, string>();
    const rows = (await db
      .select({ value: stored, recordId: tableColumns.recordId! })
      .from(kind.table)
      .where(inArray(stored, values))) as { value: string; recordId: string }[];
    for (const row of rows) holders.set(String(row.value).trimEnd(), row.recordId);
    const firstIn = new Map<string, number>();
    for (const record of records) {
      const raw = record.values[column.property];
      if (raw == null || refused.has(record.index)) continue;
      const value = String(raw);
      const holder = holders.get(value);
      const earlier = firstIn.get(value);
      if (holder !== undefined && holder !== record.recordId) {
        refused.set(record.index, {
          field: column.name,
          message:
            `must be a ${column.name} that no other record holds (it identifies one record), ` +
            `but ${JSON.stringify(value)} is already held`,
        });
      } else if (earlier !== undefined) {
        refused.set(record.index, {
          field: column.name,
          message:
            `${JSON.stringify(value)} already appears at ${earlier} in this batch; ` +
            `a ${column.name} identifies one record`,
        });
      } else {
        firstIn.set(value, record.index);
      }
    }
  }
  return refused;
}
