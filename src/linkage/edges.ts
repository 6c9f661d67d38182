import { int32s } from "./arena.ts";
import { grown } from "./list-column.ts";
import { restoreStarts } from "./offsets.ts";

/**
 * The scored pairs of groups worth deciding (an edge each: its groups a < b, score and packed
 * field levels), in typed arrays: a province has about a million of them, and as objects they
 * were a million more for every garbage collection to trace.
 *
 *   const edges = new EdgeList();
 *   edges.push(0, 1, 17, levels);
 *   edges.sortBestFirst();                 // edge 0 is now the best
 *   const { start, edgeOf } = edges.adjacency(groupCount);
 */
export class EdgeList {
  count = 0;
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  score = new Float64Array(1024);
  levels = new Int32Array(1024);

  push(a: number, b: number, score: number, levels: number): void {
    if (this.count === this.a.length) {
      this.a = grown(this.a, this.count + 1);
      this.b = grown(this.b, this.count + 1);
      this.score = grown(this.score, this.count + 1);
      this.levels = grown(this.levels, this.count + 1);
    }
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.score[this.count] = score;
    this.levels[this.count++] = levels;
  }

  /**
   * Orders the edges best first: by score, highest first, then by a, then by b. Scores are
   * sums of weights in halves (score.ts): the edges are counted into one bucket per half point,
   * in (a, b) order, instead of compared (a million edges at a million children). Any other
   * score falls back to a comparison sort.
   */
  sortBestFirst(): void {
    const { a, b, score, levels } = this;
    const order = new Int32Array(this.count);
    for (let e = 0; e < this.count; e++) order[e] = e;
    const byPair = (x: number, y: number) => a[x]! - a[y]! || b[x]! - b[y]!;
    let low = Infinity;
    let high = -Infinity;
    for (let e = 0; e < this.count; e++) {
      low = Math.min(low, score[e]!);
      high = Math.max(high, score[e]!);
    }
    const halves = (high - low) * 2;
    if (
      this.count > 0 &&
      halves <= 1024 &&
      Array.prototype.every.call(score.subarray(0, this.count), (s: number) => Number.isInteger((s - low) * 2))
    ) {
      sortByPair(order, a, b);
      // A stable counting sort by score, highest first, keeps the (a, b) order within a score.
      const starts = new Int32Array(halves + 2);
      for (let e = 0; e < this.count; e++) starts[halves - (score[e]! - low) * 2 + 1]!++;
      for (let k = 0; k <= halves; k++) starts[k + 1]! += starts[k]!;
      const sorted = new Int32Array(this.count);
      for (const e of order) sorted[starts[halves - (score[e]! - low) * 2]!++] = e;
      order.set(sorted);
    } else {
      order.sort((x, y) => score[y]! - score[x]! || byPair(x, y));
    }
    this.a = permuted(a, order);
    this.b = permuted(b, order);
    this.score = permuted(score, order);
    this.levels = permuted(levels, order);
  }

  /**
   * Each group's edges in edge order (best first, once sorted), laid out flat: group g's are
   * `edgeOf[start[g]] … edgeOf[start[g + 1] - 1]`. With `only`, just the edges it marks.
   */
  adjacency(groupCount: number, only?: Uint8Array): Adjacency {
    const { a, b } = this;
    const start = int32s(groupCount + 1);
    let listed = 0;
    for (let e = 0; e < this.count; e++) {
      if (only && !only[e]) continue;
      start[a[e]! + 1]!++;
      start[b[e]! + 1]!++;
      listed++;
    }
    for (let g = 0; g < groupCount; g++) start[g + 1]! += start[g]!;
    const edgeOf = int32s(listed * 2);
    for (let e = 0; e < this.count; e++) {
      if (only && !only[e]) continue;
      edgeOf[start[a[e]!]!++] = e;
      edgeOf[start[b[e]!]!++] = e;
    }
    restoreStarts(start, groupCount);
    return { start, edgeOf };
  }
}

/** Each group's edges, laid out flat: group g's are `edgeOf[start[g]] … edgeOf[start[g + 1] - 1]`. */
export interface Adjacency {
  start: Int32Array;
  edgeOf: Int32Array;
}

/**
 * Sorts edge numbers by (a, b). The pairs come in order of a already (eachCandidatePair visits
 * them so), each a's few edges in the order their blocks gave them: those runs are sorted by b
 * in place. A tail out of that order (the second look's few pairs, second-look.ts) is sorted on
 * its own and merged in; edges in any other order are sorted whole.
 */
function sortByPair(order: Int32Array, a: Int32Array, b: Int32Array): void {
  const byPair = (x: number, y: number) => a[x]! - a[y]! || b[x]! - b[y]!;
  for (let k = 1; k < order.length; k++) {
    if (a[order[k]!]! < a[order[k - 1]!]!) {
      if (order.length - k > order.length / 8) {
        order.sort(byPair);
        return;
      }
      const head = order.slice(0, k);
      sortByPair(head, a, b);
      const tail = order.slice(k).sort(byPair);
      let h = 0;
      let t = 0;
      for (let at = 0; at < order.length; at++)
        order[at] = t >= tail.length || (h < head.length && byPair(head[h]!, tail[t]!) <= 0) ? head[h++]! : tail[t++]!;
      return;
    }
  }
  for (let k = 1; k < order.length; k++) {
    const e = order[k]!;
    let j = k - 1;
    while (j >= 0 && a[order[j]!] === a[e] && b[order[j]!]! > b[e]!) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = e;
  }
}

function permuted<A extends Int32Array | Float64Array>(values: A, order: Int32Array): A {
  const out = new (values.constructor as new (length: number) => A)(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]!]!;
  return out;
}
