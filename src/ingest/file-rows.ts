import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { CsvError } from "csv-parse";
import { parse as parseCsv } from "csv-parse/sync";
import type { RawRow, RecordKind } from "./kind.ts";

/**
 * Reading a department file into rows, one physical line at a time (constant memory), each row
 * tagged with the line number it starts on. A line that cannot be read (broken CSV quoting, a
 * line of NDJSON that is not JSON) becomes an `unreadable` item with its line number, and the
 * reading goes on with the next line: one bad line never costs the rest of the file.
 */
export type FileFormat = "csv" | "ndjson";
export const FILE_FORMATS: readonly FileFormat[] = ["csv", "ndjson"];

/**
 * The character encodings a department file may come in. UTF-8 is the exchange format; GBK and
 * GB18030 are what Excel on Chinese Windows saves "CSV" as, read when the sender says so
 * (`npm run import -- --encoding gbk`). GB18030 is a superset of GBK, and WHATWG's (Node's)
 * decoder for either label reads both.
 */
export type FileEncoding = "utf8" | "gbk" | "gb18030";
export const FILE_ENCODINGS: readonly FileEncoding[] = ["utf8", "gbk", "gb18030"];

/** A row as the file holds it (column name → text), or a line that is not a row at all. */
export type FileItem =
  { kind: "row"; line: number; row: RawRow } | { kind: "unreadable"; line: number; field: string; message: string };

/** The `field` of a rejection that concerns the whole line rather than one column. */
export const WHOLE_LINE = "(line)";

/** The file itself cannot be imported (not one bad row: e.g. a header that names no known columns). */
export class ImportFileError extends Error {
  override name = "ImportFileError";
}

export interface ReadOptions {
  /**
   * How many lines one quoted CSV field may span. A quote that stays open longer is taken for an
   * unterminated quote: its line is reported and reading resumes on the next line (RFC 4180
   * allows line breaks in quoted fields, so some span is needed; without a limit one stray quote
   * would swallow the rest of the file).
   */
  maxRecordLines?: number;
  /** Called with the bytes read so far, after each block of the file. */
  onBytes?: (bytes: number) => void;
  /** The file's character encoding (default UTF-8). */
  encoding?: FileEncoding;
  /**
   * The longest line read (default DEFAULT_MAX_LINE_BYTES, 64 KB): a longer one is reported by
   * its line number and length, never held whole, and reading goes on with the next line.
   */
  maxLineBytes?: number;
}

/**
 * The items of a file, in file order, in blocks (one block per read of the file, so the
 * consumer's `await` between blocks is what holds the reading back).
 *
 *   for await (const block of readFileItems("students.csv", "csv", studentRegistrationKind)) …
 *   // [{ kind: "row", line: 2, row: { record_id: "S-1", … } },
 *   //  { kind: "unreadable", line: 3, field: "(line)", message: "…" }, …]
 */
export function readFileItems(
  path: string,
  format: FileFormat,
  kind: RecordKind,
  options: ReadOptions = {},
): AsyncGenerator<FileItem[]> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1)
    throw new RangeError(`maxLineBytes must be a whole number of at least 1, but got ${maxLineBytes}`);
  const encoding = options.encoding ?? "utf8";
  if (!FILE_ENCODINGS.includes(encoding))
    throw new ImportFileError(`encoding must be one of ${FILE_ENCODINGS.join(", ")}, but got "${String(encoding)}"`);
  const lines = readLines(path, maxLineBytes, encoding, options.onBytes);
  switch (format) {
    case "csv":
      return csvItems(lines, kind, options.maxRecordLines ?? 50);
    case "ndjson":
      return ndjsonItems(lines);
    default: {
      const unknown: never = format;
      throw new ImportFileError(`format must be one of ${FILE_FORMATS.join(", ")}, but got "${String(unknown)}"`);
    }
  }
}

interface Line {
  number: number;
  /** The line's text; "" when it has a `problem`. */
  text: string;
  /** Why the line cannot be read at all (too long, not UTF-8): it is reported, never parsed. */
  problem?: string;
  /** The file's last line, with no line end after it (a file cut short ends so). */
  unterminated?: boolean;
}

