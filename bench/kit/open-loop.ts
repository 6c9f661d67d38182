/**
 * The open-loop load generator of the province-day scenario, in its own process so that it does
 * not share the hub's event loop. Requests arrive at a fixed rate whatever the answers do (a
 * closed loop — N clients each waiting for its answer — slows down with the server and hides
 * the slow answers: coordinated omission). Each request's latency runs from the moment it was
 * due, not from when it was sent, so a generator that falls behind shows up as latency too.
 *
 * Meanwhile the department systems' batches go in on their own clock (one every `batchEverySeconds`).
 * Reads its job from the JSON file HUB_BENCH_OPEN_LOOP names (5,000-row batches are megabytes, more
 * than an environment variable holds); prints the result as one JSON line.
 */
import { readFileSync } from "node:fs";
import { percentile } from "./stats.ts";

export interface OpenLoopRequest {
  /** The operation as the results name it: "role Operation". */
  label: string;
  headers: Record<string, string>;
  body: string;
}

export interface OpenLoopOperation {
  label: string;
  /** Its share of the arrivals (weights, need not sum to 1). */
  weight: number;
  /** The variants sent in turn (different schools, patients, counties …). */
  requests: OpenLoopRequest[];
}

export interface OpenLoopJob {
  url: string;
  /** Arrivals per second over all operations. */
  rate: number;
  seconds: number;
  operations: OpenLoopOperation[];
  /** Department batches, sent in turn every `batchEverySeconds` (none when empty). */
  batches: OpenLoopRequest[];
  batchEverySeconds: number;
  /** A request unanswered after this long counts as an error. */
  timeoutMs: number;
  seed: number;
}

export interface OperationFigures {
  label: string;
  sent: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  firstError: string | null;
}

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  /** Arrivals per second actually offered (the generator's own lateness shows in the latencies). */
  offered: number;
  operations: OperationFigures[];
  batches: OperationFigures & { rowsAccepted: number; rowsRejected: number };
}

/** The weighted choice of the next operation: a seeded generator, so a run's sequence repeats. */
function chooser(operations: readonly OpenLoopOperation[], seed: number): () => number {
  const total = operations.reduce((sum, o) => sum + o.weight, 0);
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    let x = ((state >>> 0) / 0x1_0000_0000) * total;
    for (let i = 0; i < operations.length; i++) {
      x -= operations[i]!.weight;
      if (x < 0) return i;
    }
    return operations.length - 1;
  };
}

interface Outcome {
  ms: number;
  error: string | null;
  body: Record<string, unknown> | null;
}

async function send(url: string, request: OpenLoopRequest, dueAt: number, timeoutMs: number): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - dueAt;
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { ms, error: `HTTP ${response.status}, not JSON: ${text.slice(0, 120)}`, body: null };
    }
    const errors = body.errors as { message?: string }[] | undefined;
    if (response.status !== 200 || (errors && errors.length > 0))
      return {
        ms,
        error: `HTTP ${response.status}: ${errors?.[0]?.message?.slice(0, 200) ?? text.slice(0, 120)}`,
        body,
      };
    return { ms, error: null, body };
  } catch (error) {
    return { ms: performance.now() - dueAt, error: String(error).slice(0, 200), body: null };
  }
}

function figures(label: string, outcomes: readonly Outcome[]): OperationFigures {
  const times = outcomes.filter((o) => o.error === null).map((o) => o.ms);
  const failed = outcomes.filter((o) => o.error !== null);
  const p = (q: number) => (times.length > 0 ? percentile(times, q) : null);
  return {
    label,
    sent: outcomes.length,
    errors: failed.length,
    p50: p(0.5),
    p95: p(0.95),
    p99: p(0.99),
    max: times.length > 0 ? Math.max(...times) : null,
    firstError: failed[0]?.error ?? null,
  };
}

/** Offers `job.rate` requests a second for `job.seconds`, then waits for every answer. */
export async function runOpenLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const next = chooser(job.operations, job.seed);
  const turn = job.operations.map(() => 0);
  const outcomes = job.operations.map(() => [] as Promise<Outcome>[]);
  const batchOutcomes: Promise<Outcome>[] = [];
  const start = performance.now() + 50;
  const total = Math.round(job.rate * job.seconds);
  const batchCount = job.batches.length === 0 ? 0 : Math.floor(job.seconds / job.batchEverySeconds);
  // One timeline of due times: each arrival fires on its own timer tick at (or as soon after as
  // the event loop allows) its due moment, and its latency counts from that moment.
  const due: { at: number; fire: () => void }[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / job.rate;
    due.push({
      at,
      fire: () => {
        const op = next();
        const operation = job.operations[op]!;
        const request = operation.requests[turn[op]!++ % operation.requests.length]!;
        outcomes[op]!.push(send(job.url, request, at, job.timeoutMs));
      },
    });
  }
  for (let b = 0; b < batchCount; b++) {
    const at = start + b * job.batchEverySeconds * 1000;
    const request = job.batches[b % job.batches.length]!;
    due.push({ at, fire: () => batchOutcomes.push(send(job.url, request, at, job.timeoutMs * 4)) });
  }
  due.sort((a, b) => a.at - b.at);
  for (const item of due) {
    const wait = item.at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    item.fire();
  }
  const elapsed = (performance.now() - start) / 1000;
  const settled = await Promise.all(outcomes.map((list) => Promise.all(list)));
  const batches = await Promise.all(batchOutcomes);
  let rowsAccepted = 0;
  let rowsRejected = 0;
  for (const b of batches) {
    const report = Object.values((b.body?.data as Record<string, Record<string, number>> | undefined) ?? {})[0];
    rowsAccepted += (report?.accepted ?? 0) + (report?.updated ?? 0) + (report?.unchanged ?? 0);
    rowsRejected += report?.rejectedRows ?? 0;
  }
  return {
    rate: job.rate,
    seconds: job.seconds,
    offered: total / Math.max(elapsed, job.seconds),
    operations: job.operations.map((o, i) => figures(o.label, settled[i]!)),
    batches: { ...figures("department_system batches", batches), rowsAccepted, rowsRejected },
  };
}

if (process.env.HUB_BENCH_OPEN_LOOP) {
  const job = JSON.parse(readFileSync(process.env.HUB_BENCH_OPEN_LOOP, "utf8")) as OpenLoopJob;
  runOpenLoop(job).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
