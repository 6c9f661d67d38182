import { int32s, uint8s } from "./arena.ts";
import { canonicalCharacter } from "./confusions.ts";
import { grown } from "./list-column.ts";
import { kindAt, sameKey, sortKeys, type SortedKeys } from "./radix-sort.ts";
import { stageTimer } from "./stage-timer.ts";
import { restoreStarts } from "./offsets.ts";
import { FIELDS, GUARDIAN_IDS, ID_NUMBERS, PHONES, type ProfileTable } from "./profile.ts";
import { SEX_M, type RecordTable } from "./record-table.ts";
import type { NameFeature } from "./types.ts";

/**
 * Blocking: only records that share a key are compared. Each kind of key has a cap on how many
 * groups (records already joined by an exact identifier count once) one block may hold. A
 * block over its cap is skipped whole and reported, never truncated: a truncated block would
 * compare an arbitrary subset, and an oversized block means the key is skewed (a clinic that
 * types its own phone for every child, a default date) and carries no information anyway.
 *
 * - ID: every valid ID number a record carries, trusted or not (finds flagged records);
 * - DSS: birth date + sex + surname + one character of the given name, folded to its homophone
 *   group (梓 → 子). A named record gets two such keys, with the first and with the last given
 *   character, so a name with any one character mistyped still shares a block. Without the
 *   given name a block is every child of that surname and sex born that day: ~160 boys named 王
 *   a day in a province of 30 million, each with 4–6 records, comparisons growing with the
 *   square of the province, nearly all of them strangers (measured: 6.8 million candidate
 *   pairs at 1 million children without it, 2.2 million with it, recall unchanged). Records with
 *   no real name (placeholders, blanks) get no DSS key: they are found through their
 *   identifiers, guardians and phones;
 * - GID: a guardian's ID number (a family: a few children);
 * - PHONE: a guardian's phone (a family).
 *
 * A birth certificate number is no blocking key: records sharing one are joined exactly before
 * blocking, so its block would only ever hold one group.
 */
export const BLOCK_CAPS = {
  ID: 50,
  DSS: 1_000,
  GID: 60,
  PHONE: 60,
} as const;

export type BlockKind = keyof typeof BLOCK_CAPS;

/** The kinds by number, as BlockCodes emits them. */
export const BLOCK_KINDS: readonly BlockKind[] = ["ID", "DSS", "GID", "PHONE"];
const ID = 0;
const DSS = 1;
const GID = 2;
const PHONE = 3;

/**
 * A name's DSS suffixes: surname | its first given character, and surname | ~ its last one
 * (each folded to its homophone group), or none when the name has no given name.
 *
 * @example nameSuffixes({ full: "王子轩", surname: "王", given: "子轩" }) // ["王|子", "王|~轩"]
 */
export function nameSuffixes(name: NameFeature): string[] {
  const given = name.given;
  if (given === "") return [];
  // The first and last characters by code point (a rare character is two UTF-16 units).
  const first = String.fromCodePoint(given.codePointAt(0)!);
  const suffixes = [`${name.surname}|${canonicalCharacter(first)}`];
  if (given.length > first.length) {
    const low = given.charCodeAt(given.length - 1);
    const lastLength = low >= 0xdc00 && low <= 0xdfff && given.length >= 2 ? 2 : 1;
    suffixes.push(`${name.surname}|~${canonicalCharacter(given.slice(given.length - lastLength))}`);
  }
  return suffixes;
}

/**
 * The blocking keys of a table's records as numbers, a kind each (BLOCK_KINDS): ID numbers,
 * guardians' ID numbers and phones are their vocabulary codes, and each DSS key one number per
 * distinct (name suffix, birth date, sex), so two records share a number of a kind exactly when
 * they share the key. One per linkage run (it numbers the name suffixes it meets).
 */
export class BlockCodes {
  private readonly suffixCodes = new Map<string, number>();
  /** Per vocabulary name: its suffixes' numbers (-1 none), -2 until worked out. */
  private firstSuffix = new Int32Array(1024).fill(-2);
  private lastSuffix = new Int32Array(1024);
  private readonly layout = new Int32Array(FIELDS + 1);
  /**
   * Per record, its DSS keys (NaN: none), worked out once in record order: a group's members
   * lie all over the table, and reading each one's name, date and sex there costs a cache miss
   * apiece.
   */
  private readonly dssFirst: Float64Array;
  private readonly dssLast: Float64Array;

