import { randomUUID } from "node:crypto";

/**
 * What the gateway takes from a client's headers. It reads three and nothing else: the bearer
 * token (verified, and the only source of identity), a request id and a purpose (both only
 * labels for the logs). Every other header a client sends stays at the gateway, so headers a
 * client might use to pose as someone (x-user, x-role, x-hub-*, x-forwarded-user, a forged
 * x-hub-gateway-signature, …) never reach a subgraph: the gateway forwards only these three and
 * adds its own signature (data-sources.ts).
 */

/**
 * Client-chosen request ids are kept only when they look like one (they end up in the access log
 * and the operation log): short, plain characters, and no run of 15 digits, which an ID number
 * would be.
 */
export function requestIdFrom(value: string | null | undefined): string {
  return value && /^[A-Za-z0-9._:-]{1,64}$/.test(value) && !/\d{15}/.test(value) ? value : randomUUID();
}

/** The stated purpose of a read (X-Purpose): one line, at most 200 characters. */
export function purposeFrom(value: string | null | undefined): string | null {
  if (!value) return null;
  const line = value
    .replace(/[\r\n\t]+/g, " ")
    .trim()
    .slice(0, 200);
  return line === "" ? null : line;
}
