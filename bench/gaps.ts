/**
 * Gap accuracy at scale (issue 19's acceptance): generates a province, links it with the
 * matching engine (not from the truth: its misses are part of what the hub shows), builds the
 * coverage snapshot and scores every gap against the generator's truth, overall and for migrants,
 * certificate-only newborns and needy children (bench/gap-accuracy.ts).
 *
 *   npx tsx bench/gaps.ts [--children 100000] [--seed 2024] [--as-of 2026-06-30] [--write]
 *
 * Database: DATABASE_URL (a PostgreSQL server; its contents are dropped) or else an in-memory
 * PGlite. --write also writes the table to bench/results/<today>-gaps.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/index.ts";
import { buildSnapshot } from "../src/coverage/store.ts";
import { dropEverything, openMigratedDatabase } from "../src/db/open.ts";
import { isValidIsoDate } from "../src/domain/dates.ts";
import { generateProvince } from "../src/generator/index.ts";
import { linkAll } from "../src/linkage/link.ts";
import { gapAccuracyTable, measureGapAccuracy } from "./gap-accuracy.ts";

async function main() {
  const { values } = parseArgs({
    options: {
      children: { type: "string", default: "100000" },
      seed: { type: "string", default: "2024" },
      "as-of": { type: "string", default: "2026-06-30" },
      write: { type: "boolean", default: false },
    },
  });
  const children = Number(values.children);
  const seed = Number(values.seed);
  const asOf = values["as-of"];
  if (!Number.isInteger(children) || children < 1)
    throw new Error(`--children must be a whole number of at least 1, but got "${values.children}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, but got "${values.seed}"`);
  if (!isValidIsoDate(asOf)) throw new Error(`--as-of must be a date like 2026-06-30, but got "${asOf}"`);

  const config = loadConfig({ ...process.env, HUB_DATA_DIR: process.env.HUB_DATA_DIR ?? "memory" });
  let database = await openMigratedDatabase(config);
  await dropEverything(database);
  await database.close();
  database = await openMigratedDatabase(config);
  try {
    const times: string[] = [];
    const step = async (name: string, work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      const s = ((performance.now() - started) / 1000).toFixed(1);
      times.push(`${name} ${s} s`);
      console.log(`${name}: ${s} s`);
    };
    await step("generate", () => generateProvince(database.db, { children, seed, asOf }));
    await step("link (linkAll)", () => linkAll(database.db));
    await step("snapshot", () => buildSnapshot(database.db, asOf));
    const accuracy = await measureGapAccuracy(database.db, asOf, "33");
    const table = gapAccuracyTable(accuracy);
    const header =
      `Gap accuracy, ${children.toLocaleString("en-US")} children (seed ${seed}, as of ${asOf}) on ${database.kind}, ` +
      `linked by linkAll; ${accuracy.invisible} true children on no record left out. ` +
      `${times.join(", ")}; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}.`;
    console.log(`\n${header}\n\n${table}\n`);
    if (values.write) {
      const dir = path.resolve(import.meta.dirname, "results");
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}-gaps.md`);
      writeFileSync(file, `# Gap accuracy\n\n${header}\n\n${table}\n`);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
