import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { defaultAsOf } from "../coverage/as-of.ts";
import { queryRows, type Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";

/**
 * Readiness (/readyz): may this instance take traffic? Three checks, in order, the first that
 * fails named in the answer:
 *
 * - `database`: the database answers `select 1` (within `timeoutMs`);
 * - `migrations`: the newest migration of the migrations folder is applied;
 * - `snapshot`: today's coverage snapshot (today in China, `defaultAsOf`) is built.
 *
 * Liveness (/healthz) is only "the process answers" and touches nothing (http.ts). A result is
 * kept for `cacheMs`, so a probe storm costs one round of queries a second at most.
 *
 *   const ready = createReadiness(db, "migrations");
 *   await ready();
 *   // { ok: false, failing: "snapshot",
 *   //   checks: { database: "ok", migrations: "ok", snapshot: "no coverage snapshot for 2026-06-30 (…)" } }
 */
export interface Readiness {
  ok: boolean;
  /** The first check that failed. */
  failing?: ReadinessCheckName;
  /** Each check's outcome: "ok", or why not; a check after a failed one is "not checked". */
  checks: Record<ReadinessCheckName, string>;
}

export type ReadinessCheckName = "database" | "migrations" | "snapshot";

export interface ReadinessOptions {
  /** Today, for the snapshot check (default: today in China). */
  today?: () => IsoDate;
  cacheMs?: number;
  /** A check taking longer fails (a frozen database must not hang the probe). */
  timeoutMs?: number;
}

export function createReadiness(
  db: Db,
  migrationsDir: string,
  options: ReadinessOptions = {},
): () => Promise<Readiness> {
  const { today = () => defaultAsOf(), cacheMs = 1_000, timeoutMs = 2_000 } = options;
  const newest = newestMigration(migrationsDir);
  let cached: { at: number; result: Promise<Readiness> } | null = null;

  const checks: [ReadinessCheckName, () => Promise<string>][] = [
    ["database", async () => (await queryRows(db, sql`select 1 as ok`), "ok")],
    [
      "migrations",
      async () => {
        if (newest === null) return `no migrations found in ${migrationsDir}`;
        const [row] = await queryRows<{ applied: string | number | null }>(
          db,
          sql`select max(created_at) as applied from drizzle.__drizzle_migrations`,
        ).catch((error: unknown) => {
          // PostgreSQL's serving role may not read drizzle's history (src/db/migrate.ts): the
          // owner migrated before this process began serving (openMigratedDatabase), so say so.
          if (codeOf(error) === "42501") return [{ applied: newest.when }];
          throw error;
        });
        const applied = row?.applied === null || row?.applied === undefined ? 0 : Number(row.applied);
        return applied >= newest.when ? "ok" : `migration ${newest.tag} is not applied (the hub migrates at start-up)`;
      },
    ],
    [
      "snapshot",
      async () => {
        const asOf = today();
        const rows = await queryRows(db, sql`select 1 from hub.coverage_snapshots where as_of = ${asOf}`);
        return rows.length > 0 ? "ok" : `no coverage snapshot for ${asOf} (npm run coverage builds it)`;
      },
    ],
  ];

  const run = async (): Promise<Readiness> => {
    const outcome = {} as Record<ReadinessCheckName, string>;
    let failing: ReadinessCheckName | undefined;
    for (const [name, check] of checks) {
      if (failing) {
        outcome[name] = "not checked";
        continue;
      }
      outcome[name] = await withTimeout(check(), timeoutMs).catch(
        (error: unknown) => `failed: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`,
      );
      if (outcome[name] !== "ok") failing = name;
    }
    return failing ? { ok: false, failing, checks: outcome } : { ok: true, checks: outcome };
  };

  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, result: run() };
    return cached.result;
  };
}

/** The newest entry of drizzle's journal: its tag and the `when` drizzle records as `created_at`. */
function newestMigration(migrationsDir: string): { tag: string; when: number } | null {
  try {
    const journal = JSON.parse(readFileSync(path.join(migrationsDir, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string; when: number }[];
    };
    return journal.entries.reduce<{ tag: string; when: number } | null>(
      (newest, e) => (!newest || e.when > newest.when ? { tag: e.tag, when: e.when } : newest),
      null,
    );
  } catch {
    return null;
  }
}

/** The SQLSTATE of a driver error, or of the one drizzle wraps. */
function codeOf(error: unknown): string | undefined {
  for (let e = error, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
