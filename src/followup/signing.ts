import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The webhook's signature: HMAC-SHA256 with the shared secret over `<timestamp>.<body>`, sent as
 * `X-Hub-Signature-256: sha256=<hex>` beside `X-Hub-Timestamp: <unix seconds>`. The timestamp
 * is signed so a receiver can refuse an old message replayed; the idempotency key is in the
 * body (and its header), so it is signed too. Pure.
 */
export const SIGNATURE_HEADER = "x-hub-signature-256";
export const TIMESTAMP_HEADER = "x-hub-timestamp";
export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * The signature header's value for a body sent at `timestamp` (unix seconds).
 *
 *   signWebhook("secret…", 1767225600, '{"a":1}')   // "sha256=5f0c…"
 */
export function signWebhook(secret: string | Uint8Array, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
  return `sha256=${mac}`;
}

/**
 * What a receiver checks (the stand-in receivers of the tests use it): the signature is the
 * body's under the secret, in constant time, and the timestamp is within `toleranceSeconds` of
 * the receiver's clock. Returns the reason it fails, or null when it holds.
 *
 *   verifyWebhook(secret, { timestamp: "1767225600", signature: "sha256=5f0c…" }, body, 1767225610)  // null
 */
export function verifyWebhook(
  secret: string | Uint8Array,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): string | null {
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return "no timestamp";
  if (!headers.signature || !/^sha256=[0-9a-f]{64}$/.test(headers.signature)) return "no signature";
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return "timestamp outside the tolerance";
  const expected = Buffer.from(signWebhook(secret, timestamp, body), "utf8");
  const got = Buffer.from(headers.signature, "utf8");
  return expected.length === got.length && timingSafeEqual(expected, got) ? null : "signature mismatch";
}
