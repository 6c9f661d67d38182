/** The first bytes of COPY's binary format. */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Rows of text fields (or nulls) in COPY's binary format, as a server sends `copy … to stdout
 * with (format binary)`: for tests of what reads it.
 *
 *   binaryCopy([["王子轩", null]]) // header, one row of two fields, trailer
 */
export function binaryCopy(rows: readonly (readonly (string | null)[])[], options: { trailer?: boolean } = {}): Buffer {
  const parts: Buffer[] = [SIGNATURE, int32(0), int32(0)];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) {
      if (field === null) parts.push(int32(-1));
      else {
        const bytes = Buffer.from(field, "utf8");
        parts.push(int32(bytes.length), bytes);
      }
    }
  }
  if (options.trailer !== false) parts.push(int16(-1));
  return Buffer.concat(parts);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
