import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.ts";
import { adminQuery, withDatabase } from "./global-setup.ts";

export const ENGINES = ["pglite", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

export interface TestDatabase extends Database {
  readonly engine: Engine;
}

/**
 * A fresh, migrated, empty database of its own for one test file (or one test): a clone of
 * the template global-setup migrated, so tests can run in parallel without sharing rows.
 */
export async function openTestDatabase(
  engine: Engine,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<TestDatabase> {
  if (engine === "pglite") {
    const dump = new Blob([readFileSync(inject("pgliteTemplatePath"))]);
    const database = await createDatabase(
      { kind: "pglite", dataDir: null },
      { loadDataDir: dump, onQuery: options.onQuery },
    );
    return { ...database, engine };
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `hub_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject("postgresTemplateDb")}`);
  const database = await createDatabase(
    { kind: "postgres", url: withDatabase(adminUrl, name), poolSize: 4 },
    { onQuery: options.onQuery },
  );
  return {
    ...database,
    engine,
    close: async () => {
      await database.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
