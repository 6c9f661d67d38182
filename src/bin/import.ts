import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEPARTMENTS, type Department } from "../access/identity/viewer.ts";
import { loadConfig, redactUrl } from "../config/index.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { describeFailure } from "../ingest/failure.ts";
import {
  DEFAULT_CHUNK_ROWS,
  DEFAULT_MAX_LINE_BYTES,
  FILE_ENCODINGS,
  FILE_FORMATS,
  ImportFileError,
  importFile,
  type FileEncoding,
  type FileFormat,
} from "../ingest/file.ts";
import type { RecordKind } from "../ingest/kind.ts";
import { RECORD_KINDS, kindsOf, recordKind } from "../ingest/kinds/index.ts";
import { createProgress } from "../terminal/progress.ts";

const USAGE = `usage: npm run import -- --department <${DEPARTMENTS.join("|")}> --file <path> [--kind <kind>] \
[--format csv|ndjson] [--encoding utf8|gbk|gb18030] [--chunk ${DEFAULT_CHUNK_ROWS}] [--report <path>] \
[--max-line-bytes ${DEFAULT_MAX_LINE_BYTES}]

  --kind     defaults from the file name: <kind>.csv or <kind>.ndjson, e.g. education.student_registration.csv
  --format   defaults from the extension (.csv; .ndjson or .jsonl)
  --encoding the file's characters: utf8 (default), or gbk / gb18030 for a "CSV" saved by Excel on
             Chinese Windows (read line by line, stored as UTF-8); a GBK file read as UTF-8 is
             refused line by line, never stored as garbage
  --chunk    rows per transaction; every chunk reported committed is in the database
  --report   where rejected rows go, in Chinese for Excel (UTF-8 with a byte order mark:
             行号,记录编号,字段,原因); default <file>.rejected.csv
  --max-line-bytes  the longest line read; a longer one is rejected by its line number, unread

A record id the file holds twice: the last copy is imported, the earlier ones are rejected as superseded.

Exit code 0 when the file was processed (rejected rows are in the report), 2 for a usage error, 1 for a failure.`;

/** A mistake in the command line: exit code 2. */
class UsageError extends Error {}

interface Invocation {
  department: Department;
  kind: RecordKind;
  file: string;
  format: FileFormat;
  encoding: FileEncoding;
  chunkRows: number;
  reportPath: string;
  maxLineBytes: number;
}

