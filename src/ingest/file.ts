import { open, type FileHandle } from "node:fs/promises";
import type { Db } from "../db/client.ts";
import { ingestBatch, type IngestReport } from "./batch.ts";
import { IngestFailure, isRowFault, rowRefusal } from "./failure.ts";
import { readFileItems, type FileEncoding, type FileFormat, type FileItem, type ReadOptions } from "./file-rows.ts";
import { CHINESE_REPORT_HEADER, chineseRejection } from "./report-zh.ts";
import type { RawRow, RecordKind } from "./kind.ts";

export {
  DEFAULT_MAX_LINE_BYTES,
  FILE_ENCODINGS,
  FILE_FORMATS,
  ImportFileError,
  WHOLE_LINE,
  type FileEncoding,
  type FileFormat,
} from "./file-rows.ts";
export { WHOLE_ROW } from "./failure.ts";

export const DEFAULT_CHUNK_ROWS = 5_000;

export interface ImportFileOptions {
  format: FileFormat;
  /** Rows per transaction (default 5,000). */
  chunkRows?: number;
  /** Where the rejected rows go (default `<file>.rejected.csv`); rewritten on every run. */
  reportPath?: string;
  /** Who sent the file, for the link history. */
  actor?: string;
  /** Called after each chunk is committed, in file order. */
  onChunk?: (chunk: CommittedChunk) => void;
  /** Called with the bytes read so far. */
  onBytes?: (bytes: number) => void;
  /** How many lines one quoted CSV field may span before its quote is taken for a broken one. */
  maxRecordLines?: number;
  /** The longest line read (default 64 KB); a longer one is rejected by its line, unread. */
  maxLineBytes?: number;
  /** The file's character encoding (default UTF-8; GBK and GB18030 as Excel on Chinese Windows saves). */
  encoding?: FileEncoding;
  /**
   * The report's language: "en" (default) line,record_id,field,message as the API reports rows;
   * "zh" for the people who fix the rows (npm run import): Chinese headings and reasons, with a
   * UTF-8 byte order mark so Excel opens it as UTF-8 (report-zh.ts).
   */
  reportLanguage?: "en" | "zh";
}

/** One transaction of an import, reported only once the database has committed it. */
export interface CommittedChunk {
  /** 1, 2, … in file order. */
  number: number;
  /** The lines its rows start on, first and last (a quoted CSV record may go on past `lastLine`). */
  firstLine: number;
  lastLine: number;
  rows: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  /** Of the rejected rows, earlier copies of a record the file repeats later (the last copy is the one imported). */
  superseded: number;
  touchedChildren: number;
}

export interface ImportSummary {
  file: string;
  kind: string;
  reportPath: string;
  /** Rows found in the file (readable or not; the header and blank lines not counted). */
  rowsRead: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  /** Of the rejected rows, earlier copies of a record the file repeats later (the last copy is the one imported). */
  superseded: number;
  /** Lines in the report: a row with three bad values has three. */
  rejectedValues: number;
  chunksCommitted: number;
  seconds: number;
  rowsPerSecond: number;
}

/** One rejection in the report file. */
interface Rejection {
  line: number;
  recordId: string | null;
  field: string;
  message: string;
}

interface Chunk {
  number: number;
  rows: RawRow[];
  lines: number[];
  unreadable: Rejection[];
  superseded: Rejection[];
  firstLine: number;
  lastLine: number;
}

/**
 * Imports a department file (CSV with a header line, or NDJSON) of one kind in chunks of
 * `chunkRows` rows, each chunk one `ingestBatch` transaction. Rejections carry the LINE the row
 * starts on, and go to the report file (line, record_id, field, message) once their chunk is
 * committed. Memory stays bounded: at most the chunk being written and the next one being
 * read are held, reading waits while a full next chunk waits for the database, and no line
 * longer than `maxLineBytes` is ever held; besides, the record ids of the file (see below).
 *
 * One bad row never stops the file. A value the parsers refuse (a NUL byte, an ID number with
 * the wrong check character, a line too long, text that is not UTF-8) is rejected before
 * anything is written. A row the database itself refuses (a constraint the checks before the
 * write did not foresee) fails its chunk's transaction; the chunk is then split in halves, each
 * its own transaction, down to the rows that fail alone, which are rejected with the field and
 * the rule the database named (never the value). A split chunk is reported once all its parts
 * committed.
 *
 * A record id the file holds more than once: the LAST copy is the one imported (a later line is
 * a later correction, as in a log), wherever the copies are, and every earlier copy is rejected
 * as superseded, naming the line of the later one. The file is read twice for this: first for
 * its record ids alone (only the ids are kept, about 80 bytes each), then to import it. So a run
 * gives the same result whatever the chunk size, and a second run changes nothing.
 *
 * A chunk is reported (`onChunk`) only after its transaction committed. If the process dies,
 * every reported chunk is in the database and the chunk in flight is not (or, for a chunk being
 * split, some of its parts); importing the same file again finds the committed rows unchanged
 * and finishes the rest.
 *
 *   await importFile(db, studentRegistrationKind, "students.csv", { format: "csv" })
 *   // { rowsRead: 10000, accepted: 9990, updated: 0, unchanged: 0, rejectedRows: 10, chunksCommitted: 2, … }
 */
