/** The roles a hub token may carry (src/access/identity/viewer.ts). */
export const ROLES = [
  "insurance_officer",
  "health_officer",
  "education_officer",
  "school_admin",
  "family_doctor",
  "household_officer",
  "analyst",
  "auditor",
  "department_system",
] as const;
export type Role = (typeof ROLES)[number];

export interface TokenClaims {
  subject: string;
  role: Role;
  scope: { region?: string; schools?: string[]; doctor?: string; department?: string };
  /** Expiry, seconds since 1970; undefined when the token has none. */
  expiresAt?: number;
}

/**
 * What a bearer token says about its holder, read WITHOUT checking the signature: the console
 * only uses it to choose a page (which school, which doctor, which region). Every request still
 * carries the token to the hub, which verifies it and applies every rule.
 *
 *   readTokenClaims("eyJ…")
 *   // { ok: true, claims: { subject: "demo-school-admin", role: "school_admin", scope: { schools: [...] } } }
 */
export function readTokenClaims(
  token: string,
): { ok: true; claims: TokenClaims } | { ok: false; problem: "shape" | "payload" | "role" } {
  const parts = token
    .trim()
    .replace(/^Bearer\s+/i, "")
    .split(".");
  if (parts.length !== 3 || !parts[1]) return { ok: false, problem: "shape" };
  let payload: Record<string, unknown>;
  try {
    const base64 = parts[1]
      .replaceAll("-", "+")
      .replaceAll("_", "/")
      .padEnd(Math.ceil(parts[1].length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return { ok: false, problem: "payload" };
  }
  if (typeof payload !== "object" || payload === null) return { ok: false, problem: "payload" };
  const role = payload.role;
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) return { ok: false, problem: "role" };
  const scope =
    typeof payload.scope === "object" && payload.scope !== null ? (payload.scope as TokenClaims["scope"]) : {};
  return {
    ok: true,
    claims: {
      subject: typeof payload.sub === "string" ? payload.sub : "",
      role: role as Role,
      scope,
      ...(typeof payload.exp === "number" ? { expiresAt: payload.exp } : {}),
    },
  };
}

/** The token without a "Bearer " prefix someone pasted along with it. */
export function bareToken(input: string): string {
  return input.trim().replace(/^Bearer\s+/i, "");
}
