import { ErrorCode, HubError } from "../errors.ts";
import type { RecordKind } from "./kind.ts";

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
