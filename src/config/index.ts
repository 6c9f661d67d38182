import { createHmac } from "node:crypto";
import path from "node:path";
import { ConfigError } from "../errors.ts";
import { LIMIT_SETTINGS, type LimitName, type OperationLimits } from "./limits.ts";

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
 *   NODE_ENV           "production" forbids the demo secret and turns on production mode
 *
 * Hardening (src/server/; the README's "Hardening / production" lists them with defaults):
 *   HUB_MAX_DEPTH, HUB_MAX_ALIASES, HUB_MAX_ROOT_FIELDS, HUB_MAX_DIRECTIVES, HUB_MAX_TOKENS,
 *   HUB_MAX_QUERY_BYTES, HUB_MAX_COST, HUB_MAX_PAGE_SIZE, HUB_MAX_BATCH, HUB_MAX_BODY_BYTES,
 *   HUB_EXECUTION_TIMEOUT_MS
 *                      operation limits of the gateway and every subgraph server (limits.ts)
 *   HUB_PRODUCTION     "true": production mode without NODE_ENV=production (no introspection, no
 *                      GraphiQL, no "Did you mean", no stack traces)
 *   HUB_SAFELIST       a file (.graphql or .json) or folder of registered operations: only those run
 *   HUB_GATEWAY_SECRET the key the gateway signs its subgraph requests with (at least 32 bytes).
 *                      Unset: derived from HUB_JWT_SECRET (or the demo secret), so a gateway and its
 *                      subgraphs started with the same environment agree without another setting
 *   HUB_SUBGRAPH_ALLOW_UNSIGNED  "true": a subgraph server also answers requests the gateway did not sign
 *   HUB_RATE_OPERATIONS_PER_MINUTE     operations per token subject per minute (default 600; 0 = off)
 *   HUB_RATE_CHILD_RECORDS_PER_MINUTE  child records returned per token subject per minute (default 20000; 0 = off)
 *   HUB_LOG            "json" (one line per operation on stdout) or "off"; default json, off under vitest
 */
export interface Config {
  database: DatabaseConfig;
  migrationsDir: string;
  port: number;
  auth: AuthConfig;
  hardening: HardeningConfig;
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

/** How the servers defend themselves against their callers (src/server/). */
export interface HardeningConfig {
  limits: OperationLimits;
  /** Introspection, GraphiQL, field suggestions and stack traces off. */
  production: boolean;
  /** Where the registered operations are; null: any valid operation may run. */
  safelist: string | null;
  /**
   * The key of the gateway's request signatures (src/server/signature.ts); null only in
   * production with a JWKS and no HUB_GATEWAY_SECRET, where there is nothing secret to derive it from.
   */
  gatewaySecret: Uint8Array | null;
  /** A subgraph server answers requests without a valid gateway signature too. */
  allowUnsignedSubgraphRequests: boolean;
  /** Per token subject and minute; 0 turns a budget off. */
  rate: { operationsPerMinute: number; childRecordsPerMinute: number };
  log: "json" | "off";
}

export type DatabaseConfig =
  { kind: "postgres"; url: string; poolSize: number } | { kind: "pglite"; dataDir: string | null };

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  projectRoot: string = process.cwd(),
  warn: (message: string) => void = (m) => console.warn(`warning: ${m}`),
): Config {
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
  const hardening = parseHardening(env, auth, projectRoot, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  for (const warning of warnings) warn(warning);
  return {
    database: url ? { kind: "postgres", url, poolSize } : { kind: "pglite", dataDir },
    migrationsDir,
    port,
    auth,
    hardening,
    warnings,
  };
}

function parseAuth(env: NodeJS.ProcessEnv, problems: string[], warnings: string[]): AuthConfig {
  const production = env.NODE_ENV?.trim() === "production";
  const issuer = env.HUB_JWT_ISSUER?.trim() || DEFAULT_JWT_ISSUER;
  const audience = env.HUB_JWT_AUDIENCE?.trim() || DEFAULT_JWT_AUDIENCE;
  const secret = env.HUB_JWT_SECRET;
  const jwksUrl = env.HUB_JWKS_URL?.trim();
  const demo: AuthConfig = {
    kind: "secret",
    secret: new TextEncoder().encode(DEMO_JWT_SECRET),
    demoSecret: true,
    issuer,
    audience,
  };

  if (secret !== undefined && secret !== "" && jwksUrl) {
    problems.push(
      "HUB_JWT_SECRET and HUB_JWKS_URL are both set: set only one (a shared HS256 secret, or a JWKS of public keys)",
    );
    return demo;
  }
  if (jwksUrl) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(jwksUrl);
    } catch {
      problems.push(`HUB_JWKS_URL must be an http:// or https:// URL, but got "${jwksUrl}"`);
    }
    if (parsed && parsed.protocol !== "https:" && parsed.protocol !== "http:")
      problems.push(`HUB_JWKS_URL must be an http:// or https:// URL, but got "${jwksUrl}"`);
    if (parsed && production && parsed.protocol === "http:" && !isLoopback(parsed.hostname)) {
      problems.push(
        "HUB_JWKS_URL must use https in production (keys fetched over plain http can be swapped in transit), " +
          `but got "${jwksUrl}"`,
      );
    }
    return { kind: "jwks", jwksUrl, issuer, audience };
  }
  if (secret !== undefined && secret !== "") {
    const bytes = new TextEncoder().encode(secret);
    // Never echo the secret itself, only its length.
    if (bytes.length < MIN_SECRET_BYTES)
      problems.push(`HUB_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, but got ${bytes.length}`);
    else if (secret === DEMO_JWT_SECRET && production)
      problems.push("HUB_JWT_SECRET is the public demo secret: set a secret of your own in production");
    return { kind: "secret", secret: bytes, demoSecret: secret === DEMO_JWT_SECRET, issuer, audience };
  }
  if (production) {
    problems.push(
      "HUB_JWT_SECRET or HUB_JWKS_URL must be set in production (NODE_ENV=production); the demo secret is public",
    );
    return demo;
  }
  warnings.push(
    "HUB_JWT_SECRET is unset: bearer tokens are signed and verified with the public demo secret " +
      "(fine for a demo, never for real data)",
  );
  return demo;
}