function readInvocation(): Invocation | null {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        department: { type: "string" },
        file: { type: "string" },
        kind: { type: "string" },
        format: { type: "string" },
        encoding: { type: "string", default: "utf8" },
        chunk: { type: "string", default: String(DEFAULT_CHUNK_ROWS) },
        report: { type: "string" },
        "max-line-bytes": { type: "string", default: String(DEFAULT_MAX_LINE_BYTES) },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const problems: string[] = [];
  const department = values.department as Department | undefined;
  if (department === undefined) problems.push(`--department is required (one of ${DEPARTMENTS.join(", ")})`);
  else if (!DEPARTMENTS.includes(department))
    problems.push(`--department must be one of ${DEPARTMENTS.join(", ")}, but got "${department}"`);

  const file = values.file;
  if (file === undefined) problems.push("--file is required");
  else if (!isFile(file)) problems.push(`--file must be a readable file, but "${file}" is not one`);

  const base = file ? path.basename(file) : "";
  let kind: RecordKind | undefined;
  if (values.kind !== undefined) {
    kind = recordKind(values.kind);
    if (!kind)
      problems.push(`--kind must be one of ${RECORD_KINDS.map((k) => k.name).join(", ")}, but got "${values.kind}"`);
  } else if (file) {
    // The longest kind name the file name starts with: "education.student_registration.csv".
    kind = [...RECORD_KINDS].sort((a, b) => b.name.length - a.name.length).find((k) => base.startsWith(`${k.name}.`));
    if (!kind) {
      const kinds = department && DEPARTMENTS.includes(department) ? kindsOf(department) : RECORD_KINDS;
      const examples = kinds.map((k) => `${k.name}.csv`).join(", ");
      problems.push(`--kind is required: the file name "${base}" does not start with a kind (${examples})`);
    }
  }
  if (kind && department && DEPARTMENTS.includes(department) && kind.department !== department) {
    const own =
      kindsOf(department)
        .map((k) => k.name)
        .join(", ") || "none yet";
    problems.push(
      `${kind.name} records belong to the ${kind.department} department, but --department is "${department}"; ` +
        `a department imports only its own records (${own})`,
    );
  }

  let format = values.format as FileFormat | undefined;
  if (format !== undefined && !FILE_FORMATS.includes(format))
    problems.push(`--format must be one of ${FILE_FORMATS.join(", ")}, but got "${format}"`);
  if (format === undefined && file) {
    const extension = path.extname(base).toLowerCase();
    format = extension === ".csv" ? "csv" : extension === ".ndjson" || extension === ".jsonl" ? "ndjson" : undefined;
    if (!format) problems.push(`--format is required: the file name "${base}" ends in neither .csv nor .ndjson`);
  }

  // "utf-8", "GBK": as people write them.
  const encoding = values.encoding.toLowerCase().replace(/^utf-8$/, "utf8") as FileEncoding;
  if (!FILE_ENCODINGS.includes(encoding))
    problems.push(`--encoding must be one of ${FILE_ENCODINGS.join(", ")}, but got "${values.encoding}"`);

  const chunkRows = Number(values.chunk);
  if (!Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 1_000_000)
    problems.push(`--chunk must be a whole number from 1 to 1000000, but got "${values.chunk}"`);

  const maxLineBytes = Number(values["max-line-bytes"]);
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1024 || maxLineBytes > 64 * 1024 * 1024)
    problems.push(
      `--max-line-bytes must be a whole number from 1024 to ${64 * 1024 * 1024}, but got "${values["max-line-bytes"]}"`,
    );

  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return {
    department: department!,
    kind: kind!,
    file: file!,
    format: format!,
    encoding,
    chunkRows,
    reportPath: values.report ?? `${file}.rejected.csv`,
    maxLineBytes,
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Data lines in the file (for the progress bar's total only; cheap next to the import). */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    const buffer = chunk as Buffer;
    for (let i = buffer.indexOf(10); i >= 0; i = buffer.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

const number = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<number> {
  const invocation = readInvocation();
  if (!invocation) {
    console.log(USAGE);
    return 0;
  }
  const { kind, file, format, encoding, chunkRows, reportPath, maxLineBytes } = invocation;
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    const where =
      config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
    console.log(
      `importing ${file} as ${kind.name} (${format}${encoding === "utf8" ? "" : `, ${encoding.toUpperCase()}`}, ` +
        `${number(chunkRows)} rows per chunk) ` +
        `into ${config.database.kind} at ${where}`,
    );
    const tty = process.stderr.isTTY === true;
    const estimatedRows = tty ? Math.max(0, (await countLines(file)) - (format === "csv" ? 1 : 0)) : 0;
    const progress = tty ? createProgress(kind.name, estimatedRows) : null;
    let rowsDone = 0;
    const summary = await importFile(database.db, kind, file, {
      format,
      chunkRows,
      reportPath,
      maxLineBytes,
      encoding,
      reportLanguage: "zh",
      actor: `import:${invocation.department}`,
      onChunk: (chunk) => {
        rowsDone += chunk.rows;
        const detail =
          `${number(chunk.accepted)} new, ${number(chunk.updated)} updated, ` +
          `${number(chunk.unchanged)} unchanged, ${number(chunk.rejectedRows)} rejected`;
        if (progress) progress.update(rowsDone, `(${number(rowsDone)} rows committed)`);
        else
          console.log(
            `chunk ${chunk.number} committed: lines ${chunk.firstLine}–${chunk.lastLine}, ` +
              `${number(chunk.rows)} rows (${detail})`,
          );
      },
    });
    progress?.done();
    console.log(
      `done: ${number(summary.rowsRead)} rows read, ${number(summary.accepted)} new, ` +
        `${number(summary.updated)} updated, ${number(summary.unchanged)} unchanged, ` +
        `${number(summary.rejectedRows)} rejected; ${number(summary.chunksCommitted)} chunks committed ` +
        `in ${summary.seconds.toFixed(1)} s (${number(summary.rowsPerSecond)} rows/s)`,
    );
    if (summary.rowsRead === 0) console.log("the file holds no rows: nothing to import");
    if (summary.updated > 0)
      console.log(
        `${number(summary.updated)} records the database already held under the same record_id now hold this ` +
          "file's values (a record id names one record: sending it again corrects it)",
      );
    if (summary.superseded > 0)
      console.log(
        `${number(summary.superseded)} of the rejected rows are earlier copies of a record repeated later ` +
          "in the file: the last copy of each is the one imported",
      );
    if (summary.rejectedRows > 0)
      console.log(
        `rejected rows (${number(summary.rejectedValues)} problems, by line and field): ${summary.reportPath}`,
      );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    // Never the error itself: a database error's message quotes the rows' names and ID numbers.
    console.error(
      error instanceof ImportFileError ? `cannot import: ${error.message}` : `import failed: ${describeFailure(error)}`,
    );
    process.exit(1);
  },
);
