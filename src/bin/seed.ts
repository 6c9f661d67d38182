import { parseArgs } from "node:util";
import { loadConfig, redactUrl } from "../config/index.ts";
import { countRecords } from "../db/counts.ts";
import { dropEverything, openMigratedDatabase } from "../db/open.ts";
import { isValidIsoDate } from "../domain/dates.ts";
import { generateProvince } from "../generator/index.ts";
import { createProgress } from "../terminal/progress.ts";

const USAGE = "usage: npm run seed -- [--children N] [--seed S] [--as-of YYYY-MM-DD] [--reset]";

async function main() {
  const { values } = parseArgs({
    options: {
      children: { type: "string", default: "3000" },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string" },
      reset: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const children = Number(values.children);
  const seed = Number(values.seed);
  const asOf = values["as-of"] ?? new Date().toISOString().slice(0, 10);
  const problems = [
    !Number.isInteger(children) || children < 1
      ? `--children must be a whole number of at least 1, but got "${values.children}"`
      : null,
    !Number.isInteger(seed) ? `--seed must be a whole number, but got "${values.seed}"` : null,
    !isValidIsoDate(asOf) ? `--as-of must be a date like 2026-06-30, but got "${asOf}"` : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);

  const config = loadConfig();
  let database = await openMigratedDatabase(config);
  try {
    if (values.reset) {
      await dropEverything(database);
      await database.close();
      database = await openMigratedDatabase(config);
    }
    const existing = await countRecords(database.db);
    if (existing.persons! > 0 || existing.schools! > 0) {
      throw new Error(
        `the database already holds ${existing.persons} persons and ${existing.schools} schools; ` +
          "run with --reset to replace them",
      );
    }
    const where =
      config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
    console.log(
      `seeding ${children.toLocaleString("en-US")} children (seed ${seed}, as of ${asOf}) ` +
        `into ${config.database.kind} at ${where}`,
    );
    const progress = createProgress("children", children);
    const summary = await generateProvince(database.db, {
      children,
      seed,
      asOf,
      onProgress: (p) => progress.update(p.children, `${p.rows.toLocaleString("en-US")} rows`),
    });
    progress.done();
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    const seconds = (summary.milliseconds / 1000).toFixed(1);
    const rowsPerSecond = Math.round((rows / summary.milliseconds) * 1000).toLocaleString("en-US");
    console.log(`wrote ${rows.toLocaleString("en-US")} rows in ${seconds} s (${rowsPerSecond} rows/s)`);
    for (const [table, n] of Object.entries(summary.rows))
      console.log(`  ${table.padEnd(22)} ${n.toLocaleString("en-US").padStart(12)}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
