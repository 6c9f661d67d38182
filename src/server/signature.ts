import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The gateway signs every request it sends a subgraph server; the subgraph refuses any request
 * without a valid signature (unless told otherwise), or, with mutual TLS, without a client
 * certificate from its router CA: either proves the router (subgraph-server.ts). A subgraph still
 * verifies the caller's token itself: the signature adds that the request came through the
 * gateway, so it passed the gateway's operation limits, safelist and rate limits, which a direct
 * caller would skip (behind another router, that router's own limits take their place).
 *
 * HMAC-SHA256 with the shared key over the method, the path, a timestamp, the body's SHA-256
 * and the headers the gateway vouches for (authorization, x-purpose, x-request-id), so a
 * captured request cannot be replayed with another token or body. A signature is valid for
 * SIGNATURE_WINDOW_MS either side of the subgraph's clock; within that window an exact replay
 * of the same request is possible (a nonce store would close it; the hub's reads are idempotent).
 *
 *   const request = { method: "POST", path: "/graphql", body, authorization, purpose: null, requestId };
 *   const headers = signatureHeaders(key, request, Date.now());
 *   verifySignature(key, (n) => headers[n], request, Date.now()); // → { ok: true }
 */
export const SIGNATURE_HEADER = "x-hub-gateway-signature";
export const TIMESTAMP_HEADER = "x-hub-gateway-timestamp";
export const SIGNATURE_WINDOW_MS = 60_000;
const VERSION = "v1";

export interface SignedRequest {
  method: string;
  path: string;
  body: string | Uint8Array;
  authorization: string | null | undefined;
  purpose: string | null | undefined;
  requestId: string | null | undefined;
}

export type Verification = { ok: true } | { ok: false; reason: string };

function signature(key: Uint8Array, request: SignedRequest, timestamp: string): string {
  const bodyHash = createHash("sha256").update(request.body).digest("hex");
  const material = [
    VERSION,
    request.method.toUpperCase(),
    request.path,
    timestamp,
    bodyHash,
    request.authorization ?? "",
    request.purpose ?? "",
    request.requestId ?? "",
  ].join("\n");
  return `${VERSION}=${createHmac("sha256", key).update(material).digest("hex")}`;
}

/** The two headers that sign a request at time `now` (ms since the epoch). */
export function signatureHeaders(key: Uint8Array, request: SignedRequest, now: number): Record<string, string> {
  const timestamp = String(Math.floor(now));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(key, request, timestamp) };
}

/** Whether a request carries a valid, current gateway signature; the reason when it does not. */
export function verifySignature(
  key: Uint8Array,
  header: (name: string) => string | null | undefined,
  request: SignedRequest,
  now: number,
  windowMs = SIGNATURE_WINDOW_MS,
): Verification {
  const given = header(SIGNATURE_HEADER);
  const timestamp = header(TIMESTAMP_HEADER);
  if (!given || !timestamp)
    return {
      ok: false,
      reason:
        `the request has no gateway signature (${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} headers): ` +
        "subgraphs answer only the gateway",
    };
  if (!/^\d{1,16}$/.test(timestamp))
    return {
      ok: false,
      reason: `${TIMESTAMP_HEADER} must be milliseconds since the epoch, but got "${timestamp.slice(0, 40)}"`,
    };
  const skew = Math.abs(now - Number(timestamp));
  if (skew > windowMs)
    return {
      ok: false,
      reason:
        `the gateway signature is ${Math.round(skew / 1000)} s old or ahead, ` +
        `beyond the window of ${windowMs / 1000} s`,
    };
  const expected = Buffer.from(signature(key, request, timestamp));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return {
      ok: false,
      reason: "the gateway signature does not match the request (wrong key, or the request was altered)",
    };
  return { ok: true };
}
