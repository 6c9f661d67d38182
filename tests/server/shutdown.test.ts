import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client.ts";
import { LOCK_FILE, pgliteShutDownCleanly } from "../../src/db/pglite-lock.ts";
import { headersFor } from "../kit/auth.ts";
import {
  connectionOutcome,
  killIfRunning,
  postInTwoParts,
  seedPgliteDir,
  startHubProcess,
  type HubProcess,
} from "./processes.ts";

/**
 * Issue 23, items 8 and 9: the hub as an operator runs it (its own process on a PGlite
 * directory), stopped with a real signal while a request is in flight.
 */
const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const READ = {
  query: 'query SlowRead { childrenInRegion(region: "33", first: 3) { edges { node { id name } } } }',
  operationName: "SlowRead",
};

describe("the hub stopping on a signal", () => {
  let tmp: string;
  let seeded: string;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "hub-shutdown-"));
    seeded = path.join(tmp, "seeded");
    await seedPgliteDir(seeded);
  });
  afterEach(async () => killIfRunning(hub));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A copy of the seeded directory for one test: each hub starts from the same state. */
  function dataDir(name: string): string {
    const dir = path.join(tmp, name);
    cpSync(seeded, dir, { recursive: true });
    return dir;
  }

  it("on SIGTERM finishes the request in flight, refuses new connections, closes PGlite and exits 0", async () => {
    const dir = dataDir("sigterm");
    const started = await startHubProcess({ HUB_DATA_DIR: dir, HUB_SHUTDOWN_GRACE_MS: "8000", HUB_LOG: "json" });
    hub = started.hub;
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);

    // A slow client: its request has begun (headers and part of the body are in) when the signal comes.
    const body = JSON.stringify(READ);
    const slow = postInTwoParts(started.url, body, await headersFor(OFFICER), 20);
    await delay(300);
    const signalled = Date.now();
    hub.child.kill("SIGTERM");
    await hub.waitFor(/received SIGTERM: stopping/, 5_000);
    await hub.waitFor(/http: stopping/, 5_000);

    expect(await connectionOutcome(started.port)).toBe("ECONNREFUSED");
    expect(hub.child.exitCode).toBeNull(); // still draining: the slow request is not done

    slow.rest();
    const answer = await slow.answer;
    expect(answer.status).toBe(200);
    const result = JSON.parse(answer.body) as { data?: { childrenInRegion: { edges: unknown[] } }; errors?: unknown };
    expect(result.errors).toBeUndefined();
    expect(result.data!.childrenInRegion.edges.length).toBeGreaterThan(0);

    const exit = await hub.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(8_000);
    // The request's access-log line got out before the exit, and the stop says it was clean.
    expect(hub.output()).toMatch(/"operationName":"SlowRead"/);
    expect(hub.output()).toMatch(/stopped cleanly/);

    // PGlite wrote its shutdown checkpoint and let go of the directory: the next opener needs
    // no recovery and takes over no lock.
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(pgliteShutDownCleanly(dir)).toBe(true);
    const warnings: string[] = [];
    const again = await createDatabase({ kind: "pglite", dataDir: dir }, { warn: (m) => warnings.push(m) });
    try {
      const { rows } = await again.pglite!.query<{ n: number }>("select count(*)::int as n from household.persons");
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
    expect(warnings).toEqual([]);
  });

  it("on SIGINT cuts a request that overruns HUB_SHUTDOWN_GRACE_MS, and still closes PGlite and exits 0", async () => {
    const dir = dataDir("sigint");
    const started = await startHubProcess({ HUB_DATA_DIR: dir, HUB_SHUTDOWN_GRACE_MS: "1000" });
    hub = started.hub;

    // A client that never finishes its body: the grace runs out, its connection is cut.
    const stuck = postInTwoParts(started.url, JSON.stringify(READ), await headersFor(OFFICER), 20);
    const outcome = stuck.answer.then(
      (answer) => `answered ${answer.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await delay(300);
    const signalled = Date.now();
    hub.child.kill("SIGINT");

    const exit = await hub.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled).toBeGreaterThanOrEqual(900);
    expect(exit.at - signalled).toBeLessThan(6_000);
    expect(await outcome).toBe("ECONNRESET");
    expect(hub.output()).toMatch(/1 request\(s\) still running after 1000 ms were cut off/);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(pgliteShutDownCleanly(dir)).toBe(true);
  });
});
