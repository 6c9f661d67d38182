import { float64s, int32s, uint8s } from "./arena.ts";
import { NumberIndex } from "./number-index.ts";
import type { RecordTable } from "./record-table.ts";
import { UnionFind } from "./union-find.ts";

/** What the exact links leave for the rest of the engine. */
export interface ExactLinks {
  /** Records joined: records sharing a trusted ID number, a birth certificate or a J/L student number. */
  roots: UnionFind;
  /** Each root's trusted ID numbers (a group holds one, or none, unless a person merged records). */
  rootIds: CodeSets;
  /** Each root's pinned children (ClusterOptions.pinnedChild): few or none (a first link has none). */
  pins: Map<number, number[]>;
  /** Records left out of a join that would have joined two different ID numbers or certificates. */
  flagged: Set<number>;
  /** Whether record i's identifier of a kind (a *_BIT) is held by another record too. */
  isShared: (bit: number, i: number) => boolean;
  ID_BIT: number;
  CERTIFICATE_BIT: number;
  STUDENT_BIT: number;
}

const ID_BIT = 1;
const CERTIFICATE_BIT = 2;
const STUDENT_BIT = 4;

/**
 * The exact links: records sharing a trusted ID number, a birth certificate number or a J/L
 * student number are one child, record by record in table order, unless the join would bring
 * two different ID numbers or certificates (or two children a person told apart) together:
 * then the record is flagged and stays out. Records pinned to one child (a person's decision)
 * are joined first.
 *
 *   const { roots, flagged } = linkExactly(records, undefined, () => false);
 */
export function linkExactly(
  records: RecordTable,
  pinned: readonly (number | null)[] | undefined,
  pinsConflict: (x: readonly number[] | undefined, y: readonly number[] | undefined) => boolean,
): ExactLinks {
  const n = records.count;
  const uf = new UnionFind(n);
  const flagged = new Set<number>();
  // Each root's trusted ID numbers and birth certificate numbers.
  const trustedIds = float64s(n);
  for (let i = 0; i < n; i++) trustedIds[i] = records.trustedId(i);
  const rootIds = new CodeSets(trustedIds, n);
  const rootCertificates = new CodeSets(records.certificate, n);
  const pins = new Map<number, number[]>();
  if (pinned) {
    for (let i = 0; i < n; i++) {
      const child = pinned[i];
      if (child != null) pins.set(i, [child]);
    }
  }
  const joinRoots = (ra: number, rb: number) => {
    const root = uf.join(ra, rb);
    const other = root === ra ? rb : ra;
    rootIds.unite(root, other);
    rootCertificates.unite(root, other);
    const p = pins.get(other);
    if (p) {
      const target = pins.get(root) ?? pins.set(root, []).get(root)!;
      for (const c of p) if (!target.includes(c)) target.push(c);
    }
  };
  if (pinned) {
    const firstOfChild = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const child = pinned[i];
      if (child == null) continue;
      const first = firstOfChild.get(child);
      if (first === undefined) firstOfChild.set(child, i);
      else {
        const ra = uf.find(first);
        const rb = uf.find(i);
        if (ra !== rb) joinRoots(ra, rb);
      }
    }
  }
  // The first record holding each identifier, by kind; sharedAs[first] has the kind's bit when
  // another record holds it too.
  const firstHolders = [new NumberIndex(n / 4), new NumberIndex(n / 8), new NumberIndex(n / 64)];
  const sharedAs = uint8s(n);
  // Per record and kind, the first record holding its identifier (-1: it has none).
  const holders = [int32s(n), int32s(n), int32s(n)];
  const isShared = (bit: number, i: number) => {
    const first = holders[bit >> 1]![i]!;
    return first !== -1 && (sharedAs[first]! & bit) !== 0;
  };
  const link = (i: number, code: number, bit: number) => {
    const holder = holders[bit >> 1]!;
    if (code !== code) {
      holder[i] = -1; // NaN: the record has none
      return;
    }
    const index = firstHolders[bit >> 1]!;
    let first = index.get(code);
    if (first === -1) index.set(code, (first = i));
    holder[i] = first;
    if (first === i) return;
    sharedAs[first]! |= bit;
    const ra = uf.find(first);
    const rb = uf.find(i);
    if (ra === rb) return;
    if (rootIds.disjoint(ra, rb) || rootCertificates.disjoint(ra, rb) || pinsConflict(pins.get(ra), pins.get(rb))) {
      flagged.add(i);
      return;
    }
    joinRoots(ra, rb);
  };
  for (let i = 0; i < n; i++) {
    link(i, trustedIds[i]!, ID_BIT);
    link(i, records.certificate[i]!, CERTIFICATE_BIT);
    link(i, records.studentKey[i]!, STUDENT_BIT);
  }
  return { roots: uf, rootIds, pins, flagged, isShared, ID_BIT, CERTIFICATE_BIT, STUDENT_BIT };
}

/**
 * A set of identifier codes per union-find root, for the exact links: nearly every root holds
 * one value or none (kept in `one`, NaN for none); the rare root that joins two (records a
 * person merged) keeps the others in `more`.
 */
export class CodeSets {
  readonly one: Float64Array;
  private readonly more = new Map<number, number[]>();

  /** Each of n roots starting with one value (NaN: none), from `values`. */
  constructor(values: Float64Array, n: number) {
    this.one = float64s(n);
    this.one.set(values.subarray(0, n));
  }

  isEmpty(r: number): boolean {
    return Number.isNaN(this.one[r]!);
  }

  has(r: number, value: number): boolean {
    return this.one[r] === value || this.more.get(r)?.includes(value) === true;
  }

  /** Both hold values, and none in common. */
  disjoint(a: number, b: number): boolean {
    if (this.isEmpty(a) || this.isEmpty(b)) return false;
    if (this.more.size === 0) return this.one[a] !== this.one[b];
    return !this.values(a).some((v) => this.has(b, v));
  }

  /** Adds b's values to a's. */
  unite(a: number, b: number): void {
    if (this.more.size === 0) {
      // Nearly always: one value or none on each side.
      const x = this.one[a]!;
      const y = this.one[b]!;
      if (y !== y || x === y) return;
      if (x !== x) {
        this.one[a] = y;
        return;
      }
    }
    for (const v of this.values(b)) {
      if (this.isEmpty(a)) this.one[a] = v;
      else if (!this.has(a, v)) (this.more.get(a) ?? this.more.set(a, []).get(a)!).push(v);
    }
  }

  private values(r: number): number[] {
    if (this.isEmpty(r)) return [];
    const more = this.more.get(r);
    return more ? [this.one[r]!, ...more] : [this.one[r]!];
  }
}
