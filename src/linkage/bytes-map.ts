import { slotsFor } from "./number-index.ts";

/**
 * A map from byte strings (a slice of a buffer) to whole numbers, with open addressing over
 * typed arrays: the reader looks each record's name up by its bytes as COPY sent them, so a
 * province's millions of names are never made into strings (only each distinct one, once).
 *
 *   const map = new BytesMap();
 *   map.get(buf, 0, 6);      // BytesMap.ABSENT
 *   map.set(buf, 0, 6, 42);
 *   map.get(buf, 0, 6);      // 42
 */
export class BytesMap {
  static readonly ABSENT = -0x80000000;

  /** Four numbers a slot, side by side (one cache line for a probe): hash, key start, key length (-1: empty), value. */
  private slots: Int32Array;
  private store = new Uint8Array(1 << 16);
  private stored = 0;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    const capacity = slotsFor(expected);
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
  }

  /** The value of the bytes `buf[start … end)`, or BytesMap.ABSENT. */
  get(buf: Uint8Array, start: number, end: number): number {
    const hash = hashOf(buf, start, end);
    const length = end - start;
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 4;
      const stored = slots[at + 2]!;
      if (stored === -1) return BytesMap.ABSENT;
      if (stored === length && slots[at] === hash && this.sameBytes(slots[at + 1]!, buf, start, length))
        return slots[at + 3]!;
    }
  }

  /** Sets the value of the bytes `buf[start … end)` (which must not be in the map yet). */
  set(buf: Uint8Array, start: number, end: number, value: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const length = end - start;
    if (this.stored + length > this.store.length) {
      const next = new Uint8Array(Math.max(this.store.length * 2, this.stored + length));
      next.set(this.store.subarray(0, this.stored));
      this.store = next;
    }
    this.store.set(buf.subarray(start, end), this.stored);
    this.place(hashOf(buf, start, end), this.stored, length, value);
    this.stored += length;
  }

  private place(hash: number, keyStart: number, length: number, value: number): void {
    const slots = this.slots;
    let slot = hash & this.mask;
    while (slots[slot * 4 + 2] !== -1) slot = (slot + 1) & this.mask;
    const at = slot * 4;
    slots[at] = hash;
    slots[at + 1] = keyStart;
    slots[at + 2] = length;
    slots[at + 3] = value;
    this.size++;
  }

  private sameBytes(keyStart: number, buf: Uint8Array, start: number, length: number): boolean {
    const store = this.store;
    for (let k = 0; k < length; k++) if (store[keyStart + k] !== buf[start + k]) return false;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = emptySlots(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 4)
      if (old[at + 2] !== -1) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

function emptySlots(capacity: number): Int32Array {
  const slots = new Int32Array(capacity * 4);
  for (let at = 2; at < slots.length; at += 4) slots[at] = -1;
  return slots;
}

/** FNV-1a over the bytes, then mixed (murmur3's finaliser) so the low bits spread. */
function hashOf(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