export async function importFile(
  db: Db,
  kind: RecordKind,
  path: string,
  options: ImportFileOptions,
): Promise<ImportSummary> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    throw new RangeError(`chunkRows must be a whole number of at least 1, but got ${chunkRows}`);
  const reportPath = options.reportPath ?? `${path}.rejected.csv`;
  const started = performance.now();
  const totals = {
    rowsRead: 0,
    accepted: 0,
    updated: 0,
    unchanged: 0,
    rejectedRows: 0,
    superseded: 0,
    rejectedValues: 0,
    chunksCommitted: 0,
  };
  const read: ReadOptions = {
    maxRecordLines: options.maxRecordLines,
    maxLineBytes: options.maxLineBytes,
    encoding: options.encoding,
  };
  const chinese = options.reportLanguage === "zh";
  const lastCopies = await repeatedRecords(path, options.format, kind, read);
  const report = await open(reportPath, "w");
  await report.write(chinese ? CHINESE_REPORT_HEADER : "line,record_id,field,message\n");

  const commit = async (chunk: Chunk): Promise<void> => {
    const result = await ingestIsolating(db, kind, chunk.rows, chunk.lines, options.actor);
    // Committed from here on.
    const rejections = [
      ...chunk.unreadable,
      ...chunk.superseded,
      ...result.rejected.map((r) => ({ line: r.index, recordId: r.recordId, field: r.field, message: r.message })),
    ];
    rejections.sort((a, b) => a.line - b.line);
    await writeRejections(report, chinese ? rejections.map(chineseRejection) : rejections);
    const rows = chunk.rows.length + chunk.unreadable.length + chunk.superseded.length;
    const rejectedRows = result.rejectedRows + chunk.unreadable.length + chunk.superseded.length;
    totals.rowsRead += rows;
    totals.accepted += result.accepted;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.rejectedRows += rejectedRows;
    totals.superseded += chunk.superseded.length;
    totals.rejectedValues += rejections.length;
    totals.chunksCommitted++;
    options.onChunk?.({
      number: chunk.number,
      firstLine: chunk.firstLine,
      lastLine: chunk.lastLine,
      rows,
      accepted: result.accepted,
      updated: result.updated,
      unchanged: result.unchanged,
      rejectedRows,
      superseded: chunk.superseded.length,
      touchedChildren: result.touchedChildren,
    });
  };

  const newChunk = (number: number): Chunk => ({
    number,
    rows: [],
    lines: [],
    unreadable: [],
    superseded: [],
    firstLine: 0,
    lastLine: 0,
  });
  let filling = newChunk(1);
  // The chunk the database is writing while the next one is read (one at a time: chunks commit in file order).
  let writing: Promise<void> | null = null;
  try {
    for await (const block of readFileItems(path, options.format, kind, { ...read, onBytes: options.onBytes })) {
      for (const item of block) {
        add(filling, item, lastCopies);
        if (size(filling) < chunkRows) continue;
        if (writing) await writing;
        writing = commit(filling);
        // Surfaced by the next `await writing`; this only keeps it from counting as unhandled meanwhile.
        writing.catch(() => {});
        filling = newChunk(filling.number + 1);
      }
    }
    if (writing) await writing;
    writing = null;
    if (size(filling) > 0) await commit(filling);
  } finally {
    // A failed read must not leave a chunk writing behind our back, nor the report open.
    if (writing) await writing.catch(() => {});
    await report.close();
  }

  const seconds = (performance.now() - started) / 1000;
  return {
    file: path,
    kind: kind.name,
    reportPath,
    ...totals,
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(totals.rowsRead / seconds) : 0,
  };
}

