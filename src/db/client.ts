import { PGlite } from "@electric-sql/pglite";
import { sql, type Logger, type SQL } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { getTableConfig, type PgDatabase, type PgQueryResultHKT, type PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import type { DatabaseConfig } from "../config/index.ts";
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
}

/**
 * The one database client factory: PGlite (in memory or a data directory) when no server is
 * configured, a node-postgres pool otherwise.
 *
 *   const database = await createDatabase({ kind: "pglite", dataDir: null });
 *   await database.db.select().from(persons);
 */
export async function createDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<Database> {
  const logger: Logger | undefined = options.onQuery ? { logQuery: (query) => options.onQuery!(query) } : undefined;
  if (config.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
    // A dropped idle connection must not crash the process; the pool replaces it.
    pool.on("error", (error) => console.error(`database pool: ${error.message}`));
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    return { kind: "postgres", db, pglite: null, pool, close: () => pool.end() };
  }
  const pglite = await PGlite.create({
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite(pglite, { schema, logger }) as unknown as Db;
  return { kind: "pglite", db, pglite, pool: null, close: () => pglite.close() };
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
export async function analyzeTables(db: Db, tables: readonly PgTable[]): Promise<void> {
  const names = tables.map((table) => {
    const { schema, name } = getTableConfig(table);
    return `"${schema ?? "public"}"."${name}"`;
  });
  await db.execute(sql`select hub.analyze_tables(${sql.param(names)}::regclass[])`);
}