  constructor(private readonly records: RecordTable) {
    const r = records;
    const n = r.count;
    const first = (this.dssFirst = new Float64Array(n).fill(Number.NaN));
    const last = (this.dssLast = new Float64Array(n).fill(Number.NaN));
    for (let i = 0; i < n; i++) {
      const name = r.name[i]!;
      const date = r.birthDate[i]!;
      const sex = r.sex[i]!;
      if (name < 0 || date < 0 || sex === 0) continue;
      const firstSuffix = this.suffixOf(name);
      if (firstSuffix < 0) continue;
      // < 2^30 suffixes × 2^22 dates × 2 sexes: exact in a double (2^53).
      const dated = date * 2 + (sex === SEX_M ? 0 : 1);
      first[i] = firstSuffix * 8_388_608 + dated;
      const lastSuffix = this.lastSuffix[name]!;
      if (lastSuffix >= 0) last[i] = lastSuffix * 8_388_608 + dated;
    }
  }

  /**
   * Emits record i's keys as (kind, number): its ID numbers, its DSS keys, its guardians' ID
   * numbers, its phones, in that order.
   */
  each(i: number, emit: (kind: number, code: number) => void): void {
    const r = this.records;
    const ids = r.idNumbers;
    for (let k = ids.start[i]!; k < ids.start[i + 1]!; k++) emit(ID, ids.values[k]!);
    this.eachDss(i, emit);
    const guardians = r.guardianIds;
    for (let k = guardians.start[i]!; k < guardians.start[i + 1]!; k++) emit(GID, guardians.values[k]!);
    const phones = r.phones;
    for (let k = phones.start[i]!; k < phones.start[i + 1]!; k++) emit(PHONE, phones.values[k]!);
  }

  /**
   * Emits the keys of a group of records (members[from … to)) whose profile is row `row` of
   * `profiles`: the same keys as `each` for every member, each once where the profile holds it
   * once (its ID numbers, guardians and phones), and the DSS keys record by record (a DSS key
   * is one record's name, date and sex together, not any of the group's), skipping a record
   * whose DSS keys repeat those of the one before it.
   */
  eachOfGroup(
    profiles: ProfileTable,
    row: number,
    members: Int32Array,
    from: number,
    to: number,
    emit: (kind: number, code: number) => void,
  ): void {
    const at = this.layout;
    profiles.layout(row, at);
    const values = profiles.data;
    for (let k = at[ID_NUMBERS]!; k < at[ID_NUMBERS + 1]!; k++) emit(ID, values[k]!);
    const first = this.dssFirst;
    const last = this.dssLast;
    let previousFirst = Number.NaN;
    let previousLast = Number.NaN;
    for (let k = from; k < to; k++) {
      const i = members[k]!;
      const code = first[i]!;
      if (code !== code) continue;
      const second = last[i]!;
      // The keys just given again (no second key on either counts as the same).
      if (code === previousFirst && (second === previousLast || (second !== second && previousLast !== previousLast)))
        continue;
      emit(DSS, code);
      if (second === second) emit(DSS, second);
      previousFirst = code;
      previousLast = second;
    }
    for (let k = at[GUARDIAN_IDS]!; k < at[GUARDIAN_IDS + 1]!; k++) emit(GID, values[k]!);
    for (let k = at[PHONES]!; k < at[PHONES + 1]!; k++) emit(PHONE, values[k]!);
  }

  /** Record i's DSS keys, first and last (NaN: none): what a second look varies the birth date of. */
  dssOf(i: number): [first: number, last: number] {
    return [this.dssFirst[i]!, this.dssLast[i]!];
  }

  private eachDss(i: number, emit: (kind: number, code: number) => void): void {
    const first = this.dssFirst[i]!;
    if (first !== first) return;
    emit(DSS, first);
    const last = this.dssLast[i]!;
    if (last === last) emit(DSS, last);
  }

  /** How many keys `each` emits for record i: lets the engine size its block arrays once (see eachCandidatePair). */
  countOf(i: number): number {
    const r = this.records;
    const dss = (this.dssFirst[i] === this.dssFirst[i] ? 1 : 0) + (this.dssLast[i] === this.dssLast[i] ? 1 : 0);
    return r.idNumbers.count(i) + dss + r.guardianIds.count(i) + r.phones.count(i);
  }