/** The longest line read by default: a row of any kind is a few hundred bytes. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NOT_UTF8 =
  "is not UTF-8 text: a department file must be saved as UTF-8 (a file saved as GBK or GB18030, " +
  "as some Chinese systems do by default, must be converted first, or imported with --encoding gbk)";

/** Whether a line holds anything beyond ASCII (where encodings differ at all). */
function hasNonAscii(buffer: Buffer): boolean {
  for (const byte of buffer) if (byte >= 0x80) return true;
  return false;
}

/**
 * Physical lines, numbered from 1: ended by LF, CRLF or a lone CR (old Mac exports), a UTF-8
 * byte order mark dropped. Split as bytes, before decoding, so that a line longer than
 * `maxLineBytes` is counted and skipped without ever being held (a 100 MB line would otherwise
 * be one 100 MB string, and more while it is split), and a line that is not UTF-8 is reported
 * rather than read with replacement characters (GBK text would be stored as garbage).
 *
 * A GBK or GB18030 file (`encoding`) is split the same way: neither encoding uses the bytes of
 * CR or LF inside a character, so each line is decoded on its own as it is read, never the
 * whole file. A line that is not text of that encoding is reported as a UTF-8 one is; a line
 * with Chinese that reads as UTF-8 stops the file before anything is written (it is a UTF-8
 * file, and read as GBK every name in it would be stored as garbage).
 */
async function* readLines(
  path: string,
  maxLineBytes: number,
  encoding: FileEncoding,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<Line[]> {
  const decoder = encoding === "utf8" ? null : new TextDecoder(encoding, { fatal: true });
  let parts: Buffer[] = [];
  let length = 0;
  let number = 0;
  let bytes = 0;
  // The previous block ended in CR: a LF that starts this one ends the same line.
  let afterCr = false;

  const append = (piece: Buffer): void => {
    if (piece.length === 0) return;
    length += piece.length;
    if (length > maxLineBytes) parts = [];
    // A copy: a piece left waiting for its line's end must not keep the whole block alive.
    else parts.push(Buffer.from(piece));
  };
  const finish = (unterminated: boolean): Line => {
    number++;
    const size = length;
    let buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts, Math.min(size, maxLineBytes));
    parts = [];
    length = 0;
    if (size > maxLineBytes)
      return {
        number,
        text: "",
        problem:
          `is ${size.toLocaleString("en-US")} bytes long, over the limit of ${maxLineBytes.toLocaleString("en-US")} ` +
          "bytes for one line (a row is a few hundred bytes); it was skipped unread",
      };
    if (number === 1) {
      if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))
        throw new ImportFileError(
          "the file starts with a UTF-16 byte order mark: it is UTF-16 text, and a department file must be UTF-8",
        );
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
        if (decoder)
          throw new ImportFileError(
            `the file starts with a UTF-8 byte order mark: it is UTF-8 text, not ${encoding.toUpperCase()}; ` +
              "import it without --encoding",
          );
        buffer = buffer.subarray(3);
      }
    }
    const end = unterminated ? { unterminated } : {};
    if (decoder) {
      if (!hasNonAscii(buffer)) return { number, text: buffer.toString("latin1"), ...end };
      if (isUtf8(buffer))
        throw new ImportFileError(
          `line ${number} is UTF-8 text, but the file was to be read as ${encoding.toUpperCase()}: ` +
            "import it without --encoding (read as GBK, its Chinese would be stored as garbage)",
        );
      try {
        return { number, text: decoder.decode(buffer), ...end };
      } catch {
        return {
          number,
          text: "",
          problem: `is not ${encoding.toUpperCase()} text (a byte sequence no ${encoding.toUpperCase()} character has)`,
        };
      }
    }
    if (!isUtf8(buffer)) return { number, text: "", problem: NOT_UTF8 };
    return { number, text: buffer.toString("utf8"), ...end };
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const block = chunk as Buffer;
    bytes += block.length;
    const lines: Line[] = [];
    let start = 0;
    if (afterCr && block[0] === LF) start = 1;
    afterCr = false;
    for (let i = start; i < block.length; i++) {
      const byte = block[i];
      if (byte !== LF && byte !== CR) continue;
      append(block.subarray(start, i));
      lines.push(finish(false));
      if (byte === CR) {
        if (i + 1 === block.length) afterCr = true;
        else if (block[i + 1] === LF) i++;
      }
      start = i + 1;
    }
    append(block.subarray(start));
    onBytes?.(bytes);
    if (lines.length > 0) yield lines;
  }
  if (length > 0) yield [finish(true)];
}

