import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createAuditRecorder } from "../../src/access/audit/recorder.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { loadConfig } from "../../src/config/index.ts";
import { analyzeTables, queryRows, type Database, type Db } from "../../src/db/client.ts";
import { persons } from "../../src/db/tables/household.ts";
import { accessLogPowers, dropEverything, openMigratedDatabase } from "../../src/db/open.ts";
import { adminQuery, withDatabase } from "../kit/global-setup.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";

/**
 * The access log must be append-only even against the process that serves the hub (issue 18,
 * finding 10): on PostgreSQL the hub migrates as the owner and serves as a role that may only
 * INSERT into and SELECT from audit.access_log. Everything the serving role tries here is what
 * a compromised server (SQL injection, a stolen DATABASE_URL) would try to erase its reads.
 */
const officer: AuthenticatedViewer = { subject: "officer-18", role: "insurance_officer", scope: { region: "3301" } };

/** Every way to change or erase the log, or to escape its trigger, as the serving role would send it. */
const ATTACKS: { name: string; statement: (owner: string) => SQL }[] = [
  { name: "update it", statement: () => sql`update audit.access_log set actor = 'nobody'` },
  { name: "delete from it", statement: () => sql`delete from audit.access_log` },
  { name: "truncate it", statement: () => sql`truncate audit.access_log` },
  { name: "disable its triggers", statement: () => sql`alter table audit.access_log disable trigger user` },
  {
    name: "disable the append-only trigger by name",
    statement: () => sql`alter table audit.access_log disable trigger access_log_append_only`,
  },
  { name: "drop the trigger", statement: () => sql`drop trigger access_log_append_only on audit.access_log` },
  {
    name: "replace the trigger's function with one that allows everything",
    statement: () =>
      sql.raw(`create or replace function audit.refuse_access_log_change() returns trigger
               language plpgsql as $$ begin return null; end $$`),
  },
  { name: "drop the trigger's function", statement: () => sql`drop function audit.refuse_access_log_change() cascade` },
  { name: "alter it (rename)", statement: () => sql`alter table audit.access_log rename to access_log_gone` },
  { name: "alter it (add a column)", statement: () => sql`alter table audit.access_log add column erased boolean` },
  { name: "take it over", statement: () => sql`alter table audit.access_log owner to current_user` },
  {
    name: "swallow its inserts with a rule",
    statement: () => sql`create rule forget as on insert to audit.access_log do instead nothing`,
  },
  {
    name: "hide its rows with row-level security",
    statement: () => sql`alter table audit.access_log enable row level security`,
  },
  { name: "drop it", statement: () => sql`drop table audit.access_log` },
  { name: "drop its schema", statement: () => sql`drop schema audit cascade` },
  { name: "skip triggers with session_replication_role", statement: () => sql`set session_replication_role = replica` },
  { name: "become the owner", statement: (owner) => sql.raw(`set role "${owner}"`) },
  { name: "make itself a superuser", statement: () => sql`alter role current_user superuser` },
];

