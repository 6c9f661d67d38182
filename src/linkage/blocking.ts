import { int32s, uint8s } from "./arena.ts";
import { canonicalCharacter } from "./confusions.ts";
import { grown } from "./list-column.ts";
import { NumberIndex } from "./number-index.ts";
import { restoreStarts } from "./offsets.ts";
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

  constructor(private readonly records: RecordTable) {}

  /**
   * Emits record i's keys as (kind, number): its ID numbers, its DSS keys, its guardians' ID
   * numbers, its phones, in that order.
   */
  each(i: number, emit: (kind: number, code: number) => void): void {
    const r = this.records;
    const ids = r.idNumbers;
    for (let k = ids.start[i]!; k < ids.start[i + 1]!; k++) emit(ID, ids.values[k]!);
    const name = r.name[i]!;
    const date = r.birthDate[i]!;
    const sex = r.sex[i]!;
    if (name >= 0 && date >= 0 && sex !== 0) {
      const first = this.suffixOf(name);
      if (first >= 0) {
        // < 2^30 suffixes × 2^22 dates × 2 sexes: exact in a double (2^53).
        const dated = date * 2 + (sex === SEX_M ? 0 : 1);
        emit(DSS, first * 8_388_608 + dated);
        const last = this.lastSuffix[name]!;
        if (last >= 0) emit(DSS, last * 8_388_608 + dated);
      }
    }
    const guardians = r.guardianIds;
    for (let k = guardians.start[i]!; k < guardians.start[i + 1]!; k++) emit(GID, guardians.values[k]!);
    const phones = r.phones;
    for (let k = phones.start[i]!; k < phones.start[i + 1]!; k++) emit(PHONE, phones.values[k]!);
  }

  /**
   * How many keys `each` emits for record i, at most (a one-character given name has one DSS
   * key, not two): lets the engine size its block arrays once (see eachCandidatePair).
   */
  countOf(i: number): number {
    const r = this.records;
    const dss = r.name[i]! >= 0 && r.birthDate[i]! >= 0 && r.sex[i] !== 0 && r.vocabulary.names[r.name[i]!]!.given !== "" ? 2 : 0;
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

/**
 * Per record, whether it shares a blocking key with one of the records marked fresh: which of
 * the records a broad neighbour query returned are true block mates of the new ones.
 */
export function blockMates(records: RecordTable, fresh: (i: number) => boolean): Uint8Array {
  const codes = new BlockCodes(records);
  const held = BLOCK_KINDS.map(() => new NumberIndex());
  for (let i = 0; i < records.count; i++) if (fresh(i)) codes.each(i, (kind, code) => held[kind]!.set(code, 1));
  const mates = new Uint8Array(records.count);
  for (let i = 0; i < records.count; i++) codes.each(i, (kind, code) => {
    if (held[kind]!.get(code) !== -1) mates[i] = 1;
  });
  return mates;
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
 * children or already one, so a block of such groups alone could never yield a pair, and
 * skipping those blocks keeps most of a province's records out of the block indexes.
 *
 * Blocks are numbered as they open and laid out flat (offsets into one Int32Array, both ways:
 * block → groups and group → blocks), and a pair is recognised as seen with one mark per group
 * rather than a set of pairs: millions of small arrays and a hash set of pair numbers cost more
 * in garbage collection and hashing than the comparisons themselves. `keyCountOfGroup`, when
 * given, says how many keys `keysOfGroup` emits for a group at most, so that those arrays are
 * allocated at about their size rather than grown.
 *
 * @example
 * eachCandidatePair(3, (g, emit) => emit(3, 13800001234), () => true, (a, b) => console.log(a, b))
 * // 0 1, 0 2, 1 2 → { pairs: 3, skipped: [], blocks: 1 }
 */
export function eachCandidatePair(
  groupCount: number,
  keysOfGroup: (group: number, emit: (kind: number, code: number) => void) => void,
  isProbe: (group: number) => boolean,
  visit: (a: number, b: number) => void,
  keyCountOfGroup?: (group: number) => number,
): { pairs: number; skipped: SkippedBlock[]; blocks: number } {
  let blockCount = 0;
  // Typed arrays' stores are V8 "external memory", and every ~64 MB of it allocated since the
  // last full GC starts another full GC. Only probes open blocks, so their key count bounds the
  // blocks (within 1.5× at 20k children): those arrays are allocated once. It also starts the
  // memberships, which other groups join only where a probe opened the block (a third of all
  // keys at 20k children: all keys would be a bound three times too large), so they may still
  // double once or twice.
  let probeKeys = 1 << 16;
  if (keyCountOfGroup) {
    probeKeys = 1; // never an empty array to double
    for (let g = 0; g < groupCount; g++) if (isProbe(g)) probeKeys += keyCountOfGroup(g);
  }
  // One number index per kind: values of different kinds never meet (a guardian's ID number is
  // no child's ID number block). They start at a share of the probes' keys (DSS and ID keys
  // are most of them).
  const blockOfCode = BLOCK_KINDS.map(() => new NumberIndex(probeKeys / 4));
  let blockKind = uint8s(probeKeys);
  let lastGroup = int32s(probeKeys);
  // (group, block) memberships in the order met.
  let memberGroup = int32s(probeKeys);
  let memberBlock = int32s(probeKeys);
  let members = 0;
  const grow = <A extends Int32Array | Uint8Array>(a: A): A => {
    const next = (a instanceof Uint8Array ? uint8s(a.length * 2) : int32s(a.length * 2)) as A;
    next.set(a);
    return next;
  };
  let g = 0;
  let probes = true;
  const emit = (kind: number, code: number) => {
    const index = blockOfCode[kind]!;
    let block = index.get(code);
    if (block === -1) {
      if (!probes) return;
      block = blockCount++;
      index.set(code, block);
      if (block === blockKind.length) {
        blockKind = grow(blockKind);
        lastGroup = grow(lastGroup);
      }
      blockKind[block] = kind;
      lastGroup[block] = -1;
    }
    if (lastGroup[block] === g) return; // a key a group holds twice
    lastGroup[block] = g;
    if (members === memberGroup.length) {
      memberGroup = grow(memberGroup);
      memberBlock = grow(memberBlock);
    }
    memberGroup[members] = g;
    memberBlock[members++] = block;
  };
  for (probes of [true, false]) {
    for (g = 0; g < groupCount; g++) if (isProbe(g) === probes) keysOfGroup(g, emit);
  }
  blockOfCode.length = 0;

  // Block → its groups, in the order they joined (probes first, each by index).
  const blockStart = int32s(blockCount + 1);
  for (let m = 0; m < members; m++) blockStart[memberBlock[m]! + 1]!++;
  for (let b = 0; b < blockCount; b++) blockStart[b + 1]! += blockStart[b]!;
  const blockGroups = int32s(members);
  for (let m = 0; m < members; m++) blockGroups[blockStart[memberBlock[m]!]!++] = memberGroup[m]!;
  restoreStarts(blockStart, blockCount);

  // Blocks that make pairs: two groups or more, within the kind's cap. Oversized ones are
  // reported in the order they opened.
  const usable = uint8s(blockCount);
  const skipped: SkippedBlock[] = [];
  for (let b = 0; b < blockCount; b++) {
    const size = blockStart[b + 1]! - blockStart[b]!;
    if (size < 2) continue;
    const kind = BLOCK_KINDS[blockKind[b]!]!;
    if (size > BLOCK_CAPS[kind]) skipped.push({ kind, size });
    else usable[b] = 1;
  }

  // Group → its usable blocks.
  const groupStart = int32s(groupCount + 1);
  for (let m = 0; m < members; m++) if (usable[memberBlock[m]!]) groupStart[memberGroup[m]! + 1]!++;
  for (let g = 0; g < groupCount; g++) groupStart[g + 1]! += groupStart[g]!;
  const groupBlocks = int32s(groupStart[groupCount]!);
  for (let m = 0; m < members; m++) if (usable[memberBlock[m]!]) groupBlocks[groupStart[memberGroup[m]!]!++] = memberBlock[m]!;
  restoreStarts(groupStart, groupCount);

  const seenBy = int32s(groupCount).fill(-1);
  let pairs = 0;
  for (let a = 0; a < groupCount; a++) {
    for (let k = groupStart[a]!; k < groupStart[a + 1]!; k++) {
      const b = groupBlocks[k]!;
      for (let j = blockStart[b]!; j < blockStart[b + 1]!; j++) {
        const other = blockGroups[j]!;
        if (other <= a || seenBy[other] === a) continue;
        seenBy[other] = a;
        pairs++;
        visit(a, other);
      }
    }
  }
  return { pairs, skipped, blocks: blockCount };
}