  /** The number of a name's first suffix (-1: none), working both out on first use. */
  private suffixOf(name: number): number {
    if (name >= this.firstSuffix.length) {
      const size = this.firstSuffix.length;
      this.firstSuffix = grown(this.firstSuffix, name + 1).fill(-2, size);
      this.lastSuffix = grown(this.lastSuffix, name + 1);
    }
    const known = this.firstSuffix[name]!;
    if (known !== -2) return known;
    const [first, last] = nameSuffixes(this.records.vocabulary.names[name]!).map((suffix) => {
      let code = this.suffixCodes.get(suffix);
      if (code === undefined) this.suffixCodes.set(suffix, (code = this.suffixCodes.size));
      return code;
    });
    this.lastSuffix[name] = last ?? -1;
    return (this.firstSuffix[name] = first ?? -1);
  }
}

/** Sorts values[from … to) ascending: insertion sort for the small blocks nearly all are. */
function sortAscending(values: Int32Array, from: number, to: number): void {
  if (to - from > 32) {
    values.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= from && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}

/** A block that was not compared because it held more groups than its kind's cap. */
export interface SkippedBlock {
  kind: BlockKind;
  size: number;
}

/**
 * Every candidate pair of groups from the blocks: every pair of distinct groups that share a
 * key in a block within its cap, each pair once, passed to `visit` as (smaller index, larger
 * index) in order of the smaller, then of the block that first joined them. A province's pairs
 * never need to sit in memory together.
 *
 * Only `probe` groups open blocks; the others join blocks a probe opened. The caller makes
 * every group without a trusted ID number a probe: two groups that both hold one are different
 * children or already one, so a block of such groups alone could never yield a pair.
 *
 * The blocks are found by sorting every group's keys (radix-sort.ts): a block is a run of one
 * key, opened when its first holder, in the order the keys were given (probes first), is a
 * probe. Blocks are laid out flat (offsets into one Int32Array, both ways: block → groups and
 * group → blocks), and a pair is recognised as seen with one mark per group rather than a set
 * of pairs: millions of small arrays and a hash set of pair numbers cost more in garbage
 * collection and hashing than the comparisons themselves. `keyCountOfGroup`, when given, says
 * how many keys `keysOfGroup` emits for a group at most, so that the keys' arrays are allocated
 * once at about their size.
 *
 * @example
 * eachCandidatePair(3, (g, emit) => emit(3, 13800001234), () => true, (a, b) => console.log(a, b))
 * // 0 1, 0 2, 1 2 → { pairs: 3, skipped: [], blocks: 1, timings: { … } }
 */
export function eachCandidatePair(
  groupCount: number,
  keysOfGroup: (group: number, emit: (kind: number, code: number) => void) => void,
  isProbe: (group: number) => boolean,
  visit: (a: number, b: number) => void,
  keyCountOfGroup?: (group: number) => number,
): { pairs: number; skipped: SkippedBlock[]; blocks: number; timings: Record<string, number>; keys: BlockKeys } {
  const { ms: timings, lap } = stageTimer();
  // 1. Every group's keys, the probes' first.
  let capacity = 1 << 16;
  if (keyCountOfGroup) {
    capacity = 1;
    for (let g = 0; g < groupCount; g++) capacity += keyCountOfGroup(g);
  }
  let kinds = new Uint8Array(capacity);
  let codes = new Float64Array(capacity);
  let holders = new Int32Array(capacity);
  let keys = 0;
  let g = 0;
  const emit = (kind: number, code: number) => {
    if (keys === kinds.length) {
      kinds = grown(kinds, keys + 1);
      codes = grown(codes, keys + 1);
      holders = grown(holders, keys + 1);
    }
    kinds[keys] = kind;
    codes[keys] = code;
    holders[keys++] = g;
  };
  const probe = new Uint8Array(groupCount);
  for (g = 0; g < groupCount; g++) probe[g] = isProbe(g) ? 1 : 0;
  for (const pass of [1, 0]) {
    for (g = 0; g < groupCount; g++) if (probe[g] === pass) keysOfGroup(g, emit);
  }

  lap("blocking keys");
  // 2. Blocks: runs of one key whose first holder is a probe, each group once (a group's keys
  // were given together, so its repeats of a key sit side by side), in the order given.
  const sorted = sortKeys(kinds, codes, holders, keys);
  const sortedHolders = sorted.payload;
  lap("key sort");
  const blockStart = int32s(keys + 1);
  const blockGroups = int32s(keys);
  const blockKind = uint8s(keys);
  let blockCount = 0;
  let members = 0;
  for (let k = 0; k < keys;) {
    let end = k + 1;
    while (end < keys && sameKey(sorted, k, end)) end++;
    if (probe[sortedHolders[k]!]) {
      blockKind[blockCount] = kindAt(sorted, k);
      blockStart[blockCount] = members;
      let last = -1;
      for (let j = k; j < end; j++) {
        const holder = sortedHolders[j]!;
        if (holder !== last) blockGroups[members++] = last = holder;
      }
      blockCount++;
    }
    k = end;
  }
  blockStart[blockCount] = members;

  // Blocks that make pairs: two groups or more, within the kind's cap (oversized ones are
  // reported in the order of their keys), their groups in ascending order: a group then pairs
  // only with the groups after it in each block.
  const usable = uint8s(blockCount);
  const skipped: SkippedBlock[] = [];
  for (let b = 0; b < blockCount; b++) {
    const size = blockStart[b + 1]! - blockStart[b]!;
    if (size < 2) continue;
    const kind = BLOCK_KINDS[blockKind[b]!]!;
    if (size > BLOCK_CAPS[kind]) skipped.push({ kind, size });
    else {
      usable[b] = 1;
      sortAscending(blockGroups, blockStart[b]!, blockStart[b + 1]!);
    }
  }

  lap("blocks");
  // 3. Group → its usable blocks, and where in each the groups after it begin.
  const groupStart = int32s(groupCount + 1);
  for (let b = 0; b < blockCount; b++)
    if (usable[b]) for (let m = blockStart[b]!; m < blockStart[b + 1]!; m++) groupStart[blockGroups[m]! + 1]!++;
  for (let x = 0; x < groupCount; x++) groupStart[x + 1]! += groupStart[x]!;
  const groupBlocks = int32s(groupStart[groupCount]!);
  const laterFrom = int32s(groupStart[groupCount]!);
  for (let b = 0; b < blockCount; b++) {
    if (!usable[b]) continue;
    for (let m = blockStart[b]!; m < blockStart[b + 1]!; m++) {
      const at = groupStart[blockGroups[m]!]!++;
      groupBlocks[at] = b;
      laterFrom[at] = m + 1;
    }
  }
  restoreStarts(groupStart, groupCount);

  lap("groups' blocks");
  // 4. Pairs.
  const seenBy = int32s(groupCount).fill(-1);
  let pairs = 0;
  for (let a = 0; a < groupCount; a++) {
    for (let k = groupStart[a]!; k < groupStart[a + 1]!; k++) {
      const end = blockStart[groupBlocks[k]! + 1]!;
      for (let j = laterFrom[k]!; j < end; j++) {
        const other = blockGroups[j]!;
        if (seenBy[other] === a) continue;
        seenBy[other] = a;
        pairs++;
        visit(a, other);
      }
    }
  }
  lap("pairs compared");
  return { pairs, skipped, blocks: blockCount, timings, keys: new BlockKeys(sorted) };
}

/**
 * Every group's blocking keys, sorted (eachCandidatePair's): which groups hold a key, or a key
 * in a range, by binary search — what a second look (second-look.ts) asks of a few groups
 * without a key of their own for every record of the province.
 */
export class BlockKeys {
  constructor(private readonly sorted: SortedKeys) {}

  /** Calls `visit` with each group holding a key of `kind` from `low` to `high` (both included), and the code. */
  eachHolder(kind: number, low: number, high: number, visit: (group: number, code: number) => void): void {
    const { payload, count } = this.sorted;
    for (let k = this.firstAtLeast(kind, low); k < count; k++) {
      if (this.kindOf(k) !== kind) return;
      const code = this.codeOf(k);
      if (code > high) return;
      visit(payload[k]!, code);
    }
  }

  private kindOf(k: number): number {
    return kindAt(this.sorted, k);
  }

  private codeOf(k: number): number {
    const { low, high } = this.sorted;
    return (high[k]! & HIGH_CODE_MASK) * 4294967296 + low[k]!;
  }

  /** The first sorted position whose key is (kind, code) or greater. */
  private firstAtLeast(kind: number, code: number): number {
    const { low, high, count } = this.sorted;
    const wantHigh = kind * 2_097_152 + Math.floor(code / 4294967296);
    const wantLow = code >>> 0;
    let from = 0;
    let to = count;
    while (from < to) {
      const mid = (from + to) >>> 1;
      if (high[mid]! < wantHigh || (high[mid] === wantHigh && low[mid]! < wantLow)) from = mid + 1;
      else to = mid;
    }
    return from;
  }
}

/** The code's bits of a sorted key's high word (radix-sort.ts: kind × 2^21 + the code's high bits). */
const HIGH_CODE_MASK = 2_097_151;
