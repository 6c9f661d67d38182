import { once } from "node:events";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFromStdin, to as copyToStdout } from "pg-copy-streams";
import type { Db } from "./client.ts";

/**
 * COPY … FROM on either driver: the way to load millions of rows (a province's links). The
 * server parses text lines instead of planning and executing one INSERT per few thousand rows
 * with a bind array per column (measured on 1M children's 6.56 million links: the whole write,
 * index rebuilds included, 33.6 s with unnest INSERTs, 21.2 s with COPY). Runs on the connection `db` stands for, so inside a transaction it is part of it.
 *
 *   await copyInto(db, "hub.links", ["source", "record_id"], chunksOfTextLines);
 *
 * `chunks` yields text-format lines (see copyLine), as strings or UTF-8 bytes, a few thousand rows per chunk: each chunk is
 * sent while the next is built. On PGlite the chunks make one blob, then one COPY. If a chunk
 * cannot be made (the iterator throws), nothing is written and the error is passed on.
 */
export async function copyInto(db: Db, table: string, columns: readonly string[], chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  const target = `${table} (${columns.map((c) => `"${c}"`).join(", ")})`;
  const client = clientOf(db);
  if (isPglite(client)) {
    // One COPY of all the chunks, so that a chunk that cannot be made leaves nothing written.
    const parts: (string | Uint8Array)[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    await client.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob(parts) });
    return;
  }
  const connection = client instanceof pg.Pool ? await client.connect() : client;
  try {
    const stream = connection.query(copyFromStdin(`copy ${target} from stdin`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    done.catch(() => undefined); // awaited below; a failure before then is seen there
    try {
      for await (const chunk of chunks) {
        if (!stream.write(chunk)) await Promise.race([once(stream, "drain"), done]);
      }
      stream.end();
      await done;
    } catch (error) {
      // The rows could not all be made or sent: CopyFail, so the server drops the COPY and the
      // connection is free again (inside a transaction, the transaction is failed).
      if (!stream.destroyed) {
        const closed = once(stream, "close").catch(() => undefined);
        stream.destroy(error as Error);
        await closed;
      }
      throw error;
    }
  } finally {
    if (connection !== client) (connection as pg.PoolClient).release();
  }
}

/**
 * COPY (query) TO … on either driver, each row passed to `onRow` as its fields (text, or null),
 * in the query's order. The one array of fields is reused from row to row: copy what you keep.
 * Reading a province's records this way skips the driver's per-row machinery (a message, an
 * object and a type parser per row); the rows are parsed straight from the bytes (measured on
 * 1M children's 6.56 million records: the read and normalisation 51.4 s instead of 72.2 s). On a server the rows stream with back
 * pressure; PGlite hands over the whole result as one blob.
 *
 *   await copyRows(db, "select id, name from household.persons order by id", 2, (f) => names.push(f[1]));
 */
export async function copyRows(db: Db, query: string, fieldCount: number, onRow: (fields: (string | null)[]) => void): Promise<void> {
  const fields = new Array<string | null>(fieldCount).fill(null);
  await copyRowBytes(db, query, fieldCount, (row) => {
    for (let k = 0; k < fieldCount; k++) fields[k] = row.text(k);
    onRow(fields);
  });
}

/**
 * COPY (query) TO … with each row passed as byte ranges of the bytes received (a CopyRow, valid
 * only during the call): for a reader that turns most fields into numbers and never needs them
 * as strings (a province's records: 6.5 million rows of ten fields).
 *
 *   await copyRowBytes(db, "select id, name from household.persons order by id", 2, (row) => ids.push(row.text(0)));
 */
export async function copyRowBytes(db: Db, query: string, fieldCount: number, onRow: (row: CopyRow) => void): Promise<void> {
  // A row that cannot be parsed or taken fails the call, but only once the server has sent the
  // rest: a COPY left half-read would leave its connection unusable.
  let failure: { error: unknown } | null = null;
  const scanner = new CopyRowScanner(fieldCount, (row) => {
    if (failure) return;
    try {
      onRow(row);
    } catch (error) {
      failure = { error };
    }
  });
  const take = (chunk: Buffer) => {
    if (failure) return;
    try {
      scanner.push(chunk);
    } catch (error) {
      failure = { error };
    }
  };
  const client = clientOf(db);
  if (isPglite(client)) {
    const result = await client.query(`copy (${query}) to '/dev/blob'`);
    if (result.blob) take(Buffer.from(await result.blob.arrayBuffer()));
  } else {
    const connection = client instanceof pg.Pool ? await client.connect() : client;
    try {
      for await (const chunk of connection.query(copyToStdout(`copy (${query}) to stdout`))) take(chunk as Buffer);
    } finally {
      if (connection !== client) (connection as pg.PoolClient).release();
    }
  }
  if (failure) throw (failure as { error: unknown }).error;
  scanner.end();
}

// Node's own decoders behind Buffer#toString, without its argument handling (millions of calls).
type Slicer = (this: Buffer, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice ?? function (this: Buffer, s: number, e: number) { return this.toString("latin1", s, e); };
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slicer }).utf8Slice ?? function (this: Buffer, s: number, e: number) { return this.toString("utf8", s, e); };

/** Bytes start … end of `buf` as text: ASCII ones (`ascii`) without UTF-8 decoding. */
export function bytesText(buf: Buffer, start: number, end: number, ascii: boolean): string {
  return ascii ? latin1Slice.call(buf, start, end) : utf8Slice.call(buf, start, end);
}

/**
 * One row of COPY's text format as byte ranges: field k is `buf[start[k] … end[k])`, raw (a
 * backslash escape or `\N` still as written; `escaped` says which fields hold one). Valid only
 * during the onRow call that receives it: the scanner reuses it, and the bytes, for the next row.
 */
