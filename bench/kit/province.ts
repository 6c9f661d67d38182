import { sql } from "drizzle-orm";
import { loadConfig, type Config } from "../../src/config/index.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import type { Database } from "../../src/db/client.ts";
import { dropEverything, openMigratedDatabase } from "../../src/db/open.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { linkFromTruth } from "../../tests/kit/link-from-truth.ts";
import { say } from "./log.ts";
import { provinceMeta } from "./province-meta.ts";

export interface ProvinceOptions {
  children: number;
  seed: number;
  asOf: string;
  /** Reuse a province a previous run left in the same database (same size, seed and date). */
  keep: boolean;
}

export interface PreparedProvince {
  database: Database;
  config: Config;
  /** How the province came to be, for the results' notes. */
  notes: string[];
}

/**
 * A province of N children on the configured engine, ready for the API scenarios: generated,
 * linked from the generator's truth (the API scenarios measure reading, not matching, and
 * a perfect index makes the baseline's answer unambiguous), its coverage snapshot built and
 * the planner's statistics fresh.
 */
export async function prepareProvince(env: NodeJS.ProcessEnv, options: ProvinceOptions): Promise<PreparedProvince> {
  const config = loadConfig({
    ...env,
    HUB_DATA_DIR: env.HUB_DATA_DIR ?? "memory",
    HUB_DB_POOL_SIZE: env.HUB_DB_POOL_SIZE ?? "20",
  });
  let database = await openMigratedDatabase(config);
  const notes: string[] = [];
  const existing = await provinceMeta(database.db);
  if (
    options.keep &&
    existing.children === String(options.children) &&
    existing.seed === String(options.seed) &&
    existing.as_of === options.asOf &&
    existing.bench_ready === "1"
  ) {
    say(
      `reusing the prepared province of ${options.children.toLocaleString("en-US")} children ` +
        `(seed ${options.seed}) in the database`,
    );
    notes.push("province reused from an earlier run (--keep)");
    return { database, config, notes };
  }
  await dropEverything(database);
  await database.close();
  database = await openMigratedDatabase(config);
  let started = performance.now();
  await generateProvince(database.db, { children: options.children, seed: options.seed, asOf: options.asOf });
  notes.push(`generated in ${seconds(started)}`);
  say(`generated ${options.children.toLocaleString("en-US")} children in ${seconds(started)}`);
  started = performance.now();
  await linkFromTruth(database.db);
  notes.push(`linked from the generator's truth in ${seconds(started)}`);
  say(`linked from truth in ${seconds(started)}`);
  started = performance.now();
  await buildSnapshot(database.db, options.asOf);
  notes.push(`coverage snapshot of ${options.asOf} in ${seconds(started)}`);
  say(`coverage snapshot in ${seconds(started)}`);
  await database.db.execute(sql`analyze`);
  await database.db.execute(sql`insert into truth.meta (key, value) values ('bench_ready', '1')`);
  return { database, config, notes };
}

const seconds = (started: number) => `${((performance.now() - started) / 1000).toFixed(1)} s`;
