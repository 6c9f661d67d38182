/**
 * Imports a generated education.student_registration file of N rows and reports rows per
 * second and peak memory (the importer should stay flat however large the file).
 *
 *   npx tsx bench/import.ts [--rows 1000000] [--chunk 5000] [--format csv|ndjson] [--again]
 *
 * Database: DATABASE_URL names a PostgreSQL server, on which a database of its own is created
 * and dropped afterwards; unset, a PGlite data directory in a temporary folder. --again imports
 * the same file a second time (every row unchanged).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resourceUsage } from "node:process";
import { parseArgs } from "node:util";
import { loadConfig, redactUrl } from "../src/config/index.ts";
import { openMigratedDatabase } from "../src/db/open.ts";
import { writeRegistrationFile } from "../src/generator/registration-file.ts";
import { importFile } from "../src/ingest/file.ts";
import { studentRegistrationKind } from "../src/ingest/kinds/education.ts";
import { adminQuery } from "../tests/kit/global-setup.ts";

const number = (n: number) => n.toLocaleString("en-US");
const peakRssMb = () => Math.round(resourceUsage().maxRSS / 1024);

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: "string", default: "1000000" },
      chunk: { type: "string", default: "5000" },
      format: { type: "string", default: "csv" },
      again: { type: "boolean", default: false },
    },
  });
  const rows = Number(values.rows);
  const chunkRows = Number(values.chunk);
  const format = values.format === "ndjson" ? "ndjson" : "csv";
  const dir = mkdtempSync(path.join(tmpdir(), "hub-bench-import-"));
  const file = path.join(dir, `education.student_registration.${format}`);

  let started = performance.now();
  await writeRegistrationFile(file, { rows, format });
  const megabytes = (statSync(file).size / 1e6).toFixed(0);
  const took = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`generated ${number(rows)} rows (${megabytes} MB of ${format}) in ${took} s`);

  const serverUrl = process.env.DATABASE_URL?.trim();
  const benchDb = `hub_bench_import_${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HUB_DATA_DIR: path.join(dir, "data"),
    HUB_JWT_SECRET: "bench-import-secret-bench-import-secret",
  };
  if (serverUrl) {
    await adminQuery(serverUrl, `create database ${benchDb}`);
    const u = new URL(serverUrl);
    u.pathname = `/${benchDb}`;
    env.DATABASE_URL = u.toString();
  }
  const config = loadConfig(env);
  const database = await openMigratedDatabase(config);
  try {
    const where = config.database.kind === "postgres" ? redactUrl(config.database.url) : config.database.dataDir;
    console.log(
      `engine ${config.database.kind} at ${where}; ${number(chunkRows)} rows per chunk; ` +
        `peak RSS before import ${peakRssMb()} MB`,
    );
    for (const pass of values.again ? ["first", "again"] : ["first"]) {
      started = performance.now();
      let lastReport = started;
      const summary = await importFile(database.db, studentRegistrationKind, file, {
        format,
        chunkRows,
        onChunk: (chunk) => {
          const now = performance.now();
          if (now - lastReport > 30_000) {
            lastReport = now;
            const rate = Math.round((chunk.lastLine - 1) / ((now - started) / 1000));
            console.log(`  … line ${number(chunk.lastLine)}: ${number(rate)} rows/s, peak RSS ${peakRssMb()} MB`);
          }
        },
      });
      console.log(
        `${pass}: ${number(summary.rowsRead)} rows (${number(summary.accepted)} new, ` +
          `${number(summary.unchanged)} unchanged, ${number(summary.rejectedRows)} rejected) ` +
          `in ${summary.seconds.toFixed(1)} s = ${number(summary.rowsPerSecond)} rows/s; peak RSS ${peakRssMb()} MB`,
      );
    }
  } finally {
    await database.close();
    if (serverUrl) await adminQuery(serverUrl, `drop database if exists ${benchDb} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
