import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase, queryRows, type Database } from "../../src/db/client.ts";
import { writeRegistrationFile } from "../../src/generator/registration-file.ts";
import { ENGINES, type Engine } from "../kit/database.ts";
import { adminQuery, withDatabase } from "../kit/global-setup.ts";

const ROWS = 20_000;
const CHUNK = 2_000;
const root = path.resolve(import.meta.dirname, "../..");

interface Run {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The import command as its own process. Node with tsx's loader rather than `npx tsx`: npx runs
 * the importer as a grandchild, and a SIGKILL to npx would leave the importer running.
 */
function runImport(file: string, env: NodeJS.ProcessEnv, killAfterCommittedChunks?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/bin/import.ts", "--department", "education", "--file", file, "--chunk", String(CHUNK)],
      {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
      if (killAfterCommittedChunks !== undefined && committedChunks(stdout).length >= killAfterCommittedChunks)
        child.kill("SIGKILL");
    });
    child.stderr.on("data", (data: Buffer) => void (stderr += data.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`import exited with ${code}: ${stderr}`));
      else resolve({ stdout, code, signal });
    });
  });
}

/** "chunk 3 committed: lines 4002–6001, …" → the lines each committed chunk's rows start on. */
function committedChunks(stdout: string): { first: number; last: number }[] {
  return [...stdout.matchAll(/^chunk \d+ committed: lines (\d+)–(\d+),/gm)].map((m) => ({
    first: Number(m[1]),
    last: Number(m[2]),
  }));
}

/** Line `n` of the generated file holds record SYN-(n − 2): one header line, rows from 0. */
const recordIdsOf = (c: { first: number; last: number }) =>
  Array.from({ length: c.last - c.first + 1 }, (_, i) => `SYN-${c.first - 2 + i}`);

/** Where the child imports to: its database is opened by the test only while no child runs (PGlite is one process). */
async function target(
  engine: Engine,
  dir: string,
): Promise<{ env: NodeJS.ProcessEnv; open(): Promise<Database>; drop(): Promise<void> }> {
  if (engine === "pglite") {
    const dataDir = path.join(dir, "data");
    return {
      env: { HUB_DATA_DIR: dataDir, DATABASE_URL: "" },
      open: () => createDatabase({ kind: "pglite", dataDir }),
      drop: async () => {},
    };
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `hub_kill_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject("postgresTemplateDb")}`);
  const url = withDatabase(adminUrl, name);
  return {
    env: { DATABASE_URL: url },
    open: () => createDatabase({ kind: "postgres", url, poolSize: 2 }),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

describe.each(ENGINES)("an import killed part-way on %s", (engine) => {
  let dir: string;
  let file: string;
  let into: Awaited<ReturnType<typeof target>>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "hub-kill-"));
    file = path.join(dir, "education.student_registration.csv");
    await writeRegistrationFile(file, { rows: ROWS, seed: 3 });
    into = await target(engine, dir);
  });
  afterAll(async () => {
    await into?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "loses no committed chunk, and a second run finishes the file with no row twice",
    { timeout: 600_000 },
    async () => {
      const killed = await runImport(file, into.env, 1);
      expect(killed.signal).toBe("SIGKILL");
      const acknowledged = committedChunks(killed.stdout);
      expect(acknowledged.length).toBeGreaterThanOrEqual(1);
      expect(killed.stdout).not.toMatch(/^done:/m);

      let database = await into.open();
      try {
        const ids = acknowledged.flatMap(recordIdsOf);
        const [{ present }] = (await queryRows<{ present: number }>(
          database.db,
          sql`select count(*)::int as present from education.student_registrations
              where record_id = any(${sql.param(ids)}::text[])`,
        )) as [{ present: number }];
        expect(present).toBe(ids.length);
        // A chunk is one transaction: the database holds whole chunks, never part of one.
        const [{ stored }] = (await queryRows<{ stored: number }>(
          database.db,
          sql`select count(*)::int as stored from education.student_registrations`,
        )) as [{ stored: number }];
        expect(stored % CHUNK).toBe(0);
        expect(stored).toBeGreaterThanOrEqual(ids.length);
      } finally {
        await database.close();
      }

      const rerun = await runImport(file, into.env);
      expect(rerun.code).toBe(0);
      const done =
        /^done: ([\d,]+) rows read, ([\d,]+) new, ([\d,]+) updated, ([\d,]+) unchanged, ([\d,]+) rejected/m.exec(
          rerun.stdout,
        );
      const [read, fresh, updated, unchanged, rejected] = done!.slice(1).map((n) => Number(n.replaceAll(",", "")));
      expect({ read, updated, rejected }).toEqual({ read: ROWS, updated: 0, rejected: 0 });
      expect(unchanged).toBeGreaterThanOrEqual(acknowledged.length * CHUNK);
      expect(fresh! + unchanged!).toBe(ROWS);

      database = await into.open();
      try {
        const synthetic = Array.from({ length: ROWS }, (_, i) => `SYN-${i}`);
        const [counts] = await queryRows<{
          rows: number;
          ids: number;
          expected: number;
          links: number;
          linked: number;
          children: number;
        }>(
          database.db,
          sql`select (select count(*)::int from education.student_registrations) as rows,
                   (select count(distinct record_id)::int from education.student_registrations) as ids,
                   (select count(*)::int from education.student_registrations
                     where record_id = any(${sql.param(synthetic)}::text[])) as expected,
                   (select count(*)::int from hub.links
                     where source = 'education.student' and unlinked_at is null) as links,
                   (select count(distinct record_id)::int from hub.links
                     where source = 'education.student' and unlinked_at is null) as linked,
                   (select count(*)::int from hub.children) as children`,
        );
        // Every row of the file once, each linked once, to one child each (every row is a different student).
        expect(counts).toEqual({ rows: ROWS, ids: ROWS, expected: ROWS, links: ROWS, linked: ROWS, children: ROWS });
      } finally {
        await database.close();
      }
    },
  );
});
