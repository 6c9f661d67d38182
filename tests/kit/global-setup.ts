import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { createDatabase } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";

/**
 * Runs once per `vitest run`: migrates one PGlite database and one PostgreSQL database, which
 * every test file then clones (PGlite data-dir dump, CREATE DATABASE … TEMPLATE) instead of
 * paying for start-up and migrations again.
 *
 * PostgreSQL: DATABASE_URL when set (CI starts a server and exports it); otherwise a throwaway
 * cluster from .ci/pg-server.sh on a free loopback port, stopped at the end.
 */
declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    postgresAdminUrl: string;
    postgresTemplateDb: string;
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
  await adminQuery(adminUrl, `drop database if exists ${templateDb}`);
  await adminQuery(adminUrl, `create database ${templateDb}`);
  const server = await createDatabase({ kind: "postgres", url: withDatabase(adminUrl, templateDb), poolSize: 2 });
  await migrateDatabase(server, migrationsDir);
  await server.close();

  project.provide("pgliteTemplatePath", templatePath);
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplateDb", templateDb);

  return async () => {
    await adminQuery(adminUrl, `drop database if exists ${templateDb} with (force)`).catch(() => {});
    stopServer();
    execFileSync("rm", ["-rf", tmp]);
  };
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
