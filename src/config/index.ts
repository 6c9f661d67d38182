import { createHmac } from "node:crypto";
import path from "node:path";
import { ConfigError } from "../errors.ts";
import type { LogLevel } from "../log.ts";
import { LIMIT_SETTINGS, type LimitName, type OperationLimits } from "./limits.ts";
import { parseTlsFiles, type TlsFiles } from "./tls.ts";

/**
 * The one place that reads process.env. Everything else receives a `Config`.
 *
 *   DATABASE_URL       postgres://… → a PostgreSQL server, connected as the role that serves; unset → embedded PGlite
 *   HUB_MIGRATE_DATABASE_URL  postgres://… as the role that owns the hub's schemas: migrations run as it, then
 *                      it grants DATABASE_URL's role what serving needs (INSERT and SELECT only on the access
 *                      log). Required in production with DATABASE_URL; unset outside production: one role does
 *                      both, and the access log is append-only by its trigger only
 *   HUB_DATA_DIR       PGlite data directory for `npm start` (default ./data); "memory" for none
 *   HUB_MIGRATIONS_DIR where the drizzle migrations are (default <project root>/migrations)
 *   HUB_DB_POOL_SIZE   node-postgres pool size (default 10)
 *   PORT               HTTP port of the gateway (default 4000)
 *   HUB_SHUTDOWN_GRACE_MS  on SIGTERM or SIGINT, how long requests in flight may take to finish before their
 *                      connections are cut (default 10000; 0 cuts them at once); then the database is closed
 *   HUB_JWT_SECRET     HS256 secret for bearer tokens, at least 32 bytes. Unset outside production:
 *                      the public DEMO_JWT_SECRET (with a warning); unset or the demo secret in production: an error
 *   HUB_JWKS_URL       verify tokens against this JWKS (RS256/ES256) instead of a shared secret
 *   HUB_JWT_ISSUER     required `iss` of every token (default "child-coverage-hub")
 *   HUB_JWT_AUDIENCE   required `aud` of every token (default "child-coverage-hub")
 *   HUB_JWT_MAX_LIFETIME  longest lifetime (exp - iat) of a token the hub accepts: "24h" (default), "90m", "2d"
 *                      or seconds, from 1 minute to 30 days
 *   NODE_ENV           "production" turns on production mode, as HUB_PRODUCTION=true does
 *
 * Hardening (src/server/; the README's "Hardening / production" lists them with defaults):
 *   HUB_MAX_DEPTH, HUB_MAX_ALIASES, HUB_MAX_ROOT_FIELDS, HUB_MAX_DIRECTIVES, HUB_MAX_TOKENS,
 *   HUB_MAX_QUERY_BYTES, HUB_MAX_COST, HUB_MAX_PAGE_SIZE, HUB_MAX_BATCH, HUB_MAX_BODY_BYTES,
 *   HUB_EXECUTION_TIMEOUT_MS, HUB_MAX_VARIABLE_KEYS, HUB_MAX_VARIABLE_NODES, HUB_MAX_VARIABLE_DEPTH,
 *   HUB_MAX_VARIABLE_STRING_LENGTH, HUB_BODY_TIMEOUT_MS, HUB_MAX_CONNECTIONS
 *                      operation and HTTP limits of the gateway and every subgraph server (limits.ts)
 *   HUB_PRODUCTION     "true": production mode without NODE_ENV=production, the same in every respect (no
 *                      demo secret, no demo identities or tokens, no introspection, no GraphiQL, no "Did you
 *                      mean", no stack traces, a gateway key and a migrating role of their own)
 *   HUB_SAFELIST       a file (.graphql or .json) or folder of registered operations: only those run
 *   HUB_GATEWAY_SECRET the key the gateway signs its subgraph requests with (at least 32 bytes, not the token
 *                      secret). Required in production unless mutual TLS is set up (below): whoever can verify
 *                      tokens must not be able to sign subgraph requests. Unset outside production: derived
 *                      from HUB_JWT_SECRET (or the demo secret), so a demo gateway and its subgraphs agree
 *                      without another setting
 *   HUB_SUBGRAPH_TLS_CERT, HUB_SUBGRAPH_TLS_KEY, HUB_SUBGRAPH_TLS_CA  PEM files: a subgraph server serves HTTPS
 *                      with this certificate and key, and admits a request whose client certificate chains to
 *                      this CA as it admits one the gateway signed (tls.ts; any router can do mutual TLS)
 *   HUB_GATEWAY_TLS_CERT, HUB_GATEWAY_TLS_KEY, HUB_GATEWAY_TLS_CA  PEM files: the hub's gateway presents this
 *                      client certificate to subgraph servers and checks theirs against this CA
 *   HUB_SUBGRAPH_ALLOW_UNSIGNED  "true": a subgraph server also answers requests that are neither signed nor
 *                      from a verified client certificate (a development escape; warned about in production)
 *   HUB_RATE_OPERATIONS_PER_MINUTE     operations per token subject per minute (default 600; 0 = off)
 *   HUB_RATE_CHILD_RECORDS_PER_MINUTE  child records returned per token subject per minute (default 20000; 0 = off)
 *   HUB_LOG            "json" (one line per operation on stdout) or "off"; default json, off under vitest
 *   HUB_STACK_TRACES   "true": errors carry stack traces (a development flag; ignored in production)
 *
 * Observability (src/observability/; the README's "Health, metrics, traces and logs"):
 *   HUB_METRICS_PORT   serve Prometheus metrics at /metrics on this port of its own (0: any free port); unset:
 *                      no metrics endpoint. Never on the GraphQL port, so opening that port never publishes them
 *   HUB_METRICS_HOST   the address the metrics port listens on (default 127.0.0.1: only this machine can scrape)
 *   HUB_OTLP_ENDPOINT  base URL of an OpenTelemetry collector's OTLP/HTTP receiver (http://collector:4318):
 *                      spans of the gateway, the subgraphs and every SQL statement go there; unset: no tracing
 *   HUB_SERVICE_NAME   the service name traces carry (default "child-coverage-hub")
 *   HUB_LOG_LEVEL      trace, debug, info (default), warn, error or silent: the JSON log lines written
 */