/** Label of the gateway-signature key derived from the token secret: a key for one purpose only. */
const GATEWAY_KEY_LABEL = "child-coverage-hub gateway request signature v1";

/**
 * The hardening settings alone, for a server created without a whole Config (tests, benchmarks):
 * `loadHardening({}, auth)` gives the safe defaults, with the gateway key derived from `auth`.
 */
export function loadHardening(
  env: NodeJS.ProcessEnv,
  auth: AuthConfig,
  projectRoot: string = process.cwd(),
): HardeningConfig {
  const problems: string[] = [];
  const hardening = parseHardening(env, auth, projectRoot, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return hardening;
}

function parseHardening(
  env: NodeJS.ProcessEnv,
  auth: AuthConfig,
  projectRoot: string,
  problems: string[],
): HardeningConfig {
  const limits = {} as OperationLimits;
  for (const [name, setting] of Object.entries(LIMIT_SETTINGS) as [LimitName, (typeof LIMIT_SETTINGS)[LimitName]][]) {
    limits[name] = parseInteger(env[setting.env], setting.default, setting.env, setting.min, setting.max, problems);
  }
  const production =
    env.NODE_ENV?.trim() === "production" || parseBoolean(env.HUB_PRODUCTION, false, "HUB_PRODUCTION", problems);
  const safelistSetting = env.HUB_SAFELIST?.trim();
  const allowUnsigned = parseBoolean(env.HUB_SUBGRAPH_ALLOW_UNSIGNED, false, "HUB_SUBGRAPH_ALLOW_UNSIGNED", problems);

  let gatewaySecret: Uint8Array | null = null;
  const secret = env.HUB_GATEWAY_SECRET;
  if (secret !== undefined && secret !== "") {
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < MIN_SECRET_BYTES)
      problems.push(`HUB_GATEWAY_SECRET must be at least ${MIN_SECRET_BYTES} bytes, but got ${bytes.length}`);
    gatewaySecret = bytes;
  } else if (auth.kind === "secret") {
    // A key of its own, derived one-way: knowing it does not let anyone sign tokens.
    gatewaySecret = new Uint8Array(createHmac("sha256", auth.secret).update(GATEWAY_KEY_LABEL).digest());
  }

  const log = env.HUB_LOG?.trim() || (env.VITEST ? "off" : "json");
  if (log !== "json" && log !== "off") problems.push(`HUB_LOG must be "json" or "off", but got "${log}"`);
  return {
    limits,
    production,
    safelist: safelistSetting ? path.resolve(projectRoot, safelistSetting) : null,
    gatewaySecret,
    allowUnsignedSubgraphRequests: allowUnsigned,
    rate: {
      operationsPerMinute: parseInteger(
        env.HUB_RATE_OPERATIONS_PER_MINUTE,
        600,
        "HUB_RATE_OPERATIONS_PER_MINUTE",
        0,
        1_000_000,
        problems,
      ),
      childRecordsPerMinute: parseInteger(
        env.HUB_RATE_CHILD_RECORDS_PER_MINUTE,
        20_000,
        "HUB_RATE_CHILD_RECORDS_PER_MINUTE",
        0,
        100_000_000,
        problems,
      ),
    },
    log: log === "off" ? "off" : "json",
  };
}

function parseBoolean(raw: string | undefined, fallback: boolean, name: string, problems: string[]): boolean {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === "") return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  problems.push(`${name} must be "true" or "false", but got "${raw}"`);
  return fallback;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname === "::1";
}

function parseInteger(
  raw: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
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