describe("the serving role on PostgreSQL", () => {
  let database: TestDatabase;
  let owner: string;

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
    const audit = createAuditRecorder(database.db, officer, { requestId: "req-18-10" });
    audit.record([1801, 1802], ["Child.name", "Child.idNumber"]);
    await audit.flush();
    const [row] = await queryRows<{ owner: string }>(
      database.db,
      sql`select tableowner as owner from pg_tables where schemaname = 'audit' and tablename = 'access_log'`,
    );
    owner = row!.owner;
  });
  afterAll(async () => database?.close());

  async function logRows(): Promise<string[]> {
    const rows = await queryRows<{ actor: string; request_id: string }>(
      database.db,
      sql`select actor, request_id from audit.access_log order by id`,
    );
    return rows.map((r) => `${r.actor} ${r.request_id}`);
  }

  it("#18.10 the suite's PostgreSQL serves as a role that owns nothing, may only insert and read the log", async () => {
    const [me] = await queryRows<Record<string, unknown>>(
      database.db,
      sql`select current_user as role, r.rolsuper as superuser,
                 has_table_privilege('audit.access_log', 'SELECT') as can_select,
                 has_table_privilege('audit.access_log', 'INSERT') as can_insert,
                 has_table_privilege('audit.access_log', 'UPDATE') as can_update,
                 has_table_privilege('audit.access_log', 'DELETE') as can_delete,
                 has_table_privilege('audit.access_log', 'TRUNCATE') as can_truncate,
                 has_table_privilege('audit.access_log', 'TRIGGER') as can_trigger,
                 has_table_privilege('audit.access_log', 'REFERENCES') as can_reference
            from pg_roles r where r.rolname = current_user`,
    );
    expect(me).toEqual({
      role: inject("postgresRoles").serving,
      superuser: false,
      can_select: true,
      can_insert: true,
      can_update: false,
      can_delete: false,
      can_truncate: false,
      can_trigger: false,
      can_reference: false,
    });
    expect(owner).not.toBe(me!.role);
    expect(await accessLogPowers(database.db)).toEqual([]);
    expect(await logRows()).toEqual(["officer-18 req-18-10"]);
  });

  it.each(ATTACKS)("#18.10 the serving role cannot $name", async ({ statement }) => {
    const error = await failureOf(database.db, statement(owner));
    expect(error).toMatch(/permission denied|must be owner|must be superuser|must be a member/);
    expect(await logRows()).toEqual(["officer-18 req-18-10"]);
    const [trigger] = await queryRows<{ enabled: string }>(
      database.db,
      sql`select tgenabled as enabled from pg_trigger
           where tgrelid = 'audit.access_log'::regclass and tgname = 'access_log_append_only'`,
    );
    expect(trigger?.enabled).toBe("O");
  });

  it("#18.10 the serving role cannot grant itself more on the log", async () => {
    await database.db.execute(sql`grant update, delete, truncate on audit.access_log to current_user`).catch(() => {});
    const [row] = await queryRows<{ can: boolean }>(
      database.db,
      sql`select has_table_privilege('audit.access_log', 'UPDATE') or has_table_privilege('audit.access_log', 'DELETE')
              or has_table_privilege('audit.access_log', 'TRUNCATE') as can`,
    );
    expect(row!.can).toBe(false);
  });

  it("#18.10 seed --reset is not possible with the serving role: it drops nothing", async () => {
    await expect(dropEverything(database)).rejects.toThrow(
      /seed --reset .*does not own .*audit.*HUB_MIGRATE_DATABASE_URL/,
    );
    const schemas = await queryRows<{ name: string }>(
      database.db,
      sql`select nspname as name from pg_namespace where nspname in ('household', 'hub', 'audit') order by 1`,
    );
    expect(schemas.map((s) => s.name)).toEqual(["audit", "household", "hub"]);
    expect(await logRows()).toEqual(["officer-18 req-18-10"]);
  });

  it("#18.10 the owner's own changes are still refused by the append-only trigger", async () => {
    const asOwner = await database.owner();
    expect(await accessLogPowers(asOwner.db)).toContain("it owns audit.access_log (or is a member of its owner)");
    expect(await failureOf(asOwner.db, sql`delete from audit.access_log`)).toMatch(/append-only: DELETE/);
    expect(await logRows()).toEqual(["officer-18 req-18-10"]);
  });
});

