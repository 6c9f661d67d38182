import { PGlite } from "@electric-sql/pglite";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from "@opentelemetry/semantic-conventions";
import { sql, type Logger, type SQL } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { getTableConfig, type PgDatabase, type PgQueryResultHKT, type PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import type { DatabaseConfig } from "../config/index.ts";
import { log, scrubText } from "../log.ts";
import { refuseIfStopped, serverCanceller, trackStatement } from "./cancellation.ts";
import { lockDataDir } from "./pglite-lock.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  /** The embedded engine, when there is one (for dumping a data directory). */
  readonly pglite: PGlite | null;
  /** The server pool, when there is one (for work that needs one connection, e.g. locks). */
  readonly pool: pg.Pool | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Called with every SQL statement drizzle sends: how tests count round trips. */
  onQuery?: (sql: string) => void;
  /** A PGlite data directory dump to start from (tests clone one migrated database). */
  loadDataDir?: Blob | File;
  /** Where a stale PGlite lock taken over is told (default: stderr, as `warning: …`). */
  warn?: (message: string) => void;
  /**
   * A span per SQL statement (its text, never its parameter values) under the active trace:
   * only when tracing is on (src/observability/tracing.ts), since the driver is wrapped for it.
   */
  traceSql?: boolean;
}

/**
 * The one database client factory: PGlite (in memory or a data directory) when no server is
 * configured, a node-postgres pool otherwise.
 *
 * A PGlite data directory is held by one process at a time (pglite-lock.ts): a second opener,
 * in this process or another, is refused with DataDirInUseError until `close()` or the exit of
 * the holder.
 *
 *   const database = await createDatabase({ kind: "pglite", dataDir: null });
 *   await database.db.select().from(persons);
 */
export async function createDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<Database> {
  const logger: Logger | undefined = options.onQuery ? { logQuery: (query) => options.onQuery!(query) } : undefined;
  if (config.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
    // The server going away (a restart, a failover) must not take the process with it: the pool
    // replaces an idle connection it loses, but a client checked out for a transaction has no
    // listener of the pool's while it is out, and an 'error' event without one would end the
    // process. Its query fails instead (the request answers 503), and the pool drops it on release.
    const poolLog = log().child({ component: "db-pool" });
    pool.on("error", (error) => poolLog.error({ err: error }, "an idle connection failed"));
    const cancel = serverCanceller(config.url);
    pool.on("connect", (client) => {
      client.on("error", (error) => poolLog.error({ err: error }, "a connection failed"));
      cancellableClientQueries(client, cancel);
      if (options.traceSql) traceClientQueries(client);
    });
    poolQueriesOnOwnClient(pool);
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    return { kind: "postgres", db, pglite: null, pool, close: once(() => pool.end()) };
  }
  const lock = config.dataDir ? lockDataDir(config.dataDir, options.warn) : null;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(config.dataDir ? { dataDir: config.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  aroundPgliteStatements(pglite, refuseStopped);
  if (options.traceSql) aroundPgliteStatements(pglite, inSqlSpan);
  const db = drizzlePglite(pglite, { schema, logger }) as unknown as Db;
  // Closing writes the shutdown checkpoint, so the next start needs no recovery; then the
  // directory is free for the next process.
  const close = once(async () => {
    try {
      await pglite.close();
    } finally {
      lock?.release();
    }
  });
  return { kind: "pglite", db, pglite, pool: null, close };
}

/** Statement text kept on a span; longer text is cut (a bulk INSERT's VALUES list). */
const MAX_TRACED_SQL = 2_000;

/**
 * Runs one statement in a CLIENT span named by its first keyword (SELECT, INSERT, …). The span
 * holds the statement's text, scrubbed like a log line and cut to MAX_TRACED_SQL: drizzle sends
 * values as parameters ($1, $2, …), which are never recorded.
 */
function inSqlSpan<T>(text: string, run: () => Promise<T>): Promise<T> {
  const operation = /^\s*(?:with\b[\s\S]*?\)\s*)?([a-z]+)/i.exec(text)?.[1]?.toUpperCase() ?? "SQL";
  return trace.getTracer("child-coverage-hub/db").startActiveSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: scrubText(text.slice(0, MAX_TRACED_SQL)),
      },
    },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === "string" ? code : "failed" });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The text of a query call's first argument (a string or `{ text }`); null for anything else (COPY streams). */
function statementText(first: unknown): string | null {
  if (typeof first === "string") return first;
  if (!first || typeof first !== "object") return null;
  // A Submittable (a COPY stream of pg-copy-streams) has a text too, but it is a stream the
  // caller drives, not a statement whose promise says when it ended: left to the driver.
  if (typeof (first as { submit?: unknown }).submit === "function") return null;
  if (typeof (first as { text?: unknown }).text === "string") return (first as { text: string }).text;
  return null;
}

/**
 * Pool.query (drizzle's statements outside a transaction) as a checkout, one promise-style query
 * on the client and a release, as node-postgres's own Pool.query does: so that every statement
 * goes through the client's wrappers (its request's cancellation, its span). Callback-style
 * calls and COPY streams are left to the pool.
 */
function poolQueriesOnOwnClient(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
    if (statementText(args[0]) === null || typeof args.at(-1) === "function") return query(...args);
    return (async () => {
      refuseIfStopped();
      const client = await pool.connect();
      try {
        const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
        client.release();
        return result;
      } catch (error) {
        // As Pool.query does: a connection whose statement failed is not reused.
        client.release(error as Error);
        throw error;
      }
    })();
  };
}

