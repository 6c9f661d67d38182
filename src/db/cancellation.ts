import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { log } from "../log.ts";

/**
 * Database work that belongs to one request, so that a request the server gave up on (its
 * execution timeout answered 504, or its client went away) leaves no statement running: the
 * statements it has under way are cancelled on the server (`pg_cancel_backend`), and any it
 * would start afterwards are refused before they are sent. A transaction cancelled half-way
 * rolls back; nothing of the abandoned request commits.
 *
 * On PGlite a statement runs on this process's own thread, so nothing can interrupt it; the
 * statements after it are still refused.
 *
 *   await withCancellation(controller.signal, () => apollo.executeHTTPGraphQLRequest(…));
 */

interface RequestWork {
  signal: AbortSignal;
  /** Connections running one of this request's statements right now. */
  running: Set<pg.ClientBase>;
}

const work = new AsyncLocalStorage<RequestWork>();

/** SQLSTATE 57014, as PostgreSQL reports a statement it cancelled. */
export const QUERY_CANCELED = "57014";

/** A statement refused because its request was stopped. */
export class RequestStoppedError extends Error {
  readonly code = QUERY_CANCELED;
  constructor(reason: unknown) {
    super(`the request was stopped (${reasonText(reason)}): its remaining database statements are not run`);
    this.name = "RequestStoppedError";
  }
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "aborted";
}

/** Runs `fn` with its database statements bound to `signal`: on abort they are cancelled and refused. */
export function withCancellation<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return work.run({ signal, running: new Set() }, fn);
}

/**
 * Runs `fn` outside any request's cancellation: what must be written even for a request that was
 * stopped (the access log's row of what was read before it stopped).
 */
export function uncancellable<T>(fn: () => Promise<T>): Promise<T> {
  return work.exit(fn);
}

/** Throws when the current request was stopped; call before sending a statement. */
export function refuseIfStopped(): void {
  const current = work.getStore();
  if (current?.signal.aborted) throw new RequestStoppedError(current.signal.reason);
}

/**
 * Runs one promise-style statement on a server connection under the current request's
 * cancellation: refused if the request already stopped, cancelled on the server if it stops
 * meanwhile. `cancel` is the pool's way to reach the server (another connection).
 */
export async function trackStatement<T>(
  client: pg.ClientBase,
  run: () => Promise<T>,
  cancel: (pid: number) => Promise<void>,
): Promise<T> {
  const current = work.getStore();
  if (!current) return run();
  if (current.signal.aborted) throw new RequestStoppedError(current.signal.reason);
  current.running.add(client);
  const onAbort = () => void cancelRunning(client, current, cancel);
  current.signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await run();
  } finally {
    current.running.delete(client);
    current.signal.removeEventListener("abort", onAbort);
  }
}

/** How long, at most, a stopped request's statement is asked again to stop. */
const CANCEL_GIVE_UP_MS = 5_000;
const CANCEL_AGAIN_MS = 100;

/**
 * Asks the server to cancel the connection's statement until it is no longer running: a cancel
 * that reaches the server before the statement does cancels nothing, so it is asked again.
 */
async function cancelRunning(
  client: pg.ClientBase,
  current: RequestWork,
  cancel: (pid: number) => Promise<void>,
): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (typeof pid !== "number") return;
  const until = performance.now() + CANCEL_GIVE_UP_MS;
  while (current.running.has(client) && performance.now() < until) {
    try {
      await cancel(pid);
    } catch (error) {
      log().warn({ component: "db-cancel", err: error }, "could not cancel a stopped request's statement");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, CANCEL_AGAIN_MS));
  }
}

/** A cancel over a connection of its own (the pool's may all be busy with the statements to cancel). */
export function serverCanceller(connectionString: string): (pid: number) => Promise<void> {
  return async (pid) => {
    const client = new pg.Client({ connectionString });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("select pg_cancel_backend($1)", [pid]);
    } finally {
      await client.end();
    }
  };
}

/**
 * Whether `error` (or a cause it wraps, as drizzle wraps the driver's) is a statement cancelled or
 * refused because its request stopped: the request's own end, not a fault to report.
 */
export function isRequestStopped(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof RequestStoppedError || (e as { code?: unknown }).code === QUERY_CANCELED) return true;
  return false;
}
