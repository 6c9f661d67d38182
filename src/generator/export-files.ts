import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { asc, getTableColumns, gt } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import type { RecordKind } from "../ingest/kind.ts";
import { RECORD_KINDS } from "../ingest/kinds/index.ts";

export type ExportFormat = "csv" | "ndjson";

export interface ExportOptions {
  format: ExportFormat;
  /** The kinds to write; every kind by default. */
  kinds?: readonly RecordKind[];
  /** Stop after this many rows of each kind (the sample files under tests/fixtures). */
  maxRowsPerKind?: number;
  /** Rows read per query: bounds memory however large the province. */
  pageSize?: number;
}

export interface ExportedFile {
  kind: string;
  path: string;
  rows: number;
}

/**
 * Writes the department tables as the files departments exchange: one file per kind,
 * `<kind name>.csv` (a header row of the kind's column names, RFC 4180 quoting, UTF-8 without
 * BOM, LF line ends) or `<kind name>.ndjson` (one JSON object of text values per line, empty
 * values omitted). What it writes is exactly what `npm run import` and `parseRow` read back. Rows are
 * read in pages by surrogate id and streamed out, so a province of millions never sits in memory.
 *
 *   await exportDepartmentFiles(db, "out", { format: "csv" })
 *   // [{ kind: "household.household", path: "out/household.household.csv", rows: 812 }, …]
 */
export async function exportDepartmentFiles(db: Db, dir: string, options: ExportOptions): Promise<ExportedFile[]> {
  await mkdir(dir, { recursive: true });
  const written: ExportedFile[] = [];
  for (const kind of options.kinds ?? RECORD_KINDS) {
    const path = join(dir, `${kind.name}.${options.format}`);
    const rows = await exportKind(db, kind, path, options);
    written.push({ kind: kind.name, path, rows });
  }
  return written;
}

async function exportKind(db: Db, kind: RecordKind, path: string, options: ExportOptions): Promise<number> {
  const pageSize = options.pageSize ?? 5_000;
  const limit = options.maxRowsPerKind ?? Number.POSITIVE_INFINITY;
  const id = (getTableColumns(kind.table) as Record<string, PgColumn>).id;
  if (!id) throw new Error(`${kind.name}: its table has no id column to page by`);
  const out = createWriteStream(path, { encoding: "utf8" });
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, "drain");
  };
  let count = 0;
  try {
    if (options.format === "csv") await write(`${kind.columns.map((c) => csvField(c.name)).join(",")}\n`);
    let after = 0;
    while (count < limit) {
      const take = Math.min(pageSize, limit - count);
      const page = (await db.select().from(kind.table).where(gt(id, after)).orderBy(asc(id)).limit(take)) as Record<
        string,
        unknown
      >[];
      if (page.length === 0) break;
      let chunk = "";
      for (const row of page) chunk += options.format === "csv" ? csvLine(kind, row) : ndjsonLine(kind, row);
      await write(chunk);
      count += page.length;
      after = Number(page[page.length - 1]!.id);
      if (page.length < take) break;
    }
  } finally {
    out.end();
    await finished(out);
  }
  return count;
}

/** A stored value as a department writes it: text; null is empty; char columns lose their padding. */
export function asFileText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value).trimEnd();
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(kind: RecordKind, row: Record<string, unknown>): string {
  return `${kind.columns.map((c) => csvField(asFileText(row[c.property]))).join(",")}\n`;
}

function ndjsonLine(kind: RecordKind, row: Record<string, unknown>): string {
  const record: Record<string, string> = {};
  for (const c of kind.columns) {
    const text = asFileText(row[c.property]);
    if (text !== "") record[c.name] = text;
  }
  return `${JSON.stringify(record)}\n`;
}
