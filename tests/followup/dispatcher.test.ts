import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/db/client.ts";
import { recordsPhoneDirectory } from "../../src/followup/directory.ts";
import { dispatchOnce, pendingCount, runDispatcher, type DispatcherOptions } from "../../src/followup/dispatcher.ts";
import { claimDue, enqueueNotifications, type NewNotification } from "../../src/followup/outbox.ts";
import { createSmsAdapter } from "../../src/followup/sms.ts";
import { createWebhookAdapter } from "../../src/followup/webhook.ts";
import { builders } from "../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { startSmsGateway, startWebhookReceiver } from "./receivers.ts";

const SECRET = "stand-in-webhook-secret-0123456789abcdef";
const API_KEY = "stand-in-sms-key";

let serial = 0;
/** A notification with a fresh key: each test's keys are its own. */
function note(overrides: Partial<NewNotification> = {}): NewNotification {
  serial += 1;
  return {
    idempotencyKey: `test:${process.pid}:${serial}`,
    channel: "webhook",
    kind: "MESSAGE",
    recipientActor: "SCHOOL",
    recipientCode: "3301060101",
    payload: { note: serial },
    dueAt: new Date(Date.now() - 1_000),
    ...overrides,
  };
}

interface Row {
  state: string;
  attempts: number;
  last_error: string | null;
  delivered_at: unknown;
  claimed_by: string | null;
}
async function rowOf(db: Db, key: string): Promise<Row> {
  const [row] = await queryRows<Row & Record<string, unknown>>(
    db,
    sql`select state, attempts, last_error, delivered_at, claimed_by
          from hub.notifications where idempotency_key = ${key}`,
  );
  return row!;
}

interface LogRow {
  attempt: number;
  outcome: string;
  http_status: number | null;
  error: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
}
async function logOf(db: Db, key: string): Promise<LogRow[]> {
  return queryRows<LogRow & Record<string, unknown>>(
    db,
    sql`select d.attempt, d.outcome, d.http_status, d.error, d.started_at, d.finished_at
          from hub.notification_deliveries d join hub.notifications n on n.id = d.notification_id
         where n.idempotency_key = ${key} order by d.attempt`,
  );
}