/** What a JSON value that is not an object is, for a refusal: "an array", "null", "string", … */
function describeJson(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
}

async function* ndjsonItems(lines: AsyncGenerator<Line[]>): AsyncGenerator<FileItem[]> {
  for await (const block of lines) {
    const items: FileItem[] = [];
    for (const { number, text, problem, unterminated } of block) {
      if (problem !== undefined) {
        items.push(unreadable(number, problem));
        continue;
      }
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const cut = unterminated ? "; it is the last line and has no line end: the file may have been cut short" : "";
        items.push(
          unreadable(
            number,
            `is not valid JSON (${jsonProblem(error, text.length)}); NDJSON holds one JSON object per line${cut}`,
          ),
        );
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        items.push({
          kind: "unreadable",
          line: number,
          field: WHOLE_LINE,
          message: `must be one JSON object per line, but got ${describeJson(value)}`,
        });
        continue;
      }
      items.push({ kind: "row", line: number, row: value as RawRow });
    }
    if (items.length > 0) yield items;
  }
}

/**
 * RFC 4180 records from lines. A record ends at the first line break outside quotes; since a
 * quote inside a quoted field is doubled, that is where the quotes seen so far are even in
 * number. The candidate record is then parsed by csv-parse; when its quoting is broken and it
 * spans several lines, only its FIRST line is blamed and reading resumes on the second (the
 * lines after a stray quote are usually good rows that the open quote swallowed).
 */
async function* csvItems(
  lines: AsyncGenerator<Line[]>,
  kind: RecordKind,
  maxRecordLines: number,
): AsyncGenerator<FileItem[]> {
  let header: string[] | null = null;
  const pending: Line[] = [];

  /** Takes as many records off `pending` as are complete; at the end of the file, all of them. */
  const drain = (final: boolean): FileItem[] => {
    const items: FileItem[] = [];
    let head = 0;
    while (head < pending.length) {
      const { problem, number } = pending[head]!;
      if (problem !== undefined) {
        if (header === null) throw new ImportFileError(`the header line (line ${number}) ${problem}`);
        items.push(unreadable(number, problem));
        head++;
        continue;
      }
      if (pending[head]!.text.trim() === "") {
        head++;
        continue;
      }
      let quotes = 0;
      let end = -1;
      // A line that cannot be read ends any record before it: a quote still open there is broken.
      let blocked = false;
      for (let i = head; i < pending.length && i < head + maxRecordLines; i++) {
        if (pending[i]!.problem !== undefined) {
          blocked = true;
          break;
        }
        quotes += countQuotes(pending[i]!.text);
        if (quotes % 2 === 0) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        // The quote is still open: wait for more lines, unless the span is already too long.
        if (!final && !blocked && pending.length - head < maxRecordLines) break;
        const span = blocked ? "" : ` (within ${maxRecordLines} lines)`;
        items.push(unreadable(pending[head]!.number, quotingProblem(pending[head]!.text, span)));
        head++;
        continue;
      }
      const first = pending[head]!;
      const text =
        end === head
          ? first.text
          : pending
              .slice(head, end + 1)
              .map((l) => l.text)
              .join("\n");
      const parsed = parseRecord(text);
      if (!parsed.ok && parsed.quoting && end > head) {
        items.push(unreadable(first.number, quotingProblem(first.text, "")));
        head++;
        continue;
      }
      head = end + 1;
      if (!parsed.ok) {
        items.push(unreadable(first.number, parsed.message));
        continue;
      }
      if (header === null) {
        header = checkHeader(parsed.fields, kind, first.number);
        continue;
      }
      if (parsed.fields.length !== header.length) {
        items.push(
          unreadable(
            first.number,
            `has ${parsed.fields.length} fields, but the header has ${header.length} (${header.join(",")})`,
          ),
        );
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = parsed.fields[i]!;
      items.push({ kind: "row", line: first.number, row });
    }
    pending.splice(0, head);
    return items;
  };

  for await (const block of lines) {
    pending.push(...block);
    const items = drain(false);
    if (items.length > 0) yield items;
  }
  const items = drain(true);
  if (header === null)
    throw new ImportFileError("the file is empty: a CSV file starts with a header line naming its columns");
  if (items.length > 0) yield items;
}

const QUOTING_RULE = 'a quote inside a field must be doubled and the whole field quoted, as in "a ""b"" c"';

/** What is wrong with the quoting of a line that starts a record which never ends well. */
function quotingProblem(text: string, span: string): string {
  const alone = parseRecord(text);
  return !alone.ok && !alone.message.startsWith("has a quote that is never closed")
    ? alone.message
    : `has a quote that is never closed${span}; ${QUOTING_RULE}`;
}

/** JSON.parse's complaint without the text it quotes (V8 quotes the line, which may be a row of personal data). */
function jsonProblem(error: unknown, length: number): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (/Unexpected end of JSON input/.test(message) || (position && Number(position[1]) >= length))
    return "it ends before its object does";
  return position ? `unexpected text at character ${Number(position[1]) + 1}` : "unexpected text";
}

