import { getTableColumns } from "drizzle-orm";
import { getTableConfig, IndexedColumn, type PgColumn } from "drizzle-orm/pg-core";
import { ErrorCode, HubError } from "../errors.ts";
import type { FieldError, RecordKind } from "./kind.ts";

/**
 * How a batch that could not be written fails: run again when the database aborted it for a
 * conflict with another transaction, otherwise reported without the data it carried.
 *
 * The database driver's error quotes the failed statement and its parameters (drizzle's
 * "Failed query: insert … params: 王小明,330106…"), and the server reports an unexpected error
 * in full to its log: a failed batch would write every row's name, ID number, phone and address
 * there (issue 18, finding 14). So an ingest failure keeps only what identifies the failure: the
 * kind, how many rows, the SQLSTATE code, and the names of the constraint, table and column the
 * database blamed. Never the database's message (an "invalid input syntax" message quotes the
 * value), never its detail ("Key (certificate_number)=(P262441064) already exists").
 */

/** What a database error says about itself that holds no data: its code and the names of what it blames. */
export interface DatabaseFailure {
  /** SQLSTATE, e.g. "23505" (unique violation). */
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/**
 * SQLSTATEs of a transaction that another one got in the way of: run it again.
 * 40001 serialization failure, 40P01 deadlock, 23505 a unique key another transaction took
 * first (ingest batches take turns, but other writers of links do not).
 */
const CONFLICTS = new Set(["40001", "40P01", "23505"]);
/** A conflict that survives this many runs is no conflict: see withRetries. */
export const MAX_ATTEMPTS = 3;

/** An ingest batch that was not written, said without any of its rows' values. */
export class IngestFailure extends Error {
  override name = "IngestFailure";
  constructor(
    kind: string,
    rows: number,
    readonly failure: DatabaseFailure | null,
    original: unknown,
  ) {
    super(
      `ingest of ${kind}: a batch of ${rows} rows was not written (nothing of it is stored): ` +
        (failure ? `database error ${describe(failure)}` : `${nameOf(original)} in the hub's own code`),
    );
    // Where it happened, from the original's stack frames; its first line is its message (not kept).
    const frames = original instanceof Error && original.stack ? original.stack.split("\n").filter(isFrame) : [];
    this.stack = [`${this.name}: ${this.message}`, ...frames].join("\n");
  }
}

/**
 * Runs `attempt` (one transaction of a batch of `rows` rows of `kind`) and answers its result;
 * a run the database aborted for a conflict is run again, up to MAX_ATTEMPTS in all, after a
 * short random pause. A deliberate answer (a HubError) passes unchanged. What remains fails as:
 *
 * - a serialization failure or deadlock every time: DATABASE_UNAVAILABLE, "send it again" (the
 *   load, not the batch, is at fault; the client gets a code, not an internal error);
 * - anything else: an IngestFailure (masked as an internal error with an id, logged by code).
 *   A unique violation after every run lands here too: batches take turns under the linkage
 *   lock, so one that repeats is a fault of the hub, and the log must show it.
 */
export async function withRetries<T>(kind: RecordKind, rows: number, attempt: () => Promise<T>): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof HubError) throw error;
      const failure = databaseFailureOf(error);
      if (failure && CONFLICTS.has(failure.code) && run < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * run));
        continue;
      }
      if (failure && failure.code !== "23505" && CONFLICTS.has(failure.code)) {
        throw new HubError(
          ErrorCode.DATABASE_UNAVAILABLE,
          `the batch met other writes to the same records ${run} times (database error ${failure.code}) ` +
            "and was not written, nothing of it is stored: send it again",
        );
      }
      throw new IngestFailure(kind.name, rows, failure, error);
    }
  }
}

/**
 * The database error under `error` (drizzle wraps the driver's as its `cause`), as its code and
 * names, or null for an error that did not come from the database.
 */
export function databaseFailureOf(error: unknown): DatabaseFailure | null {
  for (let e = error, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const { code, constraint, table, column, cause } = e as Record<string, unknown>;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const name = (v: unknown) => (typeof v === "string" && /^[\w.]{1,63}$/.test(v) ? v : undefined);
      return { code, constraint: name(constraint), table: name(table), column: name(column) };
    }
    e = cause;
  }
  return null;
}

/**
 * Whether the database refused a batch for what one of its rows holds: an integrity constraint
 * (class 23: unique, check, not-null, foreign key) or a value it cannot store (class 22: a NUL,
 * a number out of range, text too long). Such a batch can be split to find the row; any other
 * failure (a connection lost, a fault of the hub's own SQL) is no row's doing.
 */
