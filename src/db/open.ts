import { sql } from "drizzle-orm";
import type { Config } from "../config/index.ts";
import { createDatabase, queryRows, type Database, type DatabaseOptions, type Db } from "./client.ts";
import { grantServingRole, migrateDatabase } from "./migrate.ts";

/** What opening the database needs of the configuration. */
export type OpenConfig = Pick<Config, "database" | "migrationsDir" | "production">;

export interface OpenOptions extends DatabaseOptions {
  /** Where a warning goes (default: stderr, as `warning: …`). */
  warn?: (message: string) => void;
}

/**
 * Opens the configured database and brings its schema up to date: what every entry point does
 * first. On PostgreSQL with HUB_MIGRATE_DATABASE_URL the migrations run as that owner role, which
 * then grants the serving role (DATABASE_URL's) what serving needs (`grantServingRole`); the
 * returned database is the serving role's. Then the serving role is checked: one that could alter
 * or erase the access log (a superuser, its owner, the database's owner) is refused in production
 * and warned about elsewhere. PGlite is one process with one superuser: its access log is
 * append-only by trigger only (README, Configuration).
 */
export async function openMigratedDatabase(config: OpenConfig, options: OpenOptions = {}): Promise<Database> {
  const { warn = (m: string) => console.warn(`warning: ${m}`), ...databaseOptions } = options;
  const database = await createDatabase(config.database, { ...databaseOptions, warn });
  try {
    const migrateUrl = config.database.kind === "postgres" ? (config.database.migrateUrl ?? null) : null;
    if (config.database.kind === "postgres" && migrateUrl) {
      const owner = await createDatabase({ kind: "postgres", url: migrateUrl, poolSize: 1 });
      try {
        await migrateDatabase(owner, config.migrationsDir);
        await grantServingRole(owner, await currentRole(database.db));
      } finally {
        await owner.close();
      }
    } else {
      await migrateDatabase(database, config.migrationsDir).catch((error: unknown) => {
        throw database.kind === "postgres" && isPermissionDenied(error)
          ? new Error(
              "cannot migrate as DATABASE_URL's role, which may not create or alter the hub's schemas " +
                `(${causeMessage(error)}): set HUB_MIGRATE_DATABASE_URL to the owner role's connection`,
              { cause: error },
            )
          : error;
      });
    }
    await checkServingRole(database, config.production, warn);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * Runs `work` as the owner role (HUB_MIGRATE_DATABASE_URL): what the serving role may not do,
 * such as seeding the demo province (its generator creates a schema, and a first link rebuilds
 * indexes and gathers statistics). Without a separate owner, `work` runs on `serving`.
 */
export async function asOwner<T>(
  config: OpenConfig,
  serving: Database,
  work: (owner: Database) => Promise<T>,
): Promise<T> {
  const migrateUrl = config.database.kind === "postgres" ? (config.database.migrateUrl ?? null) : null;
  if (!migrateUrl) return work(serving);
  const owner = await createDatabase({ kind: "postgres", url: migrateUrl, poolSize: 4 });
  try {
    return await work(owner);
  } finally {
    await owner.close();
  }
}

/** SQLSTATE 42501 (insufficient_privilege), on the error or the driver error drizzle wraps. */
function isPermissionDenied(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "42501" || e?.cause?.code === "42501";
}

function causeMessage(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } } | null;
  return e?.cause?.message ?? e?.message ?? String(error);
}

async function currentRole(db: Db): Promise<string> {
  const [row] = await queryRows<{ role: string }>(db, sql`select current_user as role`);
  return row!.role;
}

async function checkServingRole(database: Database, production: boolean, warn: (m: string) => void): Promise<void> {
  if (database.kind === "pglite") {
    if (production)
      warn(
        "the embedded PGlite database has one role, a superuser: its access log is append-only by trigger only; " +
          "for a log the serving process cannot alter, use PostgreSQL with HUB_MIGRATE_DATABASE_URL (README)",
      );
    return;
  }
  const powers = await accessLogPowers(database.db);
  if (powers.length === 0) return;
  const message =
    `the serving role (DATABASE_URL's) could alter or erase the access log: ${powers.join("; ")}. ` +
    "Serve as a role that owns nothing and may only insert into and read audit.access_log, and migrate as the " +
    "owner with HUB_MIGRATE_DATABASE_URL (README, Configuration)";
  if (production) throw new Error(message);
  warn(message);
}

