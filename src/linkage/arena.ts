/**
 * Typed arrays for the engine's working state, carved from one ArrayBuffer per run.
 *
 * Why: a typed array's store is "external memory" to V8, and every ~64 MB of it allocated since
 * the last full garbage collection starts another one (--trace-incremental-marking says
 * "external memory pressure"). Matching a province allocates about a gigabyte of typed arrays
 * over a minute, which started five full collections of a 2.5–4.5 GB heap, 2.5–4.5 s each
 * (1M children). One buffer taken at the start is one such allocation: at 1M children, one full
 * collection instead of five, and matching in 40.6 s instead of 59.9 s. (Since the records are
 * columns rather than objects, record-table.ts, the heap is a few hundred MB and a full
 * collection cheap; the arena stays, as one allocation for the matcher's working arrays.)
 *
 *   withArena(arenaBytes(records.count), () => …); // inside: int32s(n), uint8s(n), float64s(n), as clusterTable does
 *
 * Outside withArena (and when the arena runs out) the functions allocate as `new` would.
 * The arrays come zero-filled, as `new` gives them.
 */
class TypedArena {
  private readonly buffer: ArrayBuffer;
  private used = 0;
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }
  /** `count` elements of `size` bytes, aligned; null when the arena is full. */
  take(count: number, size: number): { buffer: ArrayBuffer; offset: number } | null {
    const offset = Math.ceil(this.used / 8) * 8;
    if (offset + count * size > this.buffer.byteLength) {
      arenaUse.overflowBytes += count * size;
      return null;
    }
    arenaUse.takenBytes += count * size;
    this.used = offset + count * size;
    return { buffer: this.buffer, offset };
  }
}

let current: TypedArena | null = null;

/**
 * Bytes to set aside for clustering `records` records: measured about 100 bytes a record (1M
 * children, 2026-12), with room to spare, and 4 MB for the smallest sizes the indexes start at.
 * Untouched pages of the buffer cost no memory.
 */
export function arenaBytes(records: number): number {
  return (4 << 20) + Math.ceil(records * BYTES_PER_RECORD);
}
const BYTES_PER_RECORD = 160;

/** Typed-array bytes taken from arenas and, when one ran out, allocated outside it (since the process started). */
export const arenaUse = { takenBytes: 0, overflowBytes: 0 };

/** Runs synchronous work with typed arrays taken from one buffer of `bytes`. */
export function withArena<T>(bytes: number, work: () => T): T {
  const previous = current;
  current = new TypedArena(bytes);
  try {
    return work();
  } finally {
    current = previous;
  }
}

export function int32s(count: number): Int32Array {
  const slot = current?.take(count, 4);
  return slot ? new Int32Array(slot.buffer, slot.offset, count) : new Int32Array(count);
}

export function uint8s(count: number): Uint8Array {
  const slot = current?.take(count, 1);
  return slot ? new Uint8Array(slot.buffer, slot.offset, count) : new Uint8Array(count);
}

export function float64s(count: number): Float64Array {
  const slot = current?.take(count, 8);
  return slot ? new Float64Array(slot.buffer, slot.offset, count) : new Float64Array(count);
}
