import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { Database } from "./client.ts";

/** Arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 71_002_024;

/**
 * Applies every migration under `migrationsDir` that has not been applied yet. Safe to call on
 * every start-up and from several processes at once (server mode holds an advisory lock on one
 * connection while it migrates).
 */
export async function migrateDatabase(database: Database, migrationsDir: string): Promise<void> {
  if (database.pglite) {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: migrationsDir });
    return;
  }
  if (!database.pool) throw new Error("migrateDatabase: a server database must have a pool");
  const client = await database.pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: migrationsDir });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** The schema of the access log: the serving role may only insert into and read its tables. */
const AUDIT_SCHEMA = "audit";
/** Schemas the serving role gets nothing in: drizzle's migration history, and PostgreSQL's own. */
const NOT_SERVED = ["drizzle", "public", "information_schema"];

/**
 * As the owner that just migrated, grants `role` (DATABASE_URL's, the serving role) what serving
 * needs and nothing more: USAGE of every schema the owner owns; on their tables SELECT, INSERT,
 * UPDATE and DELETE, and on their sequences USAGE, SELECT and UPDATE (ids are reserved in bulk);
 * in `audit` only INSERT and SELECT — no UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER. The
 * serving role owns nothing, so it can neither ALTER, disable a trigger on nor DROP any of it
 * (nor drop a schema: `seed --reset` is the owner's). Idempotent: it runs after every migration,
 * so the tables a new migration adds are covered. PostgreSQL only (PGlite has one role).
 *
 *   await grantServingRole(owner, "hub_app")
 */
export async function grantServingRole(owner: Database, role: string): Promise<void> {
  if (!owner.pool) throw new Error("grantServingRole: roles exist on a PostgreSQL server only");
  const client = await owner.pool.connect();
  try {
    const [me] = (await client.query<{ name: string }>("select current_user as name")).rows;
    // One role for both: nothing to grant (revoking would take the owner's own privileges).
    if (me?.name === role) return;
    const { rows } = await client.query<{ name: string }>(
      `select nspname as name from pg_namespace
        where nspowner = (select oid from pg_roles where rolname = current_user)
          and nspname <> all($1::text[]) and nspname not like 'pg\\_%'
        order by 1`,
      [NOT_SERVED],
    );
    const grantee = quoteIdentifier(role);
    const statements: string[] = [];
    for (const schema of rows.map((r) => quoteIdentifier(r.name))) {
      // From nothing each time: a privilege granted by hand earlier (an UPDATE on the log) does not survive.
      statements.push(
        `revoke all on schema ${schema} from ${grantee}`,
        `revoke all on all tables in schema ${schema} from ${grantee}, public`,
        `revoke all on all sequences in schema ${schema} from ${grantee}, public`,
        `grant usage on schema ${schema} to ${grantee}`,
      );
      if (schema === quoteIdentifier(AUDIT_SCHEMA)) {
        statements.push(`grant select, insert on all tables in schema ${schema} to ${grantee}`);
      } else {
        statements.push(
          `grant select, insert, update, delete on all tables in schema ${schema} to ${grantee}`,
          `grant usage, select, update on all sequences in schema ${schema} to ${grantee}`,
        );
      }
    }
    await client.query("begin");
    try {
      for (const statement of statements) await client.query(statement);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw error;
    }
  } finally {
    client.release();
  }
}

/** A role or schema name as an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
