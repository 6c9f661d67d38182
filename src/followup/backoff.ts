/**
 * When a failed delivery is tried again: exponential backoff with a ceiling, a little jitter (so
 * the notifications a receiver's outage failed together do not all come back in the same
 * second), and a maximum number of attempts. Pure.
 */
export interface RetryPolicy {
  /** The delay after the first failed attempt. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Attempts in all (the first one included); after the last one fails, the notification is FAILED. */
  maxAttempts: number;
  /** 0 to 1: a delay is shortened by up to this fraction, at random. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10, jitter: 0.2 };

/**
 * The delay before attempt `attempt + 1`, after `attempt` attempts (1 or more) have failed:
 * `baseMs · 2^(attempt − 1)`, at most `maxMs`, less up to `jitter` of it.
 *
 *   retryDelayMs(1, { baseMs: 1000, maxMs: 60_000, maxAttempts: 10, jitter: 0 })   // 1000
 *   retryDelayMs(3, { baseMs: 1000, maxMs: 60_000, maxAttempts: 10, jitter: 0 })   // 4000
 *   retryDelayMs(12, { baseMs: 1000, maxMs: 60_000, maxAttempts: 20, jitter: 0 })  // 60000
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new Error(`attempt must be a whole number of at least 1, but got ${attempt}`);
  // 2^(attempt − 1) overflows nothing that matters: the ceiling is reached long before.
  const exponential = policy.baseMs * 2 ** Math.min(attempt - 1, 52);
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}

/** What to do after an attempt that did not deliver. */
export type NextStep = { kind: "retry"; delayMs: number } | { kind: "give-up"; why: string };

/**
 * After attempt number `attempt` failed: another attempt after the backoff (or after the
 * receiver's Retry-After, when it asks for longer, up to `maxMs`), or give up — at once for a
 * refusal no retry mends, or when the attempts are used up.
 *
 *   nextStep(2, "RETRY", policy)            // { kind: "retry", delayMs: 2000 }   (base 1000, no jitter)
 *   nextStep(10, "RETRY", policy)           // { kind: "give-up", why: "10 attempts failed" }  (maxAttempts 10)
 *   nextStep(1, "REJECTED", policy)         // { kind: "give-up", why: "the receiver refused it" }
 */
export function nextStep(
  attempt: number,
  outcome: "RETRY" | "REJECTED",
  policy: RetryPolicy,
  options: { retryAfterMs?: number | null; random?: () => number } = {},
): NextStep {
  if (outcome === "REJECTED") return { kind: "give-up", why: "the receiver refused it" };
  if (attempt >= policy.maxAttempts) return { kind: "give-up", why: `${attempt} attempts failed` };
  const backoff = retryDelayMs(attempt, policy, options.random);
  const asked = options.retryAfterMs ?? 0;
  return { kind: "retry", delayMs: Math.min(policy.maxMs, Math.max(backoff, asked)) };
}