export interface Config {
  database: DatabaseConfig;
  /** NODE_ENV=production or HUB_PRODUCTION=true: the one answer to "is this production?". */
  production: boolean;
  migrationsDir: string;
  port: number;
  /** HUB_SHUTDOWN_GRACE_MS: how long a stopping server lets requests in flight finish. */
  shutdownGraceMs: number;
  auth: AuthConfig;
  hardening: HardeningConfig;
  observability: ObservabilityConfig;
  /** Settings that work but deserve a look (e.g. the demo token secret); already printed once. */
  warnings: readonly string[];
}

/** Metrics, traces and the log level (src/observability/, src/log.ts). */
export interface ObservabilityConfig {
  /** HUB_METRICS_PORT and HUB_METRICS_HOST: where /metrics listens; null: nowhere. */
  metrics: { port: number; host: string } | null;
  /** HUB_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL; null: tracing off (and costs nothing). */
  otlpEndpoint: string | null;
  serviceName: string;
  logLevel: LogLevel;
}

const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** How bearer tokens are verified: one shared HS256 secret, or a JWKS of public keys. */
export type AuthConfig = (
  | { kind: "secret"; secret: Uint8Array; /** true when the secret is the public demo one */ demoSecret: boolean }
  | { kind: "jwks"; jwksUrl: string }
) & {
  issuer: string;
  audience: string;
  /** The longest lifetime (exp - iat) of a token the hub accepts, in seconds (HUB_JWT_MAX_LIFETIME). */
  maxLifetimeSeconds: number;
};

/**
 * The secret `npm start` signs and verifies demo tokens with when HUB_JWT_SECRET is unset. It is
 * public (it is in this file): anyone can forge a token with it, so production refuses it.
 */
export const DEMO_JWT_SECRET = "child-coverage-hub-demo-secret-not-for-production-use";
export const DEFAULT_JWT_ISSUER = "child-coverage-hub";
export const DEFAULT_JWT_AUDIENCE = "child-coverage-hub";
/** A day: a token a person signs in with lasts the day, not the year. */
export const DEFAULT_JWT_MAX_LIFETIME_SECONDS = 24 * 3_600;
const MIN_SECRET_BYTES = 32;

