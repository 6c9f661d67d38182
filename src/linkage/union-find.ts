import { int32s } from "./arena.ts";

/**
 * Disjoint sets of 0 … n − 1 (union by size, path halving), in two typed arrays: the engine
 * joins records into groups and groups into clusters with it.
 *
 *   const sets = new UnionFind(3);
 *   sets.join(sets.find(0), sets.find(2));
 *   sets.find(0) === sets.find(2); // true
 */
export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = int32s(n);
    this.size = int32s(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  /** Joins two roots (find's answers); returns the new root. */
  join(ra: number, rb: number): number {
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return ra;
  }
}
