/**
 * A list of numbers per row, for millions of rows, in two typed arrays: row r's values are
 * `values[start[r]] … values[start[r + 1] - 1]`. Rows are appended one at a time (values
 * pushed, then endRow), and never change afterwards. This is how the engine keeps a record's
 * guardians or ID numbers: one list per row as a JavaScript array would be millions of
 * objects for the garbage collector to trace.
 *
 *   const phones = new ListColumn();
 *   phones.push(13800001234); phones.endRow();  // row 0: [13800001234]
 *   phones.endRow();                             // row 1: []
 *   phones.count(0); // 1
 */
export class ListColumn {
  start: Int32Array;
  values: Float64Array;
  /** Rows ended so far. */
  rows = 0;
  /** Values pushed so far (the open row's included). */
  length = 0;

  constructor(rowCapacity = 1024, valueCapacity = rowCapacity) {
    this.start = new Int32Array(Math.max(2, rowCapacity + 1));
    this.values = new Float64Array(Math.max(1, valueCapacity));
  }

  /** Appends a value to the open row. */
  push(value: number): void {
    if (this.length === this.values.length) this.values = grown(this.values, this.length + 1);
    this.values[this.length++] = value;
  }

  /** Appends a value to the open row unless the row holds it already. */
  pushUnique(value: number): void {
    const values = this.values;
    for (let k = this.start[this.rows]!; k < this.length; k++) if (values[k] === value) return;
    this.push(value);
  }

  /** Closes the open row; the next push starts the next row. */
  endRow(): void {
    if (this.rows + 2 > this.start.length) this.start = grown(this.start, this.rows + 2);
    this.start[++this.rows] = this.length;
  }

  count(r: number): number {
    return this.start[r + 1]! - this.start[r]!;
  }

  /** Row r's values as a plain array (for evidence and tests, not for hot loops). */
  list(r: number): number[] {
    return Array.from(this.values.subarray(this.start[r]!, this.start[r + 1]!));
  }
}

/** An array of at least `min` elements holding `a`'s: twice the size, so n appends copy O(n). */
export function grown<A extends Int32Array | Float64Array | Uint8Array>(a: A, min: number): A {
  const next = new (a.constructor as new (length: number) => A)(Math.max(min, a.length * 2, 16));
  next.set(a);
  return next;
}
