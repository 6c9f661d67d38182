import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.ts";
import { adminQuery, withDatabase } from "./global-setup.ts";

const ALL_ENGINES = ["pglite", "postgres"] as const;
export type Engine = (typeof ALL_ENGINES)[number];
/**
 * The engines every database suite runs on: both, unless HUB_TEST_ENGINES=pglite asks for the
 * PGlite half alone (CI's extra runs on Node 22 and 24, .ci/run).
 */
export const ENGINES: readonly Engine[] = process.env.HUB_TEST_ENGINES === "pglite" ? ["pglite"] : ALL_ENGINES;

export interface TestDatabase extends Database {
  readonly engine: Engine;
  /**
   * The same database as the role that owns its schemas, for what a test does behind the hub's
   * back (a migration run again, a constraint added to make writes fail): on PostgreSQL the test
   * database itself is the serving role's, which may not. On PGlite (one superuser) it is the
   * test database itself. Closed with the test database.
   */
  owner(): Promise<Database>;
}

/**
 * A fresh, migrated, empty database of its own for one test file (or one test): a clone of
 * the template global-setup migrated, so tests can run in parallel without sharing rows.
 *
 * On PostgreSQL it is served as production serves (README, Configuration): connected as the
 * serving role, which owns nothing and may only insert into and read the access log. The
 * database is owned by the owner role; the serving role may also create schemas in it, which
 * only the synthetic province's generator needs (its `truth` schema of ground truth).
 */
export async function openTestDatabase(
  engine: Engine,
  options: { onQuery?: (sql: string) => void; traceSql?: boolean } = {},
): Promise<TestDatabase> {
  if (engine === "pglite") {
    const dump = new Blob([readFileSync(inject("pgliteTemplatePath"))]);
    const database = await createDatabase(
      { kind: "pglite", dataDir: null },
      { loadDataDir: dump, onQuery: options.onQuery, traceSql: options.traceSql },
    );
    const self: TestDatabase = { ...database, engine, owner: async () => self };
    return self;
  }
  const adminUrl = inject("postgresAdminUrl");
  const roles = inject("postgresRoles");
  const name = `hub_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, [
    `create database ${name} template ${inject("postgresTemplateDb")} owner ${roles.owner}`,
    `grant create on database ${name} to ${roles.serving}`,
  ]);
  const database = await createDatabase(
    { kind: "postgres", url: withDatabase(inject("postgresServingUrl"), name), poolSize: 4 },
    { onQuery: options.onQuery, traceSql: options.traceSql },
  );
  let owner: Promise<Database> | null = null;
  return {
    ...database,
    engine,
    owner: () =>
      (owner ??= createDatabase({
        kind: "postgres",
        url: withDatabase(inject("postgresOwnerUrl"), name),
        poolSize: 2,
      })),
    close: async () => {
      await database.close();
      if (owner) await (await owner).close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
