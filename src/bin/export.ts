import { parseArgs } from "node:util";
import { loadConfig, redactUrl } from "../config/index.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { exportDepartmentFiles, type ExportFormat } from "../generator/export-files.ts";

const USAGE = "usage: npm run export -- --dir DIR [--format csv|ndjson]";
const FORMATS: readonly ExportFormat[] = ["csv", "ndjson"];

/**
 * Writes the database's department records as department files (one per kind), for
 * `npm run import` and for departments to compare.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      format: { type: "string", default: "csv" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const format = values.format as ExportFormat;
  const problems = [
    !values.dir ? "--dir is required: the directory to write the files into" : null,
    !FORMATS.includes(format) ? `--format must be one of ${FORMATS.join(", ")}, but got "${values.format}"` : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);

  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    const where =
      config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
    console.log(`exporting department records from ${config.database.kind} at ${where} to ${values.dir} as ${format}`);
    const started = performance.now();
    const files = await exportDepartmentFiles(database.db, values.dir!, { format });
    for (const f of files) console.log(`  ${f.path.padEnd(60)} ${f.rows.toLocaleString("en-US").padStart(12)} rows`);
    const rows = files.reduce((sum, f) => sum + f.rows, 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`wrote ${rows.toLocaleString("en-US")} rows in ${files.length} files in ${seconds} s`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
