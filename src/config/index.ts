import path from "node:path";
import { ConfigError } from "../errors.ts";

/**
 * The one place that reads process.env. Everything else receives a `Config`.
 *
 *   DATABASE_URL       postgres://… → a PostgreSQL server; unset → embedded PGlite
 *   HUB_DATA_DIR       PGlite data directory for `npm start` (default ./data); "memory" for none
 *   HUB_MIGRATIONS_DIR where the drizzle migrations are (default <project root>/migrations)
 *   HUB_DB_POOL_SIZE   node-postgres pool size (default 10)
 *   PORT               HTTP port of the gateway (default 4000)
 *   HUB_JWT_SECRET     HS256 secret for bearer tokens, at least 32 bytes. Unset outside production:
 *                      the public DEMO_JWT_SECRET (with a warning); unset in production: an error
 *   HUB_JWKS_URL       verify tokens against this JWKS (RS256/ES256) instead of a shared secret
 *   HUB_JWT_ISSUER     required `iss` of every token (default "child-coverage-hub")
 *   HUB_JWT_AUDIENCE   required `aud` of every token (default "child-coverage-hub")
 *   NODE_ENV           "production" forbids the demo secret
 */
export interface Config {
  database: DatabaseConfig;
  migrationsDir: string;
  port: number;
  auth: AuthConfig;
  /** Settings that work but deserve a look (e.g. the demo token secret); already printed once. */
  warnings: readonly string[];
}

/** How bearer tokens are verified: one shared HS256 secret, or a JWKS of public keys. */
export type AuthConfig = (
  | { kind: "secret"; secret: Uint8Array; /** true when the secret is the public demo one */ demoSecret: boolean }
  | { kind: "jwks"; jwksUrl: string }
) & { issuer: string; audience: string };

/**
 * The secret `npm start` signs and verifies demo tokens with when HUB_JWT_SECRET is unset. It is
 * public (it is in this file): anyone can forge a token with it, so production refuses it.
 */
export const DEMO_JWT_SECRET = "child-coverage-hub-demo-secret-not-for-production-use";
export const DEFAULT_JWT_ISSUER = "child-coverage-hub";
export const DEFAULT_JWT_AUDIENCE = "child-coverage-hub";
const MIN_SECRET_BYTES = 32;

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "pglite"; dataDir: string | null };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, projectRoot: string = process.cwd(), warn: (message: string) => void = (m) => console.warn(`warning: ${m}`)): Config {
  const problems: string[] = [];

  const url = env.DATABASE_URL?.trim();
  if (url && !/^postgres(ql)?:\/\//.test(url)) {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql://, but got "${redactUrl(url)}"`);
  }
  const poolSize = parseInteger(env.HUB_DB_POOL_SIZE, 10, "HUB_DB_POOL_SIZE", 1, 200, problems);
  const port = parseInteger(env.PORT, 4000, "PORT", 0, 65535, problems);
  const dataDirSetting = env.HUB_DATA_DIR?.trim() || "./data";
  const dataDir = dataDirSetting === "memory" ? null : path.resolve(projectRoot, dataDirSetting);
  const migrationsDir = path.resolve(projectRoot, env.HUB_MIGRATIONS_DIR?.trim() || "migrations");

  const warnings: string[] = [];
  const auth = parseAuth(env, problems, warnings);

  if (problems.length > 0) throw new ConfigError(problems);
  for (const warning of warnings) warn(warning);
  return {
    database: url ? { kind: "postgres", url, poolSize } : { kind: "pglite", dataDir },
    migrationsDir,
    port,
    auth,
    warnings,
  };
}

function parseAuth(env: NodeJS.ProcessEnv, problems: string[], warnings: string[]): AuthConfig {
  const production = env.NODE_ENV?.trim() === "production";
  const issuer = env.HUB_JWT_ISSUER?.trim() || DEFAULT_JWT_ISSUER;
  const audience = env.HUB_JWT_AUDIENCE?.trim() || DEFAULT_JWT_AUDIENCE;
  const secret = env.HUB_JWT_SECRET;
  const jwksUrl = env.HUB_JWKS_URL?.trim();
  const demo: AuthConfig = { kind: "secret", secret: new TextEncoder().encode(DEMO_JWT_SECRET), demoSecret: true, issuer, audience };

  if (secret !== undefined && secret !== "" && jwksUrl) {
    problems.push("HUB_JWT_SECRET and HUB_JWKS_URL are both set: set only one (a shared HS256 secret, or a JWKS of public keys)");
    return demo;
  }
  if (jwksUrl) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(jwksUrl);
    } catch {
      problems.push(`HUB_JWKS_URL must be an http:// or https:// URL, but got "${jwksUrl}"`);
    }
    if (parsed && parsed.protocol !== "https:" && parsed.protocol !== "http:") problems.push(`HUB_JWKS_URL must be an http:// or https:// URL, but got "${jwksUrl}"`);
    if (parsed && production && parsed.protocol === "http:" && !isLoopback(parsed.hostname)) {
      problems.push(`HUB_JWKS_URL must use https in production (keys fetched over plain http can be swapped in transit), but got "${jwksUrl}"`);
    }
    return { kind: "jwks", jwksUrl, issuer, audience };
  }
  if (secret !== undefined && secret !== "") {
    const bytes = new TextEncoder().encode(secret);
    // Never echo the secret itself, only its length.
    if (bytes.length < MIN_SECRET_BYTES) problems.push(`HUB_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, but got ${bytes.length}`);
    else if (secret === DEMO_JWT_SECRET && production) problems.push("HUB_JWT_SECRET is the public demo secret: set a secret of your own in production");
    return { kind: "secret", secret: bytes, demoSecret: secret === DEMO_JWT_SECRET, issuer, audience };
  }
  if (production) {
    problems.push("HUB_JWT_SECRET or HUB_JWKS_URL must be set in production (NODE_ENV=production); the demo secret is public");
    return demo;
  }
  warnings.push("HUB_JWT_SECRET is unset: bearer tokens are signed and verified with the public demo secret (fine for a demo, never for real data)");
  return demo;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname === "::1";
}

function parseInteger(raw: string | undefined, fallback: number, name: string, min: number, max: number, problems: string[]): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, but got "${raw}"`);
    return fallback;
  }
  return value;
}

/** Never echo a password into a log or an error. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
