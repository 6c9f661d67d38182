import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import type { AttemptResult, DeliveryAdapter, OutgoingNotification } from "./adapter.ts";
import { nextStep, type RetryPolicy } from "./backoff.ts";
import { claimDue, finishAttempt } from "./outbox.ts";

export interface DispatcherOptions {
  db: Db;
  adapters: readonly DeliveryAdapter[];
  retry: RetryPolicy;
  /** Notifications claimed at a time. */
  batchSize: number;
  /** Attempts in flight at once, within a batch. */
  concurrency: number;
  /** How long a claim holds: more than an adapter's timeout. */
  leaseMs: number;
  /** Sleep between polls when nothing is due. */
  pollMs: number;
  /** Written into claims and the delivery log (default: a random name). */
  name?: string;
  /** Told about every finished batch (the CLI logs it). */
  onBatch?: (summary: BatchSummary) => void;
  /** Return once the outbox holds no PENDING notification (`npm run dispatch -- --exit-when-done`). */
  exitWhenDone?: boolean;
  /** Told when a batch fails (the database unreachable, …); the dispatcher waits (pollMs, at least 1 s) and goes on. */
  onError?: (error: unknown) => void;
}

export interface BatchSummary {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

/** A name for a dispatcher's claims: host-independent and short. */
export function dispatcherName(): string {
  return `dispatcher-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * Claims one batch of due notifications, attempts each once through its channel's adapter, and
 * records every outcome (outbox.ts). Returns what happened; `claimed: 0` when nothing was due.
 *
 *   await dispatchOnce({ db, adapters: [webhook], retry: DEFAULT_RETRY_POLICY, batchSize: 20, … })
 *   // { claimed: 3, delivered: 2, retried: 1, failed: 0 }
 */
export async function dispatchOnce(options: DispatcherOptions & { name: string }): Promise<BatchSummary> {
  const byChannel = new Map(options.adapters.map((a) => [a.channel, a]));
  const claimed = await claimDue(options.db, {
    dispatcher: options.name,
    limit: options.batchSize,
    leaseMs: options.leaseMs,
    maxAttempts: options.retry.maxAttempts,
    channels: [...byChannel.keys()],
  });
  const summary: BatchSummary = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < claimed.length; i = next++) {
      const n = claimed[i]!;
      const started = performance.now();
      const result = await attempt(byChannel.get(n.channel)!, n);
      const step = result.outcome === "DELIVERED" ? null : nextStep(n.attempt, result.outcome, options.retry, result);
      await finishAttempt(options.db, n, result, step, {
        dispatcher: options.name,
        durationMs: performance.now() - started,
      });
      if (result.outcome === "DELIVERED") summary.delivered += 1;
      else if (step?.kind === "retry") summary.retried += 1;
      else summary.failed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, claimed.length)) }, worker));
  return summary;
}

/** An adapter's one attempt; an adapter that throws (a bug, a directory lookup failing) is a failure to retry. */
async function attempt(adapter: DeliveryAdapter, n: OutgoingNotification): Promise<AttemptResult> {
  try {
    return await adapter.deliver(n);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      outcome: "RETRY",
      httpStatus: null,
      error: `adapter failed: ${message}`.slice(0, 200),
      retryAfterMs: null,
    };
  }
}

/**
 * Runs the dispatcher until `signal` aborts: claim a batch, deliver it, and poll again after
 * `pollMs` when nothing was due. Stopping is graceful: no new batch is claimed, the attempts in
 * flight finish and are recorded, then the promise resolves. A dispatcher killed instead loses
 * nothing: its claims expire (or, on PGlite, are freed at the next start) and the notifications
 * are sent again with their idempotency keys.
 */
export async function runDispatcher(options: DispatcherOptions, signal: AbortSignal): Promise<void> {
  const name = options.name ?? dispatcherName();
  while (!signal.aborted) {
    try {
      const summary = await dispatchOnce({ ...options, name });
      if (summary.claimed > 0) options.onBatch?.(summary);
      if (summary.claimed === 0 && options.exitWhenDone && (await pendingCount(options.db)) === 0) return;
      if (summary.claimed < options.batchSize) await sleep(options.pollMs, signal);
    } catch (error) {
      // What was claimed stays claimed until its lease runs out, then another round sends it.
      options.onError?.(error);
      await sleep(Math.max(options.pollMs, 1_000), signal);
    }
  }
}

/** Notifications not yet delivered or given up: due, waiting for a retry, or claimed. */
export async function pendingCount(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from hub.notifications where state = 'PENDING'`,
  );
  return Number(row?.n ?? 0);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
