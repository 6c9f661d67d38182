import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Department } from "../access/identity/viewer.ts";
import type { SourceKind } from "../db/enums.ts";
import { controlCharacterProblem, isFreeText, sex, type FieldParser, type FieldValue } from "./fields.ts";

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

/** The sex column every kind that describes a child has, under its own name and property. */
export function sexColumn(name = "sex", property = "sex"): ColumnSpec {
  return {
    name,
    property,
    required: true,
    parse: sex,
    description: "M or F (男 or 女 are read as M and F).",
    example: "M",
  };
}

/** A rejected value: which row, which column, why. */
export interface FieldError {
  field: string;
  message: string;
}

export type RawRow = Readonly<Record<string, unknown>>;

/** A row that parsed, by its position in the batch (or its line in a file). */
export interface ParsedRecord {
  index: number;
  recordId: string;
  values: Record<string, FieldValue>;
}
export type ParsedRow =
  { ok: true; recordId: string; values: Record<string, FieldValue> } | { ok: false; errors: FieldError[] };

/**
 * A kind of record a department sends: its table, its columns, the checks across columns, how a
 * record is placed in a region and which children a change of it touches. Every kind is keyed by
 * the department's own `record_id`, the idempotency key of re-imports.
 */
export type RecordKind = ChildRecordKind | OtherRecordKind;

interface RecordKindBase {
  /** "education.student_registration": `<department>.<kind>`. */
  name: string;
  department: Department;
  table: PgTable;
  columns: readonly ColumnSpec[];
  /** Checks that need several columns (a birth date that contradicts the ID number, …). */
  crossCheck?: (values: Readonly<Record<string, FieldValue>>) => FieldError[];
  /** How a record is placed in a region (a department system sends records of its own region only). */
  placement: Placement;
  description: string;
}

/** A kind whose records describe a child: the linkage reads them, and a change touches their children. */
interface ChildRecordKind extends RecordKindBase {
  /** The link-table source name of its records. */
  linkSource: SourceKind;
  touches: "linked children";
}

/** A kind whose records describe no child: a place (a school, a site, …), or a detail of another record. */
interface OtherRecordKind extends RecordKindBase {
  linkSource: null;
  touches:
    | { placedChildren: PlacedChildren; residentsOf?: PgColumn }
    | { relinks: RelinkedRecords }
    | { childrenOf: RelinkedRecords }
    | { idNumberHolders: PgColumn }
    | "nothing";
}

/**
 * Which master children a changed record of a kind touches: the batch that changed it assesses
 * their coverage again, in its own transaction (batch.ts).
 *
 * - "linked children": those the linkage links the record to, or takes it from (a kind that
 *   describes a child, by its `linkSource`).
 * - `{ placedChildren }`: a place's, those it places through their records that name it (a
 *   school's region is its pupils' school region). With `residentsOf`, the place is an area
 *   whose code that column holds, and the children living in it (by their snapshot residence)
 *   are touched too: a coordination area's window and settings are its residents' policy, and a
 *   new area changes which area a residence falls in.
 * - `{ relinks }`: a detail the linkage weighs as part of the child's record it names (a person's
 *   guardians: their ID numbers and phones): that record is linked again, as if it had changed,
 *   touching the children whose links that opened or closed.
 * - `{ childrenOf }`: a detail coverage reads through the child's record it names (a dose, the
 *   file's latest dose and so the file in use; a contribution, who paid an enrollment): the
 *   children linked to that record, before and after the change.
 * - `{ idNumberHolders }`: a record coverage finds by an ID number (medical-assistance
 *   eligibility): the children linked to any record carrying that number, before and after.
 * - "nothing": the record is no fact of any child's coverage (a hospital, a household).
 *
 * Coverage must equal a rebuild after every batch (issue 23): a kind whose rows coverage reads
 * (src/coverage/facts.ts and the fields of db/sources.ts) may not say "nothing".
 */
export type Touches = RecordKind["touches"];

/**
 * The children a place places: those currently linked (as `source`) to a record whose
 * `recordColumn` holds the place's `placeColumn`. A school's pupils:
 *
 *   { source: "education.student", recordColumn: studentRegistrations.schoolCode, placeColumn: schools.schoolCode }
 */
export interface PlacedChildren {
  source: SourceKind;
  /** The column of the child's record that names the place. */
  recordColumn: PgColumn;
  /** The place's column it names. */
  placeColumn: PgColumn;
}

/** The child records a detail belongs to: those of `source` whose record id its `recordColumn` holds. */
export interface RelinkedRecords {
  source: SourceKind;
  recordColumn: PgColumn;
}

/** The name of a record's placing column, given the record's parsed values. */
export type RegionColumnChoice = (values: Readonly<Record<string, FieldValue>>) => string;

/**
 * How a record of a kind is placed in a region, one of:
 *
 * - `{ regionColumn }`: by a division-code column of its own, the same for every record
 *   ("region_code"), or chosen by the record's values (a residence-permit holder is placed where
 *   they live, everyone else by their hukou). `residence_region_code` alone never places a record:
 *   where a child lives says nothing about which office keeps the record (a school in 3301
 *   registers pupils living in 3302).
 * - `{ through, column, references }`: by the record it names: its `column` holds the
 *   `references` column of a record of kind `through` (a student registration's school_code
 *   names its school), and that record is placed by its own placement in turn (a dose goes
 *   through its immunization record to the record's site). A record that names no stored
 *   record is placed nowhere: a department system cannot send it (sender-region.ts).
 */
export type Placement =
  { regionColumn: string | RegionColumnChoice } | { through: RecordKind; column: string; references: string };

/**
 * Checks a raw row against a kind: every column parsed, every problem reported (not only the
 * first), unknown columns refused so a misspelt header cannot silently drop data, and a control
 * character refused in any cell (a NUL would fail the whole batch in the database).
 *
 *   parseRow(studentRegistrations, { record_id: "S-1", student_number: "G…", … })
 *   // { ok: true, recordId: "S-1", values: { … } }
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
    // Looked at as received: a control character is refused even where trimming would drop it.
    const control = typeof value === "string" ? controlCharacterProblem(value, isFreeText(column.parse)) : null;
    if (control !== null) {
      errors.push({ field: column.name, message: control });
      continue;
    }
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