function unreadable(line: number, message: string): FileItem {
  return { kind: "unreadable", line, field: WHOLE_LINE, message };
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}

type ParsedRecord = { ok: true; fields: string[] } | { ok: false; quoting: boolean; message: string };

function parseRecord(text: string): ParsedRecord {
  // Without a quote, RFC 4180 fields are the text between commas: most lines of a department
  // export, and ten times cheaper than a parser per record.
  if (!text.includes('"')) return { ok: true, fields: text.split(",") };
  try {
    const records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
    if (records.length !== 1)
      return { ok: false, quoting: true, message: `is not one CSV record (${records.length} found)` };
    return { ok: true, fields: records[0]! };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    switch (error.code) {
      case "INVALID_OPENING_QUOTE":
        return {
          ok: false,
          quoting: true,
          message: `has a quote inside an unquoted field (field ${Number(error.column ?? 0) + 1}); ${QUOTING_RULE}`,
        };
      case "CSV_INVALID_CLOSING_QUOTE":
      case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
        return {
          ok: false,
          quoting: true,
          message: `has text after the closing quote of field ${Number(error.column ?? 0) + 1}; ${QUOTING_RULE}`,
        };
      case "CSV_QUOTE_NOT_CLOSED":
        return { ok: false, quoting: true, message: `has a quote that is never closed; ${QUOTING_RULE}` };
      default:
        return { ok: false, quoting: false, message: `is not valid CSV: ${error.message}` };
    }
  }
}

/** The header names the kind's columns: every required one, nothing unknown, nothing twice. */
function checkHeader(fields: string[], kind: RecordKind, line: number): string[] {
  const names = fields.map((f) => f.normalize("NFKC").trim().toLowerCase());
  const known = new Set(kind.columns.map((c) => c.name));
  const problems: string[] = [];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    problems.push(`names columns that ${kind.name} does not have: ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) problems.push(`names a column twice: ${[...new Set(twice)].join(", ")}`);
  const missing = kind.columns.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) problems.push(`lacks required columns: ${missing.join(", ")}`);
  if (problems.length > 0) {
    const columns = kind.columns.map((c) => c.name).join(",");
    throw new ImportFileError(
      `the header (line ${line}) ${problems.join("; ")}. ${kind.name} has the columns ${columns}`,
    );
  }
  return names;
}