/** How the servers defend themselves against their callers (src/server/). */
export interface HardeningConfig {
  limits: OperationLimits;
  /** Introspection, GraphiQL, field suggestions and stack traces off. */
  production: boolean;
  /** Where the registered operations are; null: any valid operation may run. */
  safelist: string | null;
  /**
   * The key of the gateway's request signatures (src/server/signature.ts): HUB_GATEWAY_SECRET, or
   * outside production one derived from the token secret; null in production without the setting
   * (which loadConfig refuses; only `loadHardening` gives it, for in-process servers).
   */
  gatewaySecret: Uint8Array | null;
  /**
   * A subgraph server answers requests without a valid gateway signature or a verified client
   * certificate too: a development escape (loadConfig warns about it in production).
   */
  allowUnsignedSubgraphRequests: boolean;
  /**
   * HUB_SUBGRAPH_TLS_*: a subgraph server serves HTTPS and trusts a request whose client
   * certificate chains to `ca` as the router's, like a signed one; null: plain HTTP, signatures only.
   */
  subgraphTls: TlsFiles | null;
  /** HUB_GATEWAY_TLS_*: the client certificate the hub's gateway presents to subgraph servers, and their CA. */
  gatewayTls: TlsFiles | null;
  /**
   * HUB_STACK_TRACES=true: errors carry their stack traces (server paths) — an explicit
   * development flag; never honoured in production (src/server/apollo.ts).
   */
  stackTraces: boolean;
  /** Per token subject and minute; 0 turns a budget off. */
  rate: { operationsPerMinute: number; childRecordsPerMinute: number };
  log: "json" | "off";
}

export type DatabaseConfig =
  | {
      kind: "postgres";
      /** The serving role's connection. */
      url: string;
      poolSize: number;
      /** The owner role's connection, for migrations (and what only the owner may do); null: `url` does both. */
      migrateUrl?: string | null;
    }
  | { kind: "pglite"; dataDir: string | null };

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
  // Read here without reporting: parseHardening reports a bad HUB_PRODUCTION, in its place.
  const production = isProduction(env);
  const migrateUrl = parseMigrateUrl(env, url, production, problems);
  const poolSize = parseInteger(env.HUB_DB_POOL_SIZE, 10, "HUB_DB_POOL_SIZE", 1, 200, problems);
  const port = parseInteger(env.PORT, 4000, "PORT", 0, 65535, problems);
  const shutdownGraceMs = parseInteger(
    env.HUB_SHUTDOWN_GRACE_MS,
    10_000,
    "HUB_SHUTDOWN_GRACE_MS",
    0,
    600_000,
    problems,
  );
  const dataDirSetting = env.HUB_DATA_DIR?.trim() || "./data";
  const dataDir = dataDirSetting === "memory" ? null : path.resolve(projectRoot, dataDirSetting);
  const migrationsDir = path.resolve(projectRoot, env.HUB_MIGRATIONS_DIR?.trim() || "migrations");

  const warnings: string[] = [];
  const auth = parseAuth(env, production, problems, warnings);
  const hardening = parseHardening(env, auth, projectRoot, problems);
  checkGatewaySecret(env, production, hardening.subgraphTls !== null || hardening.gatewayTls !== null, problems);
  if (production && hardening.allowUnsignedSubgraphRequests)
    warnings.push(
      "HUB_SUBGRAPH_ALLOW_UNSIGNED=true in production: a subgraph server answers any caller that reaches it; " +
        "use the gateway's signature (HUB_GATEWAY_SECRET) or mutual TLS (HUB_SUBGRAPH_TLS_*) instead",
    );
  const observability = parseObservability(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  for (const warning of warnings) warn(warning);
  return {
    database: url ? { kind: "postgres", url, poolSize, migrateUrl } : { kind: "pglite", dataDir },
    production,
    migrationsDir,
    port,
    shutdownGraceMs,
    auth,
    hardening,
    observability,
    warnings,
  };
}

function parseObservability(env: NodeJS.ProcessEnv, problems: string[]): ObservabilityConfig {
  const metricsPort = env.HUB_METRICS_PORT?.trim();
  const port = metricsPort ? parseInteger(metricsPort, 0, "HUB_METRICS_PORT", 0, 65535, problems) : null;
  const host = env.HUB_METRICS_HOST?.trim() || "127.0.0.1";
  let otlpEndpoint = env.HUB_OTLP_ENDPOINT?.trim() || null;
  if (otlpEndpoint) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(otlpEndpoint);
    } catch {
      /* reported below */
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      problems.push(`HUB_OTLP_ENDPOINT must be an http:// or https:// URL, but got "${redactUrl(otlpEndpoint)}"`);
      otlpEndpoint = null;
    } else otlpEndpoint = otlpEndpoint.replace(/\/+$/, "");
  }
  const level = env.HUB_LOG_LEVEL?.trim().toLowerCase() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    problems.push(`HUB_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, but got "${env.HUB_LOG_LEVEL}"`);
  return {
    metrics: port === null ? null : { port, host },
    otlpEndpoint,
    serviceName: env.HUB_SERVICE_NAME?.trim() || "child-coverage-hub",
    logLevel: (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : "info",
  };
}

