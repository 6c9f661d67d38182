import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { createDatabase } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { openMigratedDatabase } from "../../src/db/open.ts";

/**
 * Runs once per `vitest run`: migrates one PGlite database and one PostgreSQL database, which
 * every test file then clones (PGlite data-dir dump, CREATE DATABASE … TEMPLATE) instead of
 * paying for start-up and migrations again.
 *
 * PostgreSQL: DATABASE_URL when set (CI starts a server and exports it); otherwise a throwaway
 * cluster from .ci/pg-server.sh on a free loopback port, stopped at the end. That URL is the
 * administrator's (it creates roles and databases). The tests run as production does
 * (README, Configuration): the template is migrated as an owner role and every test database
 * served as a separate serving role that may only insert into and read the access log — which
 * openMigratedDatabase checks here, in production mode, before any test runs.
 */
declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    postgresAdminUrl: string;
    postgresTemplateDb: string;
    /** The roles' connections to the template (tests/kit/database.ts swaps the database name). */
    postgresOwnerUrl: string;
    postgresServingUrl: string;
    postgresRoles: { owner: string; serving: string };
  }
}

const root = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(root, "migrations");

export default async function setup(project: TestProject) {
  // Under the system temp dir: a throwaway cluster's non-root owner must be able to reach it.
  const tmp = mkdtempSync(path.join(tmpdir(), "hub-vitest-"));

  const pglite = await createDatabase({ kind: "pglite", dataDir: null });
  await migrateDatabase(pglite, migrationsDir);
  const dump = await pglite.pglite!.dumpDataDir("none");
  const templatePath = path.join(tmp, "pglite-template.tar");
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();

  let adminUrl = process.env.DATABASE_URL;
  let stopServer = () => {};
  if (!adminUrl) {
    const serverDir = path.join(tmp, "postgres");
    const out = execFileSync("bash", [path.join(root, ".ci/pg-server.sh"), "start", serverDir], { encoding: "utf8" });
    adminUrl = /DATABASE_URL=(\S+)/.exec(out)?.[1];
    if (!adminUrl) throw new Error(`.ci/pg-server.sh printed no DATABASE_URL: ${out}`);
    stopServer = () => execFileSync("bash", [path.join(root, ".ci/pg-server.sh"), "stop", serverDir]);
  }
  const templateDb = `hub_template_${process.pid}`;
  const roles = { owner: `hub_owner_${process.pid}`, serving: `hub_serving_${process.pid}` };
  const ownerUrl = withRole(withDatabase(adminUrl, templateDb), roles.owner, randomBytes(12).toString("hex"));
  const servingUrl = withRole(withDatabase(adminUrl, templateDb), roles.serving, randomBytes(12).toString("hex"));
  await adminQuery(adminUrl, [
    `drop database if exists ${templateDb}`,
    `drop role if exists ${roles.serving}`,
    `drop role if exists ${roles.owner}`,
    `create role ${roles.owner} login password '${new URL(ownerUrl).password}'`,
    `create role ${roles.serving} login password '${new URL(servingUrl).password}'`,
    `create database ${templateDb} owner ${roles.owner}`,
  ]);
  // Migrated as the owner, served as the serving role, and checked as production checks it.
  const serving = await openMigratedDatabase(
    {
      database: { kind: "postgres", url: servingUrl, poolSize: 1, migrateUrl: ownerUrl },
      migrationsDir,
      production: true,
    },
    { warn: (message) => console.warn(`warning: ${message}`) },
  );
  await serving.close();
  // Scratch tables of tests (tests/db/copy.test.ts) go in public; nothing of the hub lives there.
  await adminQuery(withDatabase(adminUrl, templateDb), `grant create on schema public to ${roles.serving}`);

  project.provide("pgliteTemplatePath", templatePath);
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplateDb", templateDb);
  project.provide("postgresOwnerUrl", ownerUrl);
  project.provide("postgresServingUrl", servingUrl);
  project.provide("postgresRoles", roles);

  return async () => {
    await adminQuery(adminUrl, [
      `drop database if exists ${templateDb} with (force)`,
      `drop role if exists ${roles.serving}`,
      `drop role if exists ${roles.owner}`,
    ]).catch(() => {});
    stopServer();
    execFileSync("rm", ["-rf", tmp]);
  };
}

/** Statements run one after another (each its own transaction: CREATE DATABASE cannot run in one). */
export async function adminQuery(url: string, text: string | readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of typeof text === "string" ? [text] : text) await client.query(statement);
  } finally {
    await client.end();
  }
}

export function withRole(url: string, role: string, password?: string): string {
  const u = new URL(url);
  u.username = role;
  if (password !== undefined) u.password = password;
  return u.toString();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
