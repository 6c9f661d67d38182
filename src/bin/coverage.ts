import { parseArgs } from "node:util";
import { loadConfig } from "../config/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { buildSnapshot } from "../coverage/store.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { isValidIsoDate } from "../domain/dates.ts";
import { createProgress } from "../terminal/progress.ts";

const USAGE = "usage: npm run coverage -- [--as-of YYYY-MM-DD]   (default: today in China)";

/**
 * Builds (or rebuilds) the coverage snapshot of a date, as a daily job would before the
 * offices open: the first GraphQL question about a new date otherwise waits for the build.
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
