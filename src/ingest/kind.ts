import type { PgTable } from "drizzle-orm/pg-core";
import type { Department } from "../access/identity/viewer.ts";
import type { SourceKind } from "../db/enums.ts";
import type { FieldParser, FieldValue } from "./fields.ts";

/** One column of a department file (and of a GraphQL batch row): how it is written and checked. */
export interface ColumnSpec {
  /** The column name in files and batch rows (snake_case). */
  name: string;
  /** The drizzle property it is stored in. */
  property: string;
  required: boolean;
  parse: FieldParser;
  description: string;
  example: string;
}

/** A rejected value: which row, which column, why. */
export interface FieldError {
  field: string;
  message: string;
}

export type RawRow = Readonly<Record<string, unknown>>;
export type ParsedRow =
  { ok: true; recordId: string; values: Record<string, FieldValue> } | { ok: false; errors: FieldError[] };

/**
 * A kind of record a department sends: its table, its columns, and the checks across columns.
 * Every kind is keyed by the department's own `record_id`, the idempotency key of re-imports.
 */
export interface RecordKind {
  /** "education.student_registration": `<department>.<kind>`. */
  name: string;
  department: Department;
  table: PgTable;
  columns: readonly ColumnSpec[];
  /** The link-table source name, for kinds that describe a child (the linkage reads them). */
  linkSource: SourceKind | null;
  /** Checks that need several columns (a birth date that contradicts the ID number, …). */
  crossCheck?: (values: Readonly<Record<string, FieldValue>>) => FieldError[];
  description: string;
}

/**
 * Checks a raw row against a kind: every column parsed, every problem reported (not only the
 * first), unknown columns refused so a misspelt header cannot silently drop data.
 *
 *   parseRow(studentRegistrations, { record_id: "S-1", student_number: "G…", … }) // { ok: true, recordId: "S-1", values: { … } }
 */
export function parseRow(kind: RecordKind, raw: RawRow): ParsedRow {
  const errors: FieldError[] = [];
  const values: Record<string, FieldValue> = {};
  const known = new Set(kind.columns.map((c) => c.name));
  for (const key of Object.keys(raw)) {
    if (!known.has(key))
      errors.push({
        field: key,
        message: `is not a column of ${kind.name} (expected ${kind.columns.map((c) => c.name).join(", ")})`,
      });
  }
  for (const column of kind.columns) {
    const value = raw[column.name];
    const rawText =
      value === undefined || value === null
        ? ""
        : typeof value === "string"
          ? value.normalize("NFKC").trim()
          : typeof value === "number"
            ? String(value)
            : null;
    if (rawText === null) {
      errors.push({
        field: column.name,
        message: `must be text, but got ${Array.isArray(value) ? "a list" : typeof value}`,
      });
      continue;
    }
    if (rawText === "") {
      if (column.required) errors.push({ field: column.name, message: "is required" });
      else values[column.property] = null;
      continue;
    }
    const parsed = column.parse(rawText);
    if (parsed.ok) values[column.property] = parsed.value;
    else errors.push({ field: column.name, message: parsed.message });
  }
  if (errors.length === 0 && kind.crossCheck) errors.push(...kind.crossCheck(values));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, recordId: String(values.recordId), values };
}
