/**
 * Why a request failed, as the console explains it: the hub's `extensions.code` (src/errors.ts
 * ErrorCode), or NETWORK when no answer arrived at all ("Failed to fetch").
 */
export const HUB_ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "DATABASE_UNAVAILABLE",
  "OPERATION_LIMIT_EXCEEDED",
  "RATE_LIMITED",
  "OPERATION_NOT_SAFELISTED",
  "TIMEOUT",
  "REQUEST_TIMEOUT",
  "INTERNAL_SERVER_ERROR",
  "NETWORK",
  "UNKNOWN",
] as const;
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

/** A code the console knows; anything else (a subgraph of another make) is UNKNOWN. */
export function hubErrorCode(code: unknown, status: number): HubErrorCode {
  if (typeof code === "string" && (HUB_ERROR_CODES as readonly string[]).includes(code)) return code as HubErrorCode;
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 429) return "RATE_LIMITED";
  if (status === 503) return "DATABASE_UNAVAILABLE";
  if (status >= 500) return "INTERNAL_SERVER_ERROR";
  return "UNKNOWN";
}