const TRANSACTION_BOUNDARY = /^\s*(begin|rollback)\b/i;

/** A checked-out client's promise-style queries under their request's cancellation (cancellation.ts). */
function cancellableClientQueries(client: pg.PoolClient, cancel: (pid: number) => Promise<void>): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const text = statementText(args[0]);
    if (text === null || typeof args.at(-1) === "function") return query(...args);
    // BEGIN and ROLLBACK always go through. A rollback refused would leave the connection in its
    // aborted transaction for the next request the pool hands it to; a BEGIN refused would escape
    // drizzle's transaction before the try that releases the connection (it would leak). The
    // statements between are refused, and the rollback ends the transaction.
    if (TRANSACTION_BOUNDARY.test(text)) return query(...args);
    return trackStatement(client, () => query(...args) as Promise<unknown>, cancel);
  };
}

/**
 * A checked-out client's promise-style queries in a span (drizzle's statements inside a
 * transaction). Callback-style calls are the pool's own (Pool.query, already in a span) and
 * COPY streams are left alone.
 */
function traceClientQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const text = statementText(args[0]);
    if (text === null || typeof args.at(-1) === "function") return query(...args);
    return inSqlSpan(text, () => query(...args) as Promise<unknown>);
  };
}

/**
 * Each of PGlite's statements (its query and exec, and those of the transaction objects it hands
 * out) run through `around`: a span, or the refusal of a stopped request's statements.
 */
function aroundPgliteStatements(pglite: PGlite, around: <T>(text: string, run: () => Promise<T>) => Promise<T>): void {
  const wrap = <Q extends { query: unknown; exec: unknown }>(target: Q): void => {
    const query = (target.query as (...a: unknown[]) => Promise<unknown>).bind(target);
    const exec = (target.exec as (...a: unknown[]) => Promise<unknown>).bind(target);
    target.query = ((text: string, ...rest: unknown[]) => around(text, () => query(text, ...rest))) as Q["query"];
    target.exec = ((text: string, ...rest: unknown[]) => around(text, () => exec(text, ...rest))) as Q["exec"];
  };
  wrap(pglite);
  const transaction = pglite.transaction.bind(pglite);
  pglite.transaction = ((callback: (tx: Parameters<Parameters<PGlite["transaction"]>[0]>[0]) => Promise<unknown>) =>
    transaction((tx) => {
      wrap(tx);
      return callback(tx);
    })) as PGlite["transaction"];
}

/** A stopped request's statements refused before they run (PGlite cannot interrupt one running). */
async function refuseStopped<T>(text: string, run: () => Promise<T>): Promise<T> {
  if (!TRANSACTION_BOUNDARY.test(text)) refuseIfStopped();
  return run();
}

/** `fn` run once; later calls get the first call's promise (closing twice is harmless). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

/**
 * SQLSTATEs that mean "the server is not there for now", not "this statement is wrong": class
 * 08 (connection exception), 57P01–57P03 (admin or crash shutdown, cannot connect now) and
 * 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Node's socket errors and node-postgres's words for a connection that broke or never came. */
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
const UNAVAILABLE_MESSAGE = new RegExp(
  "^(Connection terminated|Client has encountered a connection error|Client was closed" +
    "|timeout exceeded when trying to connect)",
);

/**
 * Whether `error` (or any cause it wraps, as drizzle wraps the driver's) says the database
 * server cannot be reached right now: worth a 503 and a retry, not an internal error.
 *
 *   isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))   // true
 *   isDatabaseUnavailable(Object.assign(new Error("…"), { code: "23505" }))  // false
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, originalError } = e as { code?: unknown; message?: unknown; originalError?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    if (originalError && originalError !== e && isDatabaseUnavailable(originalError)) return true;
  }
  return false;
}

/**
 * Raw SQL that returns rows, on either driver (both answer `{ rows }`). Prefer drizzle's query
 * builder; this is for statements it cannot express.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Fresh planner statistics for `tables` after a bulk write, whichever role writes: through
 * `hub.analyze_tables` (migrations/0010), which runs as the tables' owner, because ANALYZE needs
 * the owner and the serving role of a PostgreSQL server owns nothing (README, "Database roles").
 * Without statistics the planner takes a freshly loaded table for a handful of rows.
 *
 *   await analyzeTables(db, [children, links])
 */
/**
 * A text[] as the driver gave it: node-postgres and PGlite parse it to an array; a driver that
 * does not gives `{A,B}`. For arrays of codes only (no commas, quotes or braces inside).
 *
 *   textArrayOf("{NEEDY_WITHOUT_SUBSIDY,LAPSED}") // ["NEEDY_WITHOUT_SUBSIDY", "LAPSED"]
 */
export function textArrayOf(value: readonly string[] | string): string[] {
  if (typeof value !== "string") return [...value];
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",");
}

export async function analyzeTables(db: Db, tables: readonly PgTable[]): Promise<void> {
  const names = tables.map((table) => {
    const { schema, name } = getTableConfig(table);
    return `"${schema ?? "public"}"."${name}"`;
  });
  await db.execute(sql`select hub.analyze_tables(${sql.param(names)}::regclass[])`);
}