/** NODE_ENV=production or HUB_PRODUCTION=true (or 1): production in every respect, whichever was set. */
function isProduction(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV?.trim() === "production" || parseBoolean(env.HUB_PRODUCTION, false, "HUB_PRODUCTION", []);
}

function parseMigrateUrl(
  env: NodeJS.ProcessEnv,
  url: string | undefined,
  production: boolean,
  problems: string[],
): string | null {
  const migrateUrl = env.HUB_MIGRATE_DATABASE_URL?.trim() || null;
  if (migrateUrl && !/^postgres(ql)?:\/\//.test(migrateUrl))
    problems.push(
      `HUB_MIGRATE_DATABASE_URL must start with postgres:// or postgresql://, but got "${redactUrl(migrateUrl)}"`,
    );
  else if (migrateUrl && !url)
    problems.push(
      "HUB_MIGRATE_DATABASE_URL is set but DATABASE_URL is not: the embedded PGlite has one role, " +
        "so there is no separate owner to migrate as",
    );
  else if (!migrateUrl && url && production)
    problems.push(
      "HUB_MIGRATE_DATABASE_URL must be set in production with DATABASE_URL: the hub migrates as the role that owns " +
        "its schemas and serves as DATABASE_URL's role, which may only insert into and read the access log " +
        "(README, Configuration)",
    );
  return migrateUrl;
}

/**
 * Production signs subgraph requests with a key of its own, or proves the router by mutual TLS
 * instead; anywhere, the key is never the token secret.
 */
function checkGatewaySecret(env: NodeJS.ProcessEnv, production: boolean, mutualTls: boolean, problems: string[]): void {
  const key = env.HUB_GATEWAY_SECRET;
  if (key === undefined || key === "") {
    if (production && !mutualTls)
      problems.push(
        "HUB_GATEWAY_SECRET must be set in production (at least 32 bytes, not the token secret), unless routers " +
          "and subgraphs use mutual TLS (HUB_SUBGRAPH_TLS_*, HUB_GATEWAY_TLS_*): it is the key the gateway signs " +
          "its subgraph requests with, and a key derived from the token secret would let every system that " +
          "verifies tokens sign requests past the gateway's limits",
      );
    return;
  }
  if (key === env.HUB_JWT_SECRET)
    problems.push("HUB_GATEWAY_SECRET must differ from HUB_JWT_SECRET: whoever verifies tokens must not sign requests");
  else if (key === DEMO_JWT_SECRET && production)
    problems.push("HUB_GATEWAY_SECRET is the public demo secret: set a key of your own in production");
}

function parseAuth(env: NodeJS.ProcessEnv, production: boolean, problems: string[], warnings: string[]): AuthConfig {
  const issuer = env.HUB_JWT_ISSUER?.trim() || DEFAULT_JWT_ISSUER;
  const audience = env.HUB_JWT_AUDIENCE?.trim() || DEFAULT_JWT_AUDIENCE;
  const maxLifetimeSeconds = parseLifetime(env.HUB_JWT_MAX_LIFETIME, problems);
  const secret = env.HUB_JWT_SECRET;
  const jwksUrl = env.HUB_JWKS_URL?.trim();
  const demo: AuthConfig = {
    kind: "secret",
    secret: new TextEncoder().encode(DEMO_JWT_SECRET),
    demoSecret: true,
    issuer,
    audience,
    maxLifetimeSeconds,
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
    return { kind: "jwks", jwksUrl, issuer, audience, maxLifetimeSeconds };
  }
  if (secret !== undefined && secret !== "") {
    const bytes = new TextEncoder().encode(secret);
    // Never echo the secret itself, only its length.
    if (bytes.length < MIN_SECRET_BYTES)
      problems.push(`HUB_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, but got ${bytes.length}`);
    else if (secret === DEMO_JWT_SECRET && production)
      problems.push("HUB_JWT_SECRET is the public demo secret: set a secret of your own in production");
    return {
      kind: "secret",
      secret: bytes,
      demoSecret: secret === DEMO_JWT_SECRET,
      issuer,
      audience,
      maxLifetimeSeconds,
    };
  }
  if (production) {
    problems.push(
      "HUB_JWT_SECRET or HUB_JWKS_URL must be set in production (NODE_ENV=production or HUB_PRODUCTION=true); " +
        "the demo secret is public",
    );
    return demo;
  }
  warnings.push(
    "HUB_JWT_SECRET is unset: bearer tokens are signed and verified with the public demo secret " +
      "(fine for a demo, never for real data)",
  );
  return demo;
}

const LIFETIME_UNITS: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3_600, d: 86_400 };

