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
 * `chunks` yields text-format lines (see copyLine), a few thousand rows per chunk: each chunk is
 * sent while the next is built. On PGlite the chunks make one blob, then one COPY. If a chunk
 * cannot be made (the iterator throws), nothing is written and the error is passed on.
 */
export async function copyInto(db: Db, table: string, columns: readonly string[], chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const target = `${table} (${columns.map((c) => `"${c}"`).join(", ")})`;
  const client = clientOf(db);
  if (isPglite(client)) {
    // One COPY of all the chunks, so that a chunk that cannot be made leaves nothing written.
    const parts: string[] = [];
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
  // A row that cannot be parsed or taken fails the call, but only once the server has sent the
  // rest: a COPY left half-read would leave its connection unusable.
  let failure: { error: unknown } | null = null;
  const parser = new CopyTextParser(fieldCount, (fields) => {
    if (failure) return;
    try {
      onRow(fields);
    } catch (error) {
      failure = { error };
    }
  });
  const take = (chunk: Buffer) => {
    if (failure) return;
    try {
      parser.push(chunk);
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
  parser.end();
}

// Node's own decoders behind Buffer#toString, without its argument handling (millions of calls).
type Slicer = (this: Buffer, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice ?? function (this: Buffer, s: number, e: number) { return this.toString("latin1", s, e); };
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slicer }).utf8Slice ?? function (this: Buffer, s: number, e: number) { return this.toString("utf8", s, e); };

/**
 * COPY's text format from bytes, a chunk at a time (a chunk may end anywhere, even inside a
 * character): rows end in a newline, fields are tab-separated, `\N` is null, and a backslash
 * escapes the few characters COPY TO escapes. Each field is decoded on its own, so no string
 * keeps a whole chunk alive; ASCII fields (codes, dates, ID numbers) skip UTF-8 decoding.
 */
export class CopyTextParser {
  private rest: Buffer | null = null;
  private readonly fields: (string | null)[];

  constructor(
    private readonly fieldCount: number,
    private readonly onRow: (fields: (string | null)[]) => void,
  ) {
    this.fields = new Array<string | null>(fieldCount).fill(null);
  }

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const fields = this.fields;
    let field = 0;
    let start = 0;
    let lineStart = 0;
    let ascii = true;
    let escaped = false;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === 9 || b === 10) {
        if (field === this.fieldCount) throw new Error(`COPY row has more than ${this.fieldCount} fields`);
        fields[field++] = escaped ? unescapeField(buf, start, i, ascii) : ascii ? latin1Slice.call(buf, start, i) : utf8Slice.call(buf, start, i);
        start = i + 1;
        ascii = true;
        escaped = false;
        if (b === 10) {
          if (field !== this.fieldCount) throw new Error(`COPY row has ${field} fields, expected ${this.fieldCount}`);
          this.onRow(fields);
          field = 0;
          lineStart = start;
        }
      } else if (b === 0x5c) escaped = true;
      else if (b >= 0x80) ascii = false;
    }
    this.rest = lineStart < buf.length ? Buffer.from(buf.subarray(lineStart)) : null;
  }

  end(): void {
    if (this.rest) throw new Error("COPY output ended in the middle of a row");
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