function size(chunk: Chunk): number {
  return chunk.rows.length + chunk.unreadable.length + chunk.superseded.length;
}

function add(chunk: Chunk, item: FileItem, lastCopies: ReadonlyMap<string, number>): void {
  if (chunk.firstLine === 0) chunk.firstLine = item.line;
  chunk.lastLine = item.line;
  if (item.kind === "unreadable") {
    chunk.unreadable.push({ line: item.line, recordId: null, field: item.field, message: item.message });
    return;
  }
  const recordId = recordIdOf(item.row);
  const last = recordId === null ? undefined : lastCopies.get(recordId);
  if (last !== undefined && last !== item.line) {
    chunk.superseded.push({
      line: item.line,
      recordId,
      field: "record_id",
      message:
        `is repeated on line ${last}, a later copy of the same record: only the last copy of a record ` +
        "in a file is imported, so this one was not",
    });
    return;
  }
  chunk.rows.push(item.row);
  chunk.lines.push(item.line);
}

/** A row's record id as parseRow reads it (NFKC, trimmed), or null when it has none to speak of. */
function recordIdOf(row: RawRow): string | null {
  const value = row.record_id;
  const id =
    typeof value === "string" ? value.normalize("NFKC").trim() : typeof value === "number" ? String(value) : "";
  return id === "" ? null : id;
}

/**
 * The record ids the file holds more than once, each with the line of its last copy: a first
 * reading of the whole file, for its record ids alone.
 */
async function repeatedRecords(
  path: string,
  format: FileFormat,
  kind: RecordKind,
  read: ReadOptions,
): Promise<Map<string, number>> {
  const lastLine = new Map<string, number>();
  const repeated = new Map<string, number>();
  for await (const block of readFileItems(path, format, kind, read)) {
    for (const item of block) {
      if (item.kind !== "row") continue;
      const recordId = recordIdOf(item.row);
      if (recordId === null) continue;
      if (lastLine.has(recordId)) repeated.set(recordId, item.line);
      lastLine.set(recordId, item.line);
    }
  }
  return repeated;
}

/**
 * Ingests the rows as one transaction; when the database refuses it for what a row holds, as two
 * halves, and so on down to the rows that fail alone, which become rejections. Any other failure
 * is the whole file's, and is thrown.
 */
async function ingestIsolating(
  db: Db,
  kind: RecordKind,
  rows: readonly RawRow[],
  lines: readonly number[],
  actor: string | undefined,
): Promise<IngestReport> {
  if (rows.length === 0)
    return { accepted: 0, updated: 0, unchanged: 0, rejectedRows: 0, rejected: [], touchedChildren: 0 };
  try {
    return await ingestBatch(db, kind, rows, { rowIndexes: lines, actor });
  } catch (error) {
    if (!(error instanceof IngestFailure) || !isRowFault(error.failure)) throw error;
    if (rows.length === 1) {
      const recordId = recordIdOf(rows[0]!);
      const refusal = rowRefusal(kind, error.failure);
      return {
        accepted: 0,
        updated: 0,
        unchanged: 0,
        rejectedRows: 1,
        rejected: [{ index: lines[0]!, recordId, ...refusal }],
        touchedChildren: 0,
      };
    }
    const half = Math.ceil(rows.length / 2);
    const first = await ingestIsolating(db, kind, rows.slice(0, half), lines.slice(0, half), actor);
    const second = await ingestIsolating(db, kind, rows.slice(half), lines.slice(half), actor);
    return {
      accepted: first.accepted + second.accepted,
      updated: first.updated + second.updated,
      unchanged: first.unchanged + second.unchanged,
      rejectedRows: first.rejectedRows + second.rejectedRows,
      rejected: [...first.rejected, ...second.rejected],
      // A child both halves touched counts twice: an upper bound, for progress only.
      touchedChildren: first.touchedChildren + second.touchedChildren,
    };
  }
}

async function writeRejections(report: FileHandle, rejections: readonly Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  const lines = rejections.map((r) => [String(r.line), r.recordId ?? "", r.field, r.message].map(csvField).join(","));
  await report.write(`${lines.join("\n")}\n`);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
