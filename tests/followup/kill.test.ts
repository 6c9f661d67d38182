import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase, queryRows, type Database } from "../../src/db/client.ts";
import { enqueueNotifications, type NewNotification } from "../../src/followup/outbox.ts";
import { builders, type BuiltFamilyDoctor } from "../kit/builders.ts";
import { ENGINES, type Engine } from "../kit/database.ts";
import { adminQuery, withDatabase } from "../kit/global-setup.ts";
import { killIfRunning, runEntryPoint, type HubProcess } from "../server/processes.ts";
import { startSmsGateway, startWebhookReceiver } from "./receivers.ts";

/**
 * Issue 21's acceptance: kill the dispatcher (SIGKILL) at random points 20 times while
 * notifications are due; afterwards every notification has been delivered exactly once, counted
 * at the stand-in receivers. The receivers apply each key once (what the outbox asks of every
 * receiver, src/followup/outbox.ts): what this proves is that no notification is lost, none is
 * given up, every repeat on the wire carries the same key and a valid signature, and the outbox
 * ends with every notification DELIVERED and no attempt left in flight.
 */
const KILLS = 20;
const NOTIFICATIONS = 450;
/** Claimed at a time by a dispatcher: what one kill can leave sent but not recorded. */
const BATCH = 6;
const SECRET = "kill-test-webhook-secret-0123456789abcdef";
const API_KEY = "kill-test-sms-key";
/** The doctors' numbers: none may appear in the dispatcher's output. */
const PHONES = ["13900000011", "13900000022", "13900000033"];

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Target {
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** The database the dispatcher processes share; the test opens it only while none runs (PGlite is one process). */
async function target(engine: Engine, dir: string): Promise<Target> {
  if (engine === "pglite") {
    const dataDir = path.join(dir, "data");
    const template = new Blob([readFileSync(inject("pgliteTemplatePath"))]);
    let first = true;
    return {
      env: { HUB_DATA_DIR: dataDir },
      open: () => {
        const options = first ? { loadDataDir: template } : {};
        first = false;
        return createDatabase({ kind: "pglite", dataDir }, options);
      },
      drop: async () => {},
    };
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `hub_dispatch_kill_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject("postgresTemplateDb")}`);
  const url = withDatabase(adminUrl, name);
  return {
    env: { DATABASE_URL: url },
    open: () => createDatabase({ kind: "postgres", url, poolSize: 2 }),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

describe.each(ENGINES)("the dispatcher killed at random points on %s", (engine) => {
  let dir: string;
  let into: Target;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
  let running: HubProcess | undefined;
  const keys: string[] = [];
  const seed = Number(process.env.HUB_KILL_SEED ?? Date.now() % 1_000_000);
  const random = seeded(seed);
  let failuresAnswered = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "hub-dispatch-kill-"));
    into = await target(engine, dir);
    webhook = await startWebhookReceiver(SECRET);
    gateway = await startSmsGateway(API_KEY);
    // Answers take 2–20 ms, and one first arrival in ten fails with a 500: kills land before,
    // during and after requests, and between a 2xx and the commit that records it.
    const answer = (_key: string, arrival: number) => {
      if (arrival === 1 && random() < 0.1) {
        failuresAnswered += 1;
        return { status: 500 };
      }
      return { status: 200, delayMs: 2 + Math.floor(random() * 18) };
    };
    webhook.answer = answer;
    gateway.answer = answer;

    const database = await into.open();
    try {
      const build = builders(database.db);
      const doctors: BuiltFamilyDoctor[] = [];
      for (const phone of PHONES) doctors.push(await build.familyDoctor({ phone }));
      const rows: NewNotification[] = Array.from({ length: NOTIFICATIONS }, (_, i) => {
        const sms = i % 4 === 0;
        return {
          idempotencyKey: `kill:${i}`,
          channel: sms ? "sms" : "webhook",
          kind: "MESSAGE",
          recipientActor: sms ? "FAMILY_DOCTOR" : "SCHOOL",
          recipientCode: sms ? doctors[i % doctors.length]!.code : `33010601${String(i % 100).padStart(2, "0")}`,
          payload: { n: i },
          dueAt: new Date(Date.now() - 60_000),
        };
      });
      expect(await enqueueNotifications(database.db, rows)).toBe(NOTIFICATIONS);
      keys.push(...rows.map((r) => r.idempotencyKey));
    } finally {
      await database.close();
    }
  });

  afterAll(async () => {
    await killIfRunning(running);
    await webhook?.close();
    await gateway?.close();
    await into?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const effects = () => webhook.effects.size + gateway.effects.size;
  /** Resolves once `count` more requests have arrived at the receivers. */
  const arrivals = (count: number) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      const arrived = () => {
        if (++seen < count) return;
        webhook.onArrival = gateway.onArrival = null;
        resolve();
      };
      webhook.onArrival = gateway.onArrival = arrived;
    });
  const env = () => ({
    ...into.env,
    HUB_WEBHOOK_URL: webhook.url,
    HUB_WEBHOOK_SECRET: SECRET,
    HUB_SMS_GATEWAY_URL: gateway.url,
    HUB_SMS_API_KEY: API_KEY,
    HUB_DISPATCH_TIMEOUT_MS: "1000",
    HUB_DISPATCH_LEASE_MS: "1500",
    HUB_DISPATCH_BACKOFF_MS: "20",
    HUB_DISPATCH_BACKOFF_MAX_MS: "200",
    // Every kill is an attempt that never finished; none of these may run out.
    HUB_DISPATCH_MAX_ATTEMPTS: "1000",
    HUB_DISPATCH_BATCH: String(BATCH),
    HUB_DISPATCH_CONCURRENCY: "3",
    HUB_DISPATCH_POLL_MS: "20",
  });

  it(`delivers every notification exactly once (seed ${seed})`, { timeout: 600_000 }, async () => {
    let output = "";
    const dueAtKill: number[] = [];
    const startMs: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const spawned = Date.now();
      running = runEntryPoint("src/bin/dispatch.ts", [], env());
      await running.waitFor(/"msg":"dispatcher started"/, 60_000);
      startMs.push(Date.now() - spawned);
      // A random point of its work: after 1 to 15 more requests reached the receivers, and 0 to
      // 15 ms more, so the kill falls while requests are in flight, answers are being recorded
      // or the next batch claimed.
      const died = running.exited.then(() => {
        throw new Error(`the dispatcher exited before it was killed:\n${running!.output()}`);
      });
      await Promise.race([arrivals(1 + Math.floor(random() * 15)), died]);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 16)));
      dueAtKill.push(NOTIFICATIONS - effects());
      running.child.kill("SIGKILL");
      const exit = await running.exited;
      expect(exit.signal).toBe("SIGKILL");
      output += running.output();
    }
    // Every kill struck while notifications were due.
    expect(dueAtKill.every((due) => due > 0)).toBe(true);

    running = runEntryPoint("src/bin/dispatch.ts", ["--exit-when-done"], env());
    const finished = await running.exited;
    output += running.output();
    expect(finished.code, running.output()).toBe(0);

    // Told to stop (SIGTERM), an idle dispatcher stops gracefully: exit 0, the database closed.
    running = runEntryPoint("src/bin/dispatch.ts", [], env());
    await running.waitFor(/"msg":"dispatcher started"/, 60_000);
    running.child.kill("SIGTERM");
    const stopped = await running.exited;
    output += running.output();
    expect(stopped.code, running.output()).toBe(0);
    expect(running.output()).toMatch(/"msg":"dispatcher stopped"/);

    // Counted at the receivers: every key took effect once, no unknown key, nothing refused.
    const byKey = keys.map((k) => (webhook.effects.get(k) ?? 0) + (gateway.effects.get(k) ?? 0));
    expect(byKey.filter((n) => n !== 1)).toEqual([]);
    expect(effects()).toBe(NOTIFICATIONS);
    expect(webhook.refused).toEqual([]);
    expect(gateway.refused).toEqual([]);
    expect([...gateway.numbers.values()].every((to) => PHONES.includes(to))).toBe(true);
    for (const phone of PHONES) expect(output).not.toContain(phone);

    const database = await into.open();
    try {
      const [counts] = await queryRows<{ delivered: number; other: number; in_flight: number; unlogged: number }>(
        database.db,
        sql`select (select count(*)::int from hub.notifications where state = 'DELIVERED') as delivered,
                   (select count(*)::int from hub.notifications where state <> 'DELIVERED') as other,
                   (select count(*)::int from hub.notification_deliveries where outcome = 'IN_FLIGHT') as in_flight,
                   (select count(*)::int from hub.notifications n
                     where n.attempts <> (select count(*) from hub.notification_deliveries d
                                           where d.notification_id = n.id)) as unlogged`,
      );
      expect(counts).toEqual({ delivered: NOTIFICATIONS, other: 0, in_flight: 0, unlogged: 0 });
    } finally {
      await database.close();
    }
    // Sent again because of a kill: at most what each killed dispatcher had claimed. Every other
    // request on the wire is a first delivery or the retry of an injected 500.
    const wire = [...webhook.arrivals.values(), ...gateway.arrivals.values()].reduce((a, b) => a + b, 0);
    const resentAfterKills = wire - NOTIFICATIONS - failuresAnswered;
    expect(resentAfterKills).toBeGreaterThanOrEqual(0);
    expect(resentAfterKills).toBeLessThanOrEqual(KILLS * BATCH);
    console.log(
      `${engine}: ${KILLS} kills (seed ${seed}), ${NOTIFICATIONS} notifications, ${wire} requests on the wire ` +
        `(${failuresAnswered} retries of a 500, ${resentAfterKills} resent after a kill), ` +
        `due at each kill: ${dueAtKill.join(" ")}; ms from spawn to started: ${startMs.join(" ")}`,
    );
  });
});
