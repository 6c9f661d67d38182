import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.ts";
import { DataDirInUseError, LOCK_FILE, pgliteShutDownCleanly } from "../../src/db/pglite-lock.ts";
import { headersFor } from "../kit/auth.ts";
import {
  killIfRunning,
  postGraphQL,
  runEntryPoint,
  seedPgliteDir,
  startHubProcess,
  type HubProcess,
} from "../server/processes.ts";

/**
 * Issue 23, item 1: two processes on one PGlite directory lost 6,682 of 6,982 acknowledged rows.
 * Whoever opens the directory first holds it; a second opener, in the same process or another,
 * is refused with a message that says who holds it and what to do instead.
 */
const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const READ = { query: '{ childrenInRegion(region: "33", first: 2) { edges { node { id name } } } }' };

describe("one process per PGlite directory", () => {
  let tmp: string;
  let hub: HubProcess | undefined;
  const open: Database[] = [];

  beforeAll(() => void (tmp = mkdtempSync(path.join(tmpdir(), "hub-lock-"))));
  afterEach(async () => {
    await killIfRunning(hub);
    for (const database of open.splice(0)) await database.close();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function openDir(dataDir: string, warn?: (m: string) => void): Promise<Database> {
    const database = await createDatabase({ kind: "pglite", dataDir }, { warn });
    open.push(database);
    return database;
  }

  it("refuses a second opening in the same process while the first keeps working, and frees it on close", async () => {
    const dir = path.join(tmp, "in-process");
    const first = await openDir(dir);
    await first.pglite!.exec("create table kept (n int); insert into kept values (1)");

    const second = createDatabase({ kind: "pglite", dataDir: dir });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(
      new RegExp(`is in use by process ${process.pid} \\(.*this very process.*stop it first, or import through`, "i"),
    );

    const { rows } = await first.pglite!.query<{ n: number }>("select n from kept");
    expect(rows).toEqual([{ n: 1 }]);
    await first.close();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    const reopened = await openDir(dir);
    expect((await reopened.pglite!.query("select n from kept")).rows).toEqual([{ n: 1 }]);
  });

  it("refuses `npm run import` on a running hub's directory, naming the hub, and the hub keeps serving", async () => {
    const dir = path.join(tmp, "hub-and-import");
    await seedPgliteDir(dir);
    const started = await startHubProcess({ HUB_DATA_DIR: dir });
    hub = started.hub;
    const file = path.join(tmp, "household.person.csv");
    writeFileSync(file, "record_id,name\nP-1,someone\n");

    const importer = runEntryPoint("src/bin/import.ts", ["--department", "household", "--file", file], {
      HUB_DATA_DIR: dir,
    });
    const exit = await importer.exited;

    expect(exit.code).not.toBe(0);
    expect(importer.output()).toContain(
      `the PGlite directory ${dir} is in use by process ${hub.pid} (src/bin/start.ts`,
    );
    expect(importer.output()).toMatch(/stop it first, or import through the running hub's GraphQL API/i);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: hub.pid });
    const answer = await postGraphQL(started.url, READ, await headersFor(OFFICER));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).not.toHaveProperty("errors");
  });

  it("takes over the lock of a hub killed with SIGKILL, says so, and recovers what it had written", async () => {
    const dir = path.join(tmp, "killed");
    await seedPgliteDir(dir);
    const started = await startHubProcess({ HUB_DATA_DIR: dir });
    hub = started.hub;
    // A read writes its access-log row before the answer leaves: acknowledged, so it must survive.
    const answer = await postGraphQL(started.url, READ, await headersFor(OFFICER));
    expect(answer.status).toBe(200);

    hub.child.kill("SIGKILL");
    await hub.exited;
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: hub.pid });
    expect(pgliteShutDownCleanly(dir)).toBe(false);

    const warnings: string[] = [];
    const database = await openDir(dir, (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`took over the PGlite directory ${dir} from process ${hub.pid} (src/bin/start.ts`);
    expect(warnings[0]).toMatch(/no longer running; it was not shut down cleanly/);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    const { rows } = await database.pglite!.query<{ n: number }>(
      "select count(*)::int as n from audit.access_log where actor = 'test-insurance-officer'",
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);

    await database.close();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(pgliteShutDownCleanly(dir)).toBe(true);
  });
});