/**
 * Every way the connected role could change or erase the access log, in words; empty when it may
 * only insert into and read it (what the serving role must be). PostgreSQL only.
 *
 *   await accessLogPowers(servingDb)   // []
 *   await accessLogPowers(ownerDb)     // ['it owns audit.access_log', …]
 */
export async function accessLogPowers(db: Db): Promise<string[]> {
  const [row] = await queryRows<Record<string, boolean | string>>(
    db,
    sql`
    select r.rolname as role, r.rolsuper as superuser, r.rolcreaterole as createrole,
           pg_has_role(current_user, c.relowner, 'MEMBER') as owns_table,
           pg_has_role(current_user, n.nspowner, 'MEMBER') as owns_schema,
           pg_has_role(current_user, d.datdba, 'MEMBER') as owns_database,
           exists (select 1 from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                    where t.tgrelid = c.oid and pg_has_role(current_user, p.proowner, 'MEMBER'))
             as owns_trigger_function,
           not exists (select 1 from pg_trigger t
                        where t.tgrelid = c.oid and t.tgname = 'access_log_append_only' and t.tgenabled <> 'D')
             as trigger_missing,
           has_table_privilege(c.oid, 'UPDATE') as can_update, has_table_privilege(c.oid, 'DELETE') as can_delete,
           has_table_privilege(c.oid, 'TRUNCATE') as can_truncate, has_table_privilege(c.oid, 'TRIGGER') as can_trigger
      from pg_roles r, pg_class c join pg_namespace n on n.oid = c.relnamespace, pg_database d
     where r.rolname = current_user and c.oid = 'audit.access_log'::regclass and d.datname = current_database()`,
  );
  if (!row) return ["the role or audit.access_log cannot be found"];
  const reasons: [string, string][] = [
    ["superuser", `"${row.role}" is a superuser`],
    ["createrole", `"${row.role}" has CREATEROLE (it could make itself a member of the owner)`],
    ["owns_table", "it owns audit.access_log (or is a member of its owner)"],
    ["owns_schema", "it owns the audit schema"],
    ["owns_database", "it owns the database (it could drop it)"],
    ["owns_trigger_function", "it owns the append-only trigger's function"],
    ["trigger_missing", "the append-only trigger is missing or disabled"],
    ["can_update", "it may UPDATE audit.access_log"],
    ["can_delete", "it may DELETE from audit.access_log"],
    ["can_truncate", "it may TRUNCATE audit.access_log"],
    ["can_trigger", "it may create triggers on audit.access_log"],
  ];
  return reasons.filter(([key]) => row[key] === true).map(([, words]) => words);
}

/** Every schema the hub or its generator creates: dropped together by `seed --reset`. */
const ALL_SCHEMAS = ["household", "health", "education", "insurance", "hub", "audit", "ingest", "truth", "drizzle"];

/**
 * Drops every schema of the hub (`seed --reset`): only a role that owns them all may, so the
 * serving role of a two-role PostgreSQL setup cannot erase the access log this way. It checks
 * first and drops nothing unless it may drop everything.
 */
export async function dropEverything(database: Database): Promise<void> {
  const refused = await queryRows<{ name: string }>(
    database.db,
    sql`select nspname as name from pg_namespace
         where nspname = any(${sql.param(ALL_SCHEMAS)}::text[]) and not pg_has_role(current_user, nspowner, 'MEMBER')
         order by 1`,
  );
  if (refused.length > 0) {
    const names = refused.map((r) => r.name).join(", ");
    throw new Error(
      `seed --reset drops every schema of the hub, but this role does not own ${names}: ` +
        "run it as the owner (HUB_MIGRATE_DATABASE_URL's role as DATABASE_URL); the serving role may not erase " +
        "the access log",
    );
  }
  for (const schema of ALL_SCHEMAS) await database.db.execute(sql.raw(`drop schema if exists ${schema} cascade`));
}
