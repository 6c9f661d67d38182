import { float64s } from "./arena.ts";

/**
 * A map from whole numbers (0 ≤ key < 2^53) to non-negative 32-bit integers, held in one typed
 * array with open addressing: what the engine looks identifiers up in, millions of times.
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
  /** Key and value side by side (a look-up reads one cache line); a value of -1 marks an empty slot. */
  private slots: Float64Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    const capacity = slotsFor(expected);
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
  }

  /** The value of `key`, or -1 when it has none. */
  get(key: number): number {
    const slots = this.slots;
    for (let slot = slotOf(key, this.mask); ; slot = (slot + 1) & this.mask) {
      const value = slots[slot * 2 + 1]!;
      if (value === -1 || slots[slot * 2] === key) return value;
    }
  }

  /** Sets the value of `key` (a value of 0 or more). */
  set(key: number, value: number): void {
    if (value < 0) throw new RangeError(`NumberIndex values are 0 or more, but got ${value}`);
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    for (let slot = slotOf(key, this.mask); ; slot = (slot + 1) & this.mask) {
      if (slots[slot * 2 + 1] === -1) {
        slots[slot * 2] = key;
        slots[slot * 2 + 1] = value;
        this.size++;
        return;
      }
      if (slots[slot * 2] === key) {
        slots[slot * 2 + 1] = value;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 2) if (old[at + 1] !== -1) this.set(old[at]!, old[at + 1]!);
  }
}

/** Slots for an open-addressing table expecting `expected` keys: a power of two, at least twice that (and 1024). */
export function slotsFor(expected: number): number {
  let capacity = 1024;
  while (capacity < expected * 2) capacity *= 2;
  return capacity;
}

function emptySlots(capacity: number): Float64Array {
  const slots = float64s(capacity * 2);
  for (let at = 1; at < slots.length; at += 2) slots[at] = -1;
  return slots;
}

/** A slot for a key: its low and high 32 bits mixed (murmur3's finaliser), so nearby numbers spread. */
function slotOf(key: number, mask: number): number {
  let h = (key >>> 0) ^ Math.imul((key / 4294967296) >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