describe.each(ENGINES)("the outbox dispatcher on %s", (engine) => {
  let database: TestDatabase;
  let db: Db;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let gateway: Awaited<ReturnType<typeof startSmsGateway>>;

  const dispatcher = (overrides: Partial<DispatcherOptions> = {}): DispatcherOptions & { name: string } => ({
    db,
    adapters: [
      createWebhookAdapter({ url: webhook.url, secret: SECRET, timeoutMs: 500 }),
      createSmsAdapter({ url: gateway.url, apiKey: API_KEY, timeoutMs: 500, directory: recordsPhoneDirectory(db) }),
    ],
    retry: { baseMs: 40, maxMs: 400, maxAttempts: 5, jitter: 0 },
    batchSize: 10,
    concurrency: 3,
    leaseMs: 5_000,
    pollMs: 20,
    name: "test-dispatcher",
    ...overrides,
  });

  /** Dispatches until nothing is pending (each backoff waited out), or fails after 20 s. */
  async function drain(options = dispatcher()): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await pendingCount(db)) > 0) {
      if (Date.now() > deadline) throw new Error("notifications still pending after 20 s");
      const { claimed } = await dispatchOnce(options);
      if (claimed === 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    db = database.db;
    webhook = await startWebhookReceiver(SECRET);
    gateway = await startSmsGateway(API_KEY);
  });
  afterAll(async () => {
    await webhook?.close();
    await gateway?.close();
    await database?.close();
  });
  afterEach(() => {
    webhook.answer = () => ({ status: 200 });
    gateway.answer = () => ({ status: 200 });
  });

  it("writes a notification once per idempotency key, however often it is written", async () => {
    const one = note();
    expect(await enqueueNotifications(db, [one])).toBe(1);
    expect(await enqueueNotifications(db, [one, { ...one, payload: { changed: true } }])).toBe(0);
    const [{ n }] = (await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from hub.notifications where idempotency_key = ${one.idempotencyKey}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
    await drain();
  });

  it("delivers a due webhook notification signed, with its idempotency key, and records the attempt", async () => {
    const one = note({ payload: { itemId: 7, dueOn: "2026-07-14" } });
    await enqueueNotifications(db, [one]);
    await drain();

    expect(webhook.refused).toEqual([]);
    expect(webhook.arrivals.get(one.idempotencyKey)).toBe(1);
    expect(webhook.effects.get(one.idempotencyKey)).toBe(1);
    expect(webhook.bodies.get(one.idempotencyKey)).toMatchObject({
      idempotencyKey: one.idempotencyKey,
      recipient: { actor: "SCHOOL", code: "3301060101" },
      payload: { itemId: 7, dueOn: "2026-07-14" },
    });
    expect(await rowOf(db, one.idempotencyKey)).toMatchObject({ state: "DELIVERED", attempts: 1, claimed_by: null });
    expect((await logOf(db, one.idempotencyKey)).map((r) => [r.attempt, r.outcome, r.http_status])).toEqual([
      [1, "DELIVERED", 200],
    ]);
  });

  it("leaves a notification that is not yet due in the outbox", async () => {
    const later = note({ dueAt: new Date(Date.now() + 3_600_000) });
    await enqueueNotifications(db, [later]);
    expect((await dispatchOnce(dispatcher())).claimed).toBe(0);
    expect(webhook.arrivals.has(later.idempotencyKey)).toBe(false);
    await db.execute(
      sql`update hub.notifications set state = 'FAILED' where idempotency_key = ${later.idempotencyKey}`,
    );
  });

  it("retries a receiver's 500s with exponential backoff, logging every attempt, until it answers 200", async () => {
    const one = note();
    webhook.answer = (key, arrival) => (key === one.idempotencyKey && arrival <= 3 ? { status: 500 } : { status: 200 });
    await enqueueNotifications(db, [one]);
    await drain();

    const log = await logOf(db, one.idempotencyKey);
    expect(log.map((r) => [r.attempt, r.outcome, r.http_status])).toEqual([
      [1, "RETRY", 500],
      [2, "RETRY", 500],
      [3, "RETRY", 500],
      [4, "DELIVERED", 200],
    ]);
    // Each retry waited at least its backoff: 40, 80, 160 ms (jitter 0) after the failure was recorded.
    const gaps = log
      .slice(1)
      .map((r, i) => new Date(r.started_at).getTime() - new Date(log[i]!.finished_at!).getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(40 - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(80 - 5);
    expect(gaps[2]).toBeGreaterThanOrEqual(160 - 5);
    expect(webhook.effects.get(one.idempotencyKey)).toBe(1);
    expect(await rowOf(db, one.idempotencyKey)).toMatchObject({ state: "DELIVERED", attempts: 4 });
  });

  it("counts no answer within the timeout as a failure, and gives up after the maximum attempts", async () => {
    const one = note();
    webhook.answer = (key) => (key === one.idempotencyKey ? "hang" : { status: 200 });
    await enqueueNotifications(db, [one]);
    await drain(dispatcher({ retry: { baseMs: 10, maxMs: 50, maxAttempts: 3, jitter: 0 } }));

    const log = await logOf(db, one.idempotencyKey);
    expect(log.map((r) => r.outcome)).toEqual(["RETRY", "RETRY", "RETRY"]);
    expect(log.every((r) => r.http_status === null && /no answer within 500 ms/.test(r.error ?? ""))).toBe(true);
    expect(await rowOf(db, one.idempotencyKey)).toMatchObject({ state: "FAILED", attempts: 3 });
    expect((await rowOf(db, one.idempotencyKey)).last_error).toMatch(/3 attempts failed/);
    expect(webhook.effects.has(one.idempotencyKey)).toBe(false);
  });

  it("gives up at once on a refusal (400), without retrying", async () => {
    const one = note();
    webhook.answer = (key) => (key === one.idempotencyKey ? { status: 400 } : { status: 200 });
    await enqueueNotifications(db, [one]);
    await drain();
    expect((await logOf(db, one.idempotencyKey)).map((r) => [r.outcome, r.http_status])).toEqual([["REJECTED", 400]]);
    expect(await rowOf(db, one.idempotencyKey)).toMatchObject({ state: "FAILED", attempts: 1 });
  });

  it("waits at least as long as a 429's Retry-After asks", async () => {
    const one = note();
    webhook.answer = (key, arrival) =>
      key === one.idempotencyKey && arrival === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 };
    await enqueueNotifications(db, [one]);
    await drain(dispatcher({ retry: { baseMs: 10, maxMs: 5_000, maxAttempts: 5, jitter: 0 } }));
    const log = await logOf(db, one.idempotencyKey);
    expect(log.map((r) => r.outcome)).toEqual(["RETRY", "DELIVERED"]);
    expect(new Date(log[1]!.started_at).getTime() - new Date(log[0]!.finished_at!).getTime()).toBeGreaterThanOrEqual(
      1_000 - 5,
    );
  });

  it("sends an SMS via the gateway to the doctor's number on record, the key as client reference", async () => {
    const doctor = await builders(db).familyDoctor({ phone: "13912345678" });
    const one = note({ channel: "sms", recipientActor: "FAMILY_DOCTOR", recipientCode: doctor.code });
    gateway.answer = (key, arrival) =>
      key === one.idempotencyKey && arrival === 1 ? { status: 503 } : { status: 200 };
    await enqueueNotifications(db, [one]);
    await drain();

    expect(gateway.refused).toEqual([]);
    expect(gateway.arrivals.get(one.idempotencyKey)).toBe(2);
    expect(gateway.effects.get(one.idempotencyKey)).toBe(1);
    expect(gateway.numbers.get(one.idempotencyKey)).toBe("13912345678");
    expect((await logOf(db, one.idempotencyKey)).map((r) => [r.outcome, r.http_status])).toEqual([
      ["RETRY", 503],
      ["DELIVERED", 200],
    ]);
    // The number is looked up when sending and never stored with the notification or its log.
    const [stored] = await queryRows<{ text: string }>(
      db,
      sql`select n::text || coalesce(string_agg(d::text, ''), '') as text
            from hub.notifications n left join hub.notification_deliveries d on d.notification_id = n.id
           where n.idempotency_key = ${one.idempotencyKey} group by n.*`,
    );
    expect(stored!.text).not.toContain("13912345678");
  });

  it("refuses an SMS to a recipient without a number on record, naming no number", async () => {
    const one = note({ channel: "sms", recipientActor: "SCHOOL", recipientCode: "3301060101" });
    await enqueueNotifications(db, [one]);
    await drain();
    expect(await rowOf(db, one.idempotencyKey)).toMatchObject({ state: "FAILED", attempts: 1 });
    expect((await logOf(db, one.idempotencyKey))[0]).toMatchObject({
      outcome: "REJECTED",
      error: "no mobile number on record for SCHOOL 3301060101",
    });
    expect(gateway.arrivals.has(one.idempotencyKey)).toBe(false);
  });

  it("lets no one claim a notification while its claim holds, and takes it over once the lease runs out", async () => {
    const one = note();
    await enqueueNotifications(db, [one]);
    const claim = { limit: 10, maxAttempts: 5, channels: ["webhook"] as const };
    const first = await claimDue(db, { ...claim, dispatcher: "first", leaseMs: 1_000 });
    expect(first.map((n) => n.idempotencyKey)).toEqual([one.idempotencyKey]);
    expect(await claimDue(db, { ...claim, dispatcher: "second", leaseMs: 1_000 })).toEqual([]);

    // "first" dies holding it: after its lease another dispatcher claims and delivers it.
    await new Promise((r) => setTimeout(r, 1_100));
    await drain(dispatcher({ name: "second" }));
    expect((await logOf(db, one.idempotencyKey)).map((r) => [r.attempt, r.outcome])).toEqual([
      [1, "ABANDONED"],
      [2, "DELIVERED"],
    ]);
    expect(webhook.effects.get(one.idempotencyKey)).toBe(1);
  });

  it("shares the outbox between dispatchers running at once without sending any notification twice", async () => {
    const many = Array.from({ length: 60 }, () => note());
    await enqueueNotifications(db, many);
    webhook.answer = () => ({ status: 200, delayMs: 5 });
    const stop = new AbortController();
    const exit = { exitWhenDone: true };
    await Promise.all([
      runDispatcher({ ...dispatcher({ name: "a", batchSize: 4 }), ...exit }, stop.signal),
      runDispatcher({ ...dispatcher({ name: "b", batchSize: 4 }), ...exit }, stop.signal),
    ]);
    // No crash, so no reason to send anything twice: each arrived exactly once on the wire.
    expect(many.map((n) => webhook.arrivals.get(n.idempotencyKey))).toEqual(many.map(() => 1));
    const [{ delivered }] = (await queryRows<{ delivered: number }>(
      db,
      sql`select count(*)::int as delivered from hub.notifications
           where state = 'DELIVERED'
             and idempotency_key = any(${sql.param(many.map((n) => n.idempotencyKey))}::text[])`,
    )) as [{ delivered: number }];
    expect(delivered).toBe(60);
  });

  it("stops gracefully when told to: the attempts in flight finish and are recorded", async () => {
    const slow = Array.from({ length: 3 }, () => note());
    await enqueueNotifications(db, slow);
    webhook.answer = () => ({ status: 200, delayMs: 300 });
    const stop = new AbortController();
    const running = runDispatcher(dispatcher({ name: "graceful", concurrency: 3 }), stop.signal);
    while (![...webhook.arrivals.keys()].some((k) => slow.some((n) => n.idempotencyKey === k)))
      await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await running;
    // Stopped mid-attempt, yet nothing was left IN_FLIGHT or claimed.
    for (const n of slow) {
      const row = await rowOf(db, n.idempotencyKey);
      expect(row.claimed_by).toBeNull();
      expect((await logOf(db, n.idempotencyKey)).map((r) => r.outcome)).not.toContain("IN_FLIGHT");
    }
    await drain();
  });
});
