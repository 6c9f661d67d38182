/**
 * Flat layouts (items of each key laid out in one Int32Array, `start[k]` … `start[k + 1]`) are
 * filled with `out[start[key]++] = item`, using the offsets themselves as the cursors rather
 * than a copy of them: each copy is a typed array the size of a province's groups or blocks,
 * and typed-array stores count as V8 external memory, every ~64 MB of which starts a full GC.
 *
 * After the fill each `start[k]` has moved to where key k ends, which is where key k + 1
 * starts: this shifts them back by one key. `count` is the number of keys (`start` has
 * count + 1 entries, the last one the total, untouched by the fill).
 *
 * @example
 * const start = Int32Array.of(0, 2, 3); // key 0: 2 items, key 1: 1 item
 * // … fill: start is now [2, 3, 3]
 * restoreStarts(start, 2); // [0, 2, 3]
 */
export function restoreStarts(start: Int32Array, count: number): void {
  for (let k = count; k > 0; k--) start[k] = start[k - 1]!;
  start[0] = 0;
}
