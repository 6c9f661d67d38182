import { open, type FileHandle } from "node:fs/promises";
import type { Db } from "../db/client.ts";
import { ingestBatch, type IngestReport } from "./batch.ts";
import { readFileItems, type FileFormat, type FileItem } from "./file-rows.ts";
import type { RawRow, RecordKind } from "./kind.ts";

export { FILE_FORMATS, ImportFileError, WHOLE_LINE, type FileFormat } from "./file-rows.ts";

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
  firstLine: number;
  lastLine: number;
}

/**
 * Imports a department file (CSV with a header line, or NDJSON) of one kind in chunks of
 * `chunkRows` rows, each chunk one `ingestBatch` transaction. Rejections carry the LINE the row
 * starts on, and go to the report file (line, record_id, field, message) once their chunk is
 * committed. Memory stays constant: at most the chunk being written and the next one being
 * read are held, reading waits while a full next chunk waits for the database.
 *
 * A chunk is reported (`onChunk`) only after its transaction committed. If the process dies,
 * every reported chunk is in the database and the chunk in flight is not; importing the same
 * file again finds the committed rows unchanged and finishes the rest.
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
    rejectedValues: 0,
    chunksCommitted: 0,
  };
  const report = await open(reportPath, "w");
  await report.write("line,record_id,field,message\n");

  const commit = async (chunk: Chunk): Promise<void> => {
    const result: IngestReport =
      chunk.rows.length > 0
        ? await ingestBatch(db, kind, chunk.rows, { rowIndexes: chunk.lines, actor: options.actor })
        : { accepted: 0, updated: 0, unchanged: 0, rejectedRows: 0, rejected: [], touchedChildren: 0 };
    // Committed from here on.
    const rejections = [
      ...chunk.unreadable,
      ...result.rejected.map((r) => ({ line: r.index, recordId: r.recordId, field: r.field, message: r.message })),
    ];
    rejections.sort((a, b) => a.line - b.line);
    await writeRejections(report, rejections);
    const rejectedRows = result.rejectedRows + chunk.unreadable.length;
    totals.rowsRead += chunk.rows.length + chunk.unreadable.length;
    totals.accepted += result.accepted;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.rejectedRows += rejectedRows;
    totals.rejectedValues += rejections.length;
    totals.chunksCommitted++;
    options.onChunk?.({
      number: chunk.number,
      firstLine: chunk.firstLine,
      lastLine: chunk.lastLine,
      rows: chunk.rows.length + chunk.unreadable.length,
      accepted: result.accepted,
      updated: result.updated,
      unchanged: result.unchanged,
      rejectedRows,
      touchedChildren: result.touchedChildren,
    });
  };

  const newChunk = (number: number): Chunk => ({
    number,
    rows: [],
    lines: [],
    unreadable: [],
    firstLine: 0,
    lastLine: 0,
  });
  let filling = newChunk(1);
  // The chunk the database is writing while the next one is read (one at a time: chunks commit in file order).
  let writing: Promise<void> | null = null;
  try {
    for await (const block of readFileItems(path, options.format, kind, {
      maxRecordLines: options.maxRecordLines,
      onBytes: options.onBytes,
    })) {
      for (const item of block) {
        add(filling, item);
        if (filling.rows.length + filling.unreadable.length < chunkRows) continue;
        if (writing) await writing;
        writing = commit(filling);
        // Surfaced by the next `await writing`; this only keeps it from counting as unhandled meanwhile.
        writing.catch(() => {});
        filling = newChunk(filling.number + 1);
      }
    }
    if (writing) await writing;
    writing = null;
    if (filling.rows.length + filling.unreadable.length > 0) await commit(filling);
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

function add(chunk: Chunk, item: FileItem): void {
  if (chunk.firstLine === 0) chunk.firstLine = item.line;
  chunk.lastLine = item.line;
  if (item.kind === "row") {
    chunk.rows.push(item.row);
    chunk.lines.push(item.line);
  } else {
    chunk.unreadable.push({ line: item.line, recordId: null, field: item.field, message: item.message });
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