export class CopyRow {
  buf: Buffer = Buffer.alloc(0);
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Bit k set: field k holds a backslash (an escape, or `\N` for null). */
  escaped = 0;
  /** Bit k set: field k holds a byte of 0x80 or more (text that needs UTF-8 decoding). */
  nonAscii = 0;

  constructor(fieldCount: number) {
    this.start = new Int32Array(fieldCount);
    this.end = new Int32Array(fieldCount);
  }

  /** Whether field k is SQL null. */
  isNull(k: number): boolean {
    return (this.escaped & (1 << k)) !== 0 && this.end[k]! - this.start[k]! === 2 && this.buf[this.start[k]!] === 0x5c && this.buf[this.start[k]! + 1] === 0x4e;
  }

  /** Field k decoded: its text with escapes undone, or null. */
  text(k: number): string | null {
    const bit = 1 << k;
    const ascii = (this.nonAscii & bit) === 0;
    if ((this.escaped & bit) !== 0) return unescapeField(this.buf, this.start[k]!, this.end[k]!, ascii);
    return ascii ? latin1Slice.call(this.buf, this.start[k]!, this.end[k]!) : utf8Slice.call(this.buf, this.start[k]!, this.end[k]!);
  }
}

const ORDINARY = 0;
const TAB = 1;
const NEWLINE = 2;
const BACKSLASH = 3;
const HIGH = 4;
/** What each byte is to the scanner: a field or row end, an escape, a byte of a multi-byte character, or ordinary. */
const BYTE_KINDS = (() => {
  const kinds = new Uint8Array(256);
  kinds[9] = TAB;
  kinds[10] = NEWLINE;
  kinds[0x5c] = BACKSLASH;
  kinds.fill(HIGH, 0x80);
  return kinds;
})();

/**
 * COPY's text format from bytes, a chunk at a time (a chunk may end anywhere, even inside a
 * character): rows end in a newline, fields are tab-separated, `\N` is null, and a backslash
 * escapes the few characters COPY TO escapes. Each row is handed over as byte ranges (CopyRow);
 * nothing is decoded unless the receiver asks, so no string keeps a whole chunk alive.
 */
export class CopyRowScanner {
  private rest: Buffer | null = null;
  private readonly row: CopyRow;

  constructor(
    private readonly fieldCount: number,
    private readonly onRow: (row: CopyRow) => void,
  ) {
    if (fieldCount < 1 || fieldCount > 30) throw new RangeError(`a COPY row scanner reads 1 to 30 fields, but was asked for ${fieldCount}`);
    this.row = new CopyRow(fieldCount);
  }

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const row = this.row;
    const starts = row.start;
    const ends = row.end;
    row.buf = buf;
    let field = 0;
    let start = 0;
    let lineStart = 0;
    let escaped = 0;
    let nonAscii = 0;
    for (let i = 0; i < buf.length; i++) {
      // Most bytes are none of the four that matter: one table look-up tells.
      const kind = BYTE_KINDS[buf[i]!]!;
      if (kind === ORDINARY) continue;
      if (kind <= NEWLINE) {
        if (field === this.fieldCount) throw new Error(`COPY row has more than ${this.fieldCount} fields`);
        starts[field] = start;
        ends[field++] = i;
        start = i + 1;
        if (kind === NEWLINE) {
          if (field !== this.fieldCount) throw new Error(`COPY row has ${field} fields, expected ${this.fieldCount}`);
          row.escaped = escaped;
          row.nonAscii = nonAscii;
          this.onRow(row);
          field = 0;
          escaped = 0;
          nonAscii = 0;
          lineStart = start;
        }
      } else if (kind === BACKSLASH) escaped |= 1 << field;
      else nonAscii |= 1 << field;
    }
    this.rest = lineStart < buf.length ? Buffer.from(buf.subarray(lineStart)) : null;
  }

  end(): void {
    if (this.rest) throw new Error("COPY output ended in the middle of a row");
  }
}

/**
 * COPY's text format from bytes, each row as its fields decoded (text, or null) in one array
 * reused from row to row (CopyRowScanner, decoding every field).
 */
export class CopyTextParser {
  private readonly scanner: CopyRowScanner;

  constructor(fieldCount: number, onRow: (fields: (string | null)[]) => void) {
    const fields = new Array<string | null>(fieldCount).fill(null);
    this.scanner = new CopyRowScanner(fieldCount, (row) => {
      for (let k = 0; k < fieldCount; k++) fields[k] = row.text(k);
      onRow(fields);
    });
  }

  push(chunk: Buffer): void {
    this.scanner.push(chunk);
  }

  end(): void {
    this.scanner.end();
  }
}

const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function unescapeField(buf: Buffer, start: number, end: number, ascii: boolean): string | null {
  if (end - start === 2 && buf[start] === 0x5c && buf[start + 1] === 0x4e) return null; // \N
  const raw = ascii ? latin1Slice.call(buf, start, end) : utf8Slice.call(buf, start, end);
  return raw.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** One row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
export function copyLine(values: readonly (string | number | null | undefined)[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += "\t";
    line += v == null ? "\\N" : typeof v === "number" ? String(v) : escapeText(v);
  }
  return line + "\n";
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

type Client = pg.Pool | pg.PoolClient | pg.Client | PGlite | Transaction;

/** The driver's own client under a drizzle database or transaction. */
function clientOf(db: Db): Client {
  const client = (db as unknown as { session?: { client?: Client } }).session?.client;
  if (!client) throw new Error("copyInto needs a drizzle database or transaction on node-postgres or PGlite");
  return client;
}

function isPglite(client: Client): client is PGlite | Transaction {
  return !(client instanceof pg.Pool) && !(client instanceof pg.Client) && typeof (client as PGlite).exec === "function";
}
