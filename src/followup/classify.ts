/**
 * What an HTTP answer means for a delivery, the same for every adapter. Pure.
 *
 * - 2xx: delivered.
 * - 408, 425, 429 and every 5xx: the receiver could not take it now: try again later.
 * - 409 on a channel whose receiver deduplicates (the SMS gateway's "client reference already
 *   used"): it has the message already, which is what delivered means.
 * - Any other 4xx: the receiver refuses this message as it is; sending it again changes nothing.
 */
export type AttemptOutcome = "DELIVERED" | "RETRY" | "REJECTED";

export function classifyHttpStatus(status: number, options: { conflictMeansDelivered?: boolean } = {}): AttemptOutcome {
  if (status >= 200 && status < 300) return "DELIVERED";
  if (status === 409 && options.conflictMeansDelivered) return "DELIVERED";
  if (status === 408 || status === 425 || status === 429 || status >= 500) return "RETRY";
  return "REJECTED";
}

/**
 * A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; null when absent
 * or unreadable.
 *
 *   retryAfterMs("120", Date.now())  // 120000
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
