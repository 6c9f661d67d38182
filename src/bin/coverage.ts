import { parseArgs } from "node:util";
import { loadConfig } from "../config/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { buildSnapshot } from "../coverage/store.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { isValidIsoDate } from "../domain/dates.ts";
import { createProgress } from "../terminal/progress.ts";

const USAGE = "usage: npm run coverage -- [--as-of YYYY-MM-DD]   (default: today in China)";

/**
 * Builds (or rebuilds) the coverage snapshot of a date: the daily job, run before the offices
 * open. Nothing else builds one (ingestion only re-assesses the children it touches in the
 * snapshots that exist): a GraphQL list or statistic for a date without a snapshot is refused,
 * naming the dates that exist, and without a date answers from the newest one up to today.
 */
async function main() {
  const { values } = parseArgs({ options: { "as-of": { type: "string" }, help: { type: "boolean", default: false } } });
  if (values.help) return void console.log(USAGE);
  const asOf = values["as-of"] ?? defaultAsOf();
  if (!isValidIsoDate(asOf)) throw new Error(`--as-of must be a date like 2026-12-31, but got "${asOf}"\n${USAGE}`);
  const database = await openMigratedDatabase(loadConfig());
  try {
    const started = performance.now();
    let progress: ReturnType<typeof createProgress> | null = null;
    const stored = await buildSnapshot(database.db, asOf, {
      onProgress: (done, total) => {
        progress ??= createProgress("children", total);
        progress.update(done);
      },
    });
    (progress as ReturnType<typeof createProgress> | null)?.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`coverage as of ${asOf}: ${stored.toLocaleString("en-US")} children assessed in ${seconds} s`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
