import { once } from "node:events";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFromStdin, to as copyToStdout } from "pg-copy-streams";
import type { Db } from "./client.ts";

/**
 * COPY … FROM on either driver: the way to load millions of rows (a province's links). The
 * server parses text lines instead of planning and executing one INSERT per few thousand rows
 * with a bind array per column (measured on 1M children's 6.56 million links: the whole write,
 * index rebuilds included, 33.6 s with unnest INSERTs, 21.2 s with COPY). Runs on the
 * connection `db` stands for, so inside a transaction it is part of it.
 *
 *   await copyInto(db, "hub.links", ["source", "record_id"], chunksOfTextLines);
 *
 * `chunks` yields text-format lines (see copyLine), as strings or UTF-8 bytes, a few thousand
 * rows per chunk: each chunk is sent while the next is built. On PGlite the chunks make one
 * blob, then one COPY. If a chunk cannot be made (the iterator throws), nothing is written and
 * the error is passed on.
 */
export async function copyInto(
  db: Db,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
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
 * 1M children's 6.56 million records: the read and normalisation 51.4 s instead of 72.2 s). On a
 * server the rows stream with back pressure; PGlite hands over the whole result as one blob.
 *
 *   await copyRows(db, "select id::text, name from household.persons order by id", 2, (f) => names.push(f[1]));
 */
export async function copyRows(
  db: Db,
  query: string,
  fieldCount: number,
  onRow: (fields: (string | null)[]) => void,
): Promise<void> {
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
 *   const query = "select id::text, name from household.persons order by id";
 *   await copyRowBytes(db, query, 2, (row) => ids.push(row.text(0)));
 */
export async function copyRowBytes(
  db: Db,
  query: string,
  fieldCount: number,
  onRow: (row: CopyRow) => void,
): Promise<void> {
  const scanner = new CopyRowScanner(fieldCount, onRow);
  await copyChunks(db, query, (chunk) => scanner.push(chunk));
  scanner.end();
}

/**
 * COPY (query) TO … started now, its output kept as it arrives until read (`for await`): so a
 * reader can have the server write the next table while it reads the last. Reading it to the
 * end gives every chunk, then any error the COPY met. If it is never read, its chunks are kept
 * all the same: read it, or await `done`, before its connection's pool is closed.
 *
 *   const next = copyAhead(db, "select id::text from insurance.enrollments order by id");
 *   … // read something else meanwhile
 *   for await (const chunk of next) scanner.push(chunk);
 */
export function copyAhead(db: Db, query: string): AsyncIterable<Buffer> & { done: Promise<void> } {
  const chunks: Buffer[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: { error: unknown } | null = null;
  const done = copyChunks(db, query, (chunk) => {
    chunks.push(chunk);
    wake?.();
  }).then(
    () => {
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  return {
    done,
    async *[Symbol.asyncIterator]() {
      for (let next = 0; ;) {
        while (next < chunks.length) {
          const chunk = chunks[next]!;
          chunks[next++] = EMPTY; // handed over: the reader keeps what it needs
          yield chunk;
        }
        if (finished) {
          if (failure) throw (failure as { error: unknown }).error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * COPY (query) TO … on either driver, its output passed to `onChunk` as it arrives, chunk by
 * chunk (a chunk may end anywhere, even inside a character).
 *
 * Reading uses COPY's binary format: every field comes with its length, so a row is found
 * without looking at every byte for tabs and escapes (at a million children, 1.2 s of the
 * read's 11 s went to that), and no value is ever escaped. Every column read must be text
 * (cast it: `birth_date::text`): a field holds its column's binary form, which for text is its
 * UTF-8 bytes. An error thrown by `onChunk` (a
 * row that cannot be parsed or taken) fails the call, but only once the server has sent the
 * rest, so the connection is never left half-read; no more chunks come after it.
 */
async function copyChunks(db: Db, query: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  let failure: { error: unknown } | null = null;
  const take = (chunk: Buffer) => {
    if (failure) return;
    try {
      onChunk(chunk);
    } catch (error) {
      failure = { error };
    }
  };
  const client = clientOf(db);
  if (isPglite(client)) {
    const result = await client.query(`copy (${query}) to '/dev/blob' with (format binary)`);
    if (result.blob) take(Buffer.from(await result.blob.arrayBuffer()));
  } else {
    const connection = client instanceof pg.Pool ? await client.connect() : client;
    try {
      for await (const chunk of connection.query(copyToStdout(`copy (${query}) to stdout with (format binary)`)))
        take(chunk as Buffer);
    } finally {
      if (connection !== client) (connection as pg.PoolClient).release();
    }
  }
  if (failure) throw (failure as { error: unknown }).error;
}

// Node's own decoder behind Buffer#toString, without its argument handling (millions of calls).
type Slicer = (this: Buffer, start: number, end: number) => string;
const utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Slicer }).utf8Slice ??
  function (this: Buffer, s: number, e: number) {
    return this.toString("utf8", s, e);
  };

/** Bytes start … end of `buf` as text (UTF-8). */
export function bytesText(buf: Buffer, start: number, end: number): string {
  return utf8Slice.call(buf, start, end);
}

/**
 * One row of COPY output as byte ranges: field k is `buf[start[k] … end[k])`, its text's UTF-8
 * bytes, unless it is null (`nulls`). Valid only during the onRow call that receives it: the
 * scanner reuses it, and the bytes, for the next row.
 */
export class CopyRow {
  buf: Buffer = Buffer.alloc(0);
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Bit k set: field k is SQL null. */
  nulls = 0;

  constructor(fieldCount: number) {
    this.start = new Int32Array(fieldCount);
    this.end = new Int32Array(fieldCount);
  }

  /** Whether field k is SQL null. */
  isNull(k: number): boolean {
    return (this.nulls & (1 << k)) !== 0;
  }

  /** Field k as text, or null. */
  text(k: number): string | null {
    return (this.nulls & (1 << k)) !== 0 ? null : utf8Slice.call(this.buf, this.start[k]!, this.end[k]!);
  }
}

/** The first bytes of COPY's binary format. */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * COPY's binary format from bytes, a chunk at a time (a chunk may end anywhere): a header, then
 * each row as a field count and each field's length (-1 for null) and bytes, then -1. Rows are
 * handed over as byte ranges (CopyRow): nothing is decoded unless the receiver asks.
 */
export class CopyRowScanner {
  private rest: Buffer | null = null;
  private header = false;
  private ended = false;
  private readonly row: CopyRow;

  constructor(
    private readonly fieldCount: number,
    private readonly onRow: (row: CopyRow) => void,
  ) {
    if (fieldCount < 1 || fieldCount > 30)
      throw new RangeError(`a COPY row scanner reads 1 to 30 fields, but was asked for ${fieldCount}`);
    this.row = new CopyRow(fieldCount);
  }

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const length = buf.length;
    const row = this.row;
    const starts = row.start;
    const ends = row.end;
    row.buf = buf;
    let at = 0;
    if (!this.header) {
      if (length < SIGNATURE.length + 8) {
        this.rest = buf;
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE))
        throw new Error("COPY output does not start with the binary format's signature");
      const extension = int32At(buf, SIGNATURE.length + 4);
      if (length < SIGNATURE.length + 8 + extension) {
        this.rest = buf;
        return;
      }
      if ((int32At(buf, SIGNATURE.length) & (1 << 16)) !== 0)
        throw new Error("COPY output carries OIDs, which this reader does not take");
      at = SIGNATURE.length + 8 + extension;
      this.header = true;
    }
    while (at + 2 <= length) {
      const count = ((buf[at]! << 24) | (buf[at + 1]! << 16)) >> 16;
      if (count === -1) {
        this.ended = true;
        at += 2;
        continue;
      }
      if (this.ended) throw new Error("COPY output goes on after its end");
      if (count !== this.fieldCount) throw new Error(`COPY row has ${count} fields, expected ${this.fieldCount}`);
      let p = at + 2;
      let nulls = 0;
      let complete = true;
      for (let k = 0; k < count; k++) {
        if (p + 4 > length) {
          complete = false;
          break;
        }
        const size = int32At(buf, p);
        p += 4;
        if (size === -1) {
          nulls |= 1 << k;
          starts[k] = p;
          ends[k] = p;
          continue;
        }
        if (p + size > length) {
          complete = false;
          break;
        }
        starts[k] = p;
        ends[k] = p += size;
      }
      if (!complete) break;
      row.nulls = nulls;
      this.onRow(row);
      at = p;
    }
    this.rest = at < length ? Buffer.from(buf.subarray(at)) : null;
  }

  end(): void {
    if (this.rest || !this.ended) throw new Error("COPY output ended in the middle of a row");
  }
}

function int32At(buf: Buffer, at: number): number {
  return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
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

/**
 * Writes text's UTF-8 bytes (src[start … end)) into `out` at `at` as a COPY text field, escaped
 * as copyLine escapes it; returns where it ended. For rows built as bytes (a province's links):
 * `out` needs room for twice the bytes.
 */
export function putCopyText(out: Uint8Array, at: number, src: Uint8Array, start: number, end: number): number {
  for (let k = start; k < end; k++) {
    const byte = src[k]!;
    const escape = byte === 0x5c ? 0x5c : byte === 9 ? 0x74 : byte === 10 ? 0x6e : byte === 13 ? 0x72 : 0;
    if (escape === 0) out[at++] = byte;
    else {
      out[at++] = 0x5c;
      out[at++] = escape;
    }
  }
  return at;
}

type Client = pg.Pool | pg.PoolClient | pg.Client | PGlite | Transaction;

/** The driver's own client under a drizzle database or transaction. */
function clientOf(db: Db): Client {
  const client = (db as unknown as { session?: { client?: Client } }).session?.client;
  if (!client) throw new Error("copyInto needs a drizzle database or transaction on node-postgres or PGlite");
  return client;
}

function isPglite(client: Client): client is PGlite | Transaction {
  return (
    !(client instanceof pg.Pool) && !(client instanceof pg.Client) && typeof (client as PGlite).exec === "function"
  );
}
