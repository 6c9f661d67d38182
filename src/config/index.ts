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
 */
export interface Config {
  database: DatabaseConfig;
  migrationsDir: string;
  port: number;
}

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "pglite"; dataDir: string | null };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, projectRoot: string = process.cwd()): Config {
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

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    database: url ? { kind: "postgres", url, poolSize } : { kind: "pglite", dataDir },
    migrationsDir,
    port,
  };
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