describe("opening a PostgreSQL database with an owner to migrate as (HUB_MIGRATE_DATABASE_URL)", () => {
  const name = `hub_roles_${process.pid}_${Date.now()}`;
  let serving: Database | null = null;

  afterAll(async () => {
    await serving?.close();
    await adminQuery(inject("postgresAdminUrl"), `drop database if exists ${name} with (force)`);
  });

  function configFor(env: Record<string, string>) {
    return loadConfig(
      { HUB_JWT_SECRET: "s".repeat(32), HUB_GATEWAY_SECRET: "g".repeat(32), ...env },
      process.cwd(),
      () => {},
    );
  }

  it("#18.10 migrates an empty database as the owner and serves as a role that cannot alter the log", async () => {
    const roles = inject("postgresRoles");
    await adminQuery(inject("postgresAdminUrl"), `create database ${name} owner ${roles.owner}`);
    const servingUrl = withDatabase(inject("postgresServingUrl"), name);
    const ownerUrl = withDatabase(inject("postgresOwnerUrl"), name);

    // Production refuses to serve as a role that could alter the log (here: the owner, for both).
    const warnings: string[] = [];
    await expect(
      openMigratedDatabase(
        configFor({ NODE_ENV: "production", DATABASE_URL: ownerUrl, HUB_MIGRATE_DATABASE_URL: ownerUrl }),
        {
          warn: (m) => warnings.push(m),
        },
      ),
    ).rejects.toThrow(/serving role .* could alter or erase the access log: it owns audit.access_log/);
    expect(configProblems({ NODE_ENV: "production", DATABASE_URL: servingUrl })).toEqual([
      expect.stringMatching(/^HUB_MIGRATE_DATABASE_URL must be set in production with DATABASE_URL/),
    ]);

    serving = await openMigratedDatabase(
      configFor({ NODE_ENV: "production", DATABASE_URL: servingUrl, HUB_MIGRATE_DATABASE_URL: ownerUrl }),
      { warn: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([]);
    const schemas = await queryRows<{ name: string; owner: string }>(
      serving.db,
      sql`select nspname as name, pg_get_userbyid(nspowner) as owner from pg_namespace
           where nspname in ('audit', 'household', 'health', 'education', 'insurance', 'hub', 'ingest') order by 1`,
    );
    expect(schemas).toHaveLength(7);
    for (const schema of schemas) expect(schema.owner, schema.name).toBe(roles.owner);
    expect(await accessLogPowers(serving.db)).toEqual([]);
    // It serves: writes department rows, writes and reads the log…
    await serving.db.execute(
      sql`insert into household.persons (record_id, name, sex, birth_date, registration_kind, hukou_region_code)
          values ('p-18-10', '王小明', 'M', '2020-01-01', 'LOCAL_HUKOU', '330106')`,
    );
    // It may not ANALYZE (only an owner may), yet gathers statistics after a bulk write through the owner's function.
    const reltuples = async () =>
      (
        await queryRows<{ n: number }>(
          serving!.db,
          sql`select reltuples::int as n from pg_class where oid = 'household.persons'::regclass`,
        )
      )[0]!.n;
    await serving.db.execute(sql`analyze household.persons`);
    expect(await reltuples()).toBe(-1);
    await analyzeTables(serving.db, [persons]);
    expect(await reltuples()).toBe(1);
    const audit = createAuditRecorder(serving.db, officer, { requestId: "req-open" });
    audit.record([1], ["Child.name"]);
    await expect(audit.flush()).resolves.toMatchObject({ written: true });
    // …and cannot touch it otherwise.
    for (const { name: attack, statement } of ATTACKS.filter((a) => !a.name.startsWith("become")))
      expect(await failureOf(serving.db, statement(roles.owner)), attack).toMatch(
        /permission denied|must be owner|must be superuser/,
      );
    await expect(dropEverything(serving)).rejects.toThrow(/seed --reset/);
  });
});

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig({ HUB_JWT_SECRET: "s".repeat(32), HUB_GATEWAY_SECRET: "g".repeat(32), ...env }, process.cwd(), () => {});
  } catch (error) {
    return [...((error as { problems?: string[] }).problems ?? [String(error)])];
  }
  return [];
}

/** The database's refusal of a statement (drizzle wraps the driver's error), or a failure if it ran. */
async function failureOf(db: Db, statement: SQL): Promise<string> {
  try {
    await db.execute(statement);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return "it ran";
}