/** HUB_JWT_MAX_LIFETIME: "24h", "90m", "2d" or plain seconds; 1 minute to 30 days. */
function parseLifetime(raw: string | undefined, problems: string[]): number {
  const value = raw?.trim();
  if (value === undefined || value === "") return DEFAULT_JWT_MAX_LIFETIME_SECONDS;
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(value);
  const seconds = match ? Number(match[1]) * LIFETIME_UNITS[match[2]!]! : NaN;
  if (!(seconds >= 60 && seconds <= 30 * 86_400)) {
    problems.push(
      'HUB_JWT_MAX_LIFETIME must be a duration from 1 minute to 30 days such as "24h", "90m" or "3600" (seconds), ' +
        `but got "${raw}"`,
    );
    return DEFAULT_JWT_MAX_LIFETIME_SECONDS;
  }
  return seconds;
}

/** Label of the gateway-signature key derived from the token secret: a key for one purpose only. */
const GATEWAY_KEY_LABEL = "child-coverage-hub gateway request signature v1";

/**
 * The hardening settings alone, for a server created without a whole Config (tests, benchmarks):
 * `loadHardening({}, auth)` gives the safe defaults, with the gateway key derived from `auth`
 * (outside production only: in production the key is HUB_GATEWAY_SECRET or none).
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
  // `production` is isProduction(env), with a bad HUB_PRODUCTION reported here, where the other settings are.
  const safelistSetting = env.HUB_SAFELIST?.trim();
  const allowUnsigned = parseBoolean(env.HUB_SUBGRAPH_ALLOW_UNSIGNED, false, "HUB_SUBGRAPH_ALLOW_UNSIGNED", problems);

  let gatewaySecret: Uint8Array | null = null;
  const secret = env.HUB_GATEWAY_SECRET;
  if (secret !== undefined && secret !== "") {
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < MIN_SECRET_BYTES)
      problems.push(`HUB_GATEWAY_SECRET must be at least ${MIN_SECRET_BYTES} bytes, but got ${bytes.length}`);
    gatewaySecret = bytes;
  } else if (auth.kind === "secret" && !production) {
    // The demo's convenience, never production's (loadConfig requires the setting there): a key
    // derived one-way from the token secret cannot sign tokens, but every holder of the token
    // secret can derive it and sign subgraph requests.
    gatewaySecret = new Uint8Array(createHmac("sha256", auth.secret).update(GATEWAY_KEY_LABEL).digest());
  }

  const subgraphTls = parseTlsFiles(env, "subgraph", projectRoot, problems);
  const gatewayTls = parseTlsFiles(env, "gateway", projectRoot, problems);
  if (allowUnsigned && subgraphTls)
    problems.push(
      "HUB_SUBGRAPH_ALLOW_UNSIGNED=true and HUB_SUBGRAPH_TLS_* are both set: a subgraph server that answers any " +
        "caller makes its client-certificate check pointless; unset one",
    );

  const log = env.HUB_LOG?.trim() || (env.VITEST ? "off" : "json");
  if (log !== "json" && log !== "off") problems.push(`HUB_LOG must be "json" or "off", but got "${log}"`);
  return {
    limits,
    production,
    safelist: safelistSetting ? path.resolve(projectRoot, safelistSetting) : null,
    gatewaySecret,
    allowUnsignedSubgraphRequests: allowUnsigned,
    subgraphTls,
    gatewayTls,
    stackTraces: parseBoolean(env.HUB_STACK_TRACES, false, "HUB_STACK_TRACES", problems),
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
