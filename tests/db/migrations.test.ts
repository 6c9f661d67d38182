import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { persons } from "../../src/db/tables/household.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

const root = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(root, "migrations");
const OWN_SCHEMAS = ["audit", "education", "health", "household", "hub", "insurance"];

describe.each(ENGINES)("migrations on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(async () => database?.close());

  it("creates one schema per owner", async () => {
    const rows = await queryRows<{ schema_name: string }>(
      database.db,
      sql`select schema_name from information_schema.schemata
          where schema_name = any(${sql.param(OWN_SCHEMAS)}) order by 1`,
    );
    expect(rows.map((r) => r.schema_name)).toEqual(OWN_SCHEMAS);
  });

  it("applies cleanly a second time and changes nothing", async () => {
    // As the owner: on PostgreSQL the test database is the serving role's, which may not migrate.
    const owner = await database.owner();
    const before = await tableSnapshot(database);
    await migrateDatabase(owner, migrationsDir);
    await migrateDatabase(owner, migrationsDir);
    expect(await tableSnapshot(database)).toEqual(before);
    const applied = await queryRows<{ n: number }>(
      owner.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(applied[0]!.n).toBe(readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).length);
  });

  it("enforces the enumerations in the database, not only in code", async () => {
    const insert = database.db.insert(persons).values({
      recordId: "p-bad-sex",
      name: "王小明",
      sex: "X",
      birthDate: "2020-01-01",
      registrationKind: "LOCAL_HUKOU",
      hukouRegionCode: "330106",
    });
    expect(await failureOf(insert)).toMatch(/persons_sex_check/);
  });

  it("keeps a department's record id unique, so re-imports cannot duplicate", async () => {
    const row = {
      recordId: "p-1",
      name: "王小明",
      sex: "M",
      birthDate: "2020-01-01",
      registrationKind: "LOCAL_HUKOU",
      hukouRegionCode: "330106",
    };
    await database.db.insert(persons).values(row);
    expect(await failureOf(database.db.insert(persons).values(row))).toMatch(/persons_record_id_key/);
  });
});

/** drizzle wraps the driver's error; the constraint name is on the cause. */
async function failureOf(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const cause = (error as { cause?: { message?: string; constraint?: string } }).cause;
    return `${cause?.constraint ?? ""} ${cause?.message ?? ""}`;
  }
  return "no error";
}

async function tableSnapshot(database: TestDatabase) {
  return queryRows<{ t: string; c: string }>(
    database.db,
    sql`
    select table_schema || '.' || table_name as t,
           string_agg(column_name || ':' || data_type, ',' order by column_name) as c
    from information_schema.columns where table_schema = any(${sql.param(OWN_SCHEMAS)})
    group by 1 order by 1`,
  );
}

describe("migrations folder", () => {
  it("matches the drizzle schema (drizzle-kit generate has nothing to add)", () => {
    const scratchRoot = path.join(root, ".tmp");
    mkdirSync(scratchRoot, { recursive: true });
    const scratch = mkdtempSync(path.join(scratchRoot, "migrations-check-"));
    try {
      cpSync(migrationsDir, path.join(scratch, "migrations"), { recursive: true });
      const config = path.join(scratch, "drizzle.config.json");
      const relativeOut = path.relative(root, path.join(scratch, "migrations"));
      writeFileSync(
        config,
        JSON.stringify({ dialect: "postgresql", schema: "./src/db/schema.ts", out: `./${relativeOut}` }),
      );
      const output = execFileSync(
        path.join(root, "node_modules/.bin/drizzle-kit"),
        ["generate", `--config=${path.relative(root, config)}`],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
      const sqlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".sql"));
      expect(
        sqlFiles(path.join(scratch, "migrations")),
        "drizzle-kit generated a new migration: run `npm run gen:migrations` and commit it",
      ).toEqual(sqlFiles(migrationsDir));
      // Proves drizzle-kit really compared the schema (a crash would also add no file).
      expect(output).toContain("No schema changes");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