export function isRowFault(failure: DatabaseFailure | null): failure is DatabaseFailure {
  return failure !== null && (failure.code.startsWith("23") || failure.code.startsWith("22"));
}

/** The field of a rejection the database gave no column for: the row as a whole. */
export const WHOLE_ROW = "(row)";

/**
 * A row the database refused on its own, as a rejection the sender can act on: the field (the
 * column the database blamed, or the one its constraint is on) and the rule, by its name. Like
 * every ingest failure, it says nothing of the value (the database's detail quotes it).
 *
 *   rowRefusal(birthCertificateKind, { code: "23505", constraint: "birth_certificates_number_key" })
 *   // { field: "certificate_number", message: "must be a certificate_number that no other record holds, …" }
 */
export function rowRefusal(kind: RecordKind, failure: DatabaseFailure): FieldError {
  const field = blamedField(kind, failure);
  const rule = failure.constraint ? ` (the database's rule ${failure.constraint})` : "";
  const named = field === WHOLE_ROW ? "a value" : "its value";
  const message = ((): string => {
    switch (failure.code) {
      case "23505":
        return field === WHOLE_ROW
          ? `holds a value that another record already holds where the database keeps one record per value${rule}`
          : `must be a ${field} that no other record holds (it identifies one record), ` +
              `but the value is already held${rule}`;
      case "23514":
        return `breaks a rule the database keeps on ${field === WHOLE_ROW ? "this record" : "this field"}${rule}`;
      case "23502":
        return `is required: the database keeps no record without it${rule}`;
      case "23503":
        return `names a record the database does not hold${rule}`;
      case "22021":
        return `holds a character the database cannot store (a NUL or a byte that is not UTF-8)`;
      case "22001":
        return `is longer than the database stores in ${field === WHOLE_ROW ? "one of its fields" : "this field"}`;
      case "22003":
        return `is a number outside the range the database stores`;
      default:
        return `was refused by the database: ${named} breaks its rule ${describe(failure)}`;
    }
  })();
  return { field, message: `${message}; the rest of the file was imported without this row` };
}

/** The kind's column a failure blames: the database's column, or the one its constraint is on. */
function blamedField(kind: RecordKind, failure: DatabaseFailure): string {
  const tableColumns = getTableColumns(kind.table) as Record<string, PgColumn>;
  const byDatabaseName = new Map(kind.columns.map((c) => [tableColumns[c.property]?.name ?? c.name, c.name]));
  if (failure.column) return byDatabaseName.get(failure.column) ?? WHOLE_ROW;
  if (!failure.constraint) return WHOLE_ROW;
  const config = getTableConfig(kind.table);
  const index = config.indexes.find((i) => i.config.name === failure.constraint);
  const indexed = index?.config.columns.filter((c) => c instanceof IndexedColumn).map((c) => c.name ?? "");
  if (indexed?.length === 1) return byDatabaseName.get(indexed[0]!) ?? WHOLE_ROW;
  // A constraint the hub's schema does not declare (added in the database): its name is the
  // only clue, and PostgreSQL names one after its column ("student_registrations_sex_check").
  const named = [...byDatabaseName.keys()]
    .filter((name) => failure.constraint!.includes(name))
    .sort((a, b) => b.length - a.length);
  return named.length > 0 ? byDatabaseName.get(named[0]!)! : WHOLE_ROW;
}

/**
 * An import's failure as one line fit for a log or a terminal: a deliberate message (an
 * IngestFailure, a HubError, an error the hub wrote itself) as it is, but a database error only
 * by its code and names — its message quotes the statement and its parameters, every row's names,
 * ID numbers and phones (drizzle's "Failed query: … params: …", 60 KB for a chunk).
 *
 *   describeFailure(new Error("Failed query: insert … params: 王小明,…", { cause: pgError }))
 *   // "database error 23505 (table persons, constraint persons_record_id_key)"
 */
export function describeFailure(error: unknown): string {
  if (error instanceof IngestFailure || error instanceof HubError) return error.message;
  const failure = databaseFailureOf(error);
  if (failure) return `database error ${describe(failure)}`;
  if (!(error instanceof Error)) return `a failure of type ${typeof error}`;
  return /Failed query|params:/i.test(error.message) ? `${error.name} (its message withheld)` : error.message;
}

function describe(failure: DatabaseFailure): string {
  const blamed = [
    failure.table && `table ${failure.table}`,
    failure.column && `column ${failure.column}`,
    failure.constraint && `constraint ${failure.constraint}`,
  ].filter(Boolean);
  return blamed.length > 0 ? `${failure.code} (${blamed.join(", ")})` : failure.code;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function isFrame(line: string): boolean {
  return /^\s+at /.test(line);
}
