import { scrubText } from "../log.ts";
import { classifyHttpStatus, retryAfterMs, type AttemptOutcome } from "./classify.ts";

/** A notification as an adapter sends it: what the outbox row says, and which attempt this is. */
export interface OutgoingNotification {
  id: number;
  idempotencyKey: string;
  channel: "webhook" | "sms";
  kind: string;
  recipientActor: string;
  recipientCode: string;
  itemId: number | null;
  payload: Record<string, unknown>;
  /** 1 for the first attempt. */
  attempt: number;
}

/** What one attempt came to. `error` never holds personal data (no phone number, no body). */
export interface AttemptResult {
  outcome: AttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  /** The receiver's Retry-After, in milliseconds. */
  retryAfterMs: number | null;
}

/**
 * One way of delivering notifications. `deliver` makes exactly one attempt and never throws:
 * retries are the dispatcher's (each attempt is a row of the delivery log, with its backoff in
 * the outbox), so a crash between attempts loses no schedule.
 */
export interface DeliveryAdapter {
  readonly channel: "webhook" | "sms";
  deliver(notification: OutgoingNotification): Promise<AttemptResult>;
}

/**
 * One POST with a deadline: the answer's status classified, or RETRY for a timeout or a network
 * failure. The response body is read (so the connection can be reused) but never kept.
 */
export async function postOnce(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; conflictMeansDelivered?: boolean },
): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
      redirect: "error",
    });
    await response.arrayBuffer().catch(() => undefined);
    const outcome = classifyHttpStatus(response.status, { conflictMeansDelivered: init.conflictMeansDelivered });
    return {
      outcome,
      httpStatus: response.status,
      error: outcome === "DELIVERED" ? null : `HTTP ${response.status}`,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after"), Date.now()),
    };
  } catch (error) {
    return { outcome: "RETRY", httpStatus: null, error: describeFailure(error, init.timeoutMs), retryAfterMs: null };
  }
}

/** A failed fetch in words: the timeout, or the network error's code (ECONNREFUSED, …), scrubbed. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
  return scrubText(`network failure: ${detail}`).slice(0, 200);
}
