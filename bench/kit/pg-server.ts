import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * The PostgreSQL server of a run: DATABASE_URL when set, else a throwaway loopback cluster
 * started with .ci/pg-server.sh (removed by `stop`). Benchmarks get a database of their own on it.
 */
export async function benchServer(
  env: NodeJS.ProcessEnv,
): Promise<{ adminUrl: string; throwaway: boolean; stop(): void }> {
  const given = env.DATABASE_URL?.trim();
  if (given) return { adminUrl: given, throwaway: false, stop: () => {} };
  const parent = mkdtempSync(path.join(tmpdir(), "hub-bench-pg-"));
  const dir = path.join(parent, "cluster");
  const script = fileURLToPath(new URL("../../.ci/pg-server.sh", import.meta.url));
  const out = execFileSync("bash", [script, "start", dir], { encoding: "utf8" });
  const match = /export DATABASE_URL=(\S+)/.exec(out);
  if (!match) throw new Error(`.ci/pg-server.sh start printed no DATABASE_URL, but: ${out}`);
  return {
    adminUrl: match[1]!,
    throwaway: true,
    stop: () => {
      execFileSync("bash", [script, "stop", dir]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** Creates (or re-creates, unless `keep` and it exists) a database on the server; returns its URL. */
export async function benchDatabase(adminUrl: string, name: string, options: { keep?: boolean } = {}): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount! > 0;
    if (exists && !options.keep) await client.query(`drop database ${name} with (force)`);
    if (!exists || !options.keep) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}
