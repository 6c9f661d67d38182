import { float64s, int32s } from "./arena.ts";

/**
 * A map from whole numbers (0 ≤ key < 2^53) to non-negative 32-bit integers, held in two typed
 * arrays with open addressing: what the engine looks identifiers up in, millions of times.
 * A Map of millions of strings costs several misses in the processor's caches per look-up (the
 * bucket, the entry, the string) and an object per key for the collector to trace; here a look-up
 * is a hash and, mostly, one slot.
 *
 *   const index = new NumberIndex(1_000);
 *   index.get(42);         // -1: absent
 *   index.set(42, 7);
 *   index.get(42);         // 7
 */
export class NumberIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = float64s(capacity);
    this.values = int32s(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** The value of `key`, or -1 when it has none. */
  get(key: number): number {
    const keys = this.keys;
    const values = this.values;
    for (let slot = slotOf(key, this.mask); ; slot = (slot + 1) & this.mask) {
      const value = values[slot]!;
      if (value === -1 || keys[slot] === key) return value;
    }
  }

  /** Sets the value of `key` (a value of 0 or more). */
  set(key: number, value: number): void {
    if (value < 0) throw new RangeError(`NumberIndex values are 0 or more, but got ${value}`);
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    const keys = this.keys;
    const values = this.values;
    for (let slot = slotOf(key, this.mask); ; slot = (slot + 1) & this.mask) {
      if (values[slot] === -1) {
        keys[slot] = key;
        values[slot] = value;
        this.size++;
        return;
      }
      if (keys[slot] === key) {
        values[slot] = value;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = float64s(keys.length * 2);
    this.values = int32s(values.length * 2).fill(-1);
    this.mask = this.values.length - 1;
    this.size = 0;
    for (let slot = 0; slot < values.length; slot++) if (values[slot] !== -1) this.set(keys[slot]!, values[slot]!);
  }
}

/** A slot for a key: its low and high 32 bits mixed (murmur3's finaliser), so nearby numbers spread. */
function slotOf(key: number, mask: number): number {
  let h = (key >>> 0) ^ Math.imul((key / 4294967296) >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
