import { int32s, uint8s } from "./arena.ts";
import { idNumberCode, phoneCode } from "./codes.ts";
import { canonicalCharacter } from "./confusions.ts";
import { NumberIndex } from "./number-index.ts";
import { restoreStarts } from "./offsets.ts";
import type { NameFeature, RecordFeatures } from "./types.ts";

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
 *   pairs at 1 million children without it, 2.2 million with it, recall unchanged). Records with no real name (placeholders, blanks) get no DSS key: they are found
 *   through their identifiers, guardians and phones;
 * - GID: a guardian's ID number (a family: a few children);
 * - PHONE: a guardian's phone (a family).
 */
export const BLOCK_CAPS = {
  ID: 50,
  DSS: 1_000,
  GID: 60,
  PHONE: 60,
} as const;

export type BlockKind = keyof typeof BLOCK_CAPS;

/** A blocking key: its kind (for the cap) and its value. */
export interface BlockKey {
  kind: BlockKind;
  key: string;
}

/**
 * The blocking keys of one record. Keys are strings prefixed by kind so all kinds share one map.
 * A birth certificate number is no blocking key: records sharing one are joined exactly before
 * blocking, so its block would only ever hold one group.
 *
 * @example blockingKeys(features).map((k) => k.key)
 * // ["ID330106201903150134", "DSS2019-03-15|M|王|子", "DSS2019-03-15|M|王|~轩", "PHONE13800001234"]
 */
export function blockingKeys(r: RecordFeatures): BlockKey[] {
  const keys: BlockKey[] = [];
  eachBlockingKey(r, (kind, value) => keys.push({ kind, key: `${kind}${value}` }));
  return keys;
}

/**
 * The blocking keys of one record as kind and value, the value without its kind's prefix: an
 * ID number, guardian ID number or phone is then the record's own string (no new string per
 * key, and its hash already computed), which is how the engine builds its blocks.
 *
 * @example eachBlockingKey(features, (kind, value) => console.log(kind, value))
 * // ID 330106201903150134, DSS 2019-03-15|M|王|子, DSS 2019-03-15|M|王|~轩, PHONE 13800001234
 */
export function eachBlockingKey(r: RecordFeatures, emit: (kind: BlockKind, value: string) => void): void {
  for (const id of r.idNumbers) emit("ID", id);
  if (r.birthDate && r.sex && r.name?.given) {
    for (const suffix of nameSuffixes(r.name).suffixes) emit("DSS", `${r.birthDate}|${r.sex}|${suffix}`);
  }
  for (const id of r.guardianIdNumbers) emit("GID", id);
  for (const phone of r.guardianPhones) emit("PHONE", phone);
}

/**
 * The same keys as eachBlockingKey, in the same order, as numbers where they can be: each DSS
 * key one number per distinct (birth date, sex, name suffix), and ID numbers and phones their
 * codes (codes.ts), so equal numbers are equal keys. This is the form the engine blocks with:
 * a province's records would otherwise build, flatten and hash two fresh strings each
 * (measured: a third of the blocking time), and look strings up in maps of millions.
 */
export function eachBlockingCode(r: RecordFeatures, emit: (kind: BlockKind, value: string | number) => void): void {
  for (const id of r.idNumbers) emit("ID", numberOr(idNumberCode(id), id));
  if (r.birthDate && r.sex && r.name?.given) {
    // < 2^30 suffixes × 2^22 dates (every valid date of ten thousand years) × 2 sexes: exact
    // in a double (2^53).
    const dated = dateCode(r.birthDate) * 2 + (r.sex === "M" ? 0 : 1);
    for (const code of nameSuffixes(r.name).codes) emit("DSS", code * 8_388_608 + dated);
  }
  for (const id of r.guardianIdNumbers) emit("GID", numberOr(idNumberCode(id), id));
  for (const phone of r.guardianPhones) emit("PHONE", numberOr(phoneCode(phone), phone));
}

/** An identifier's code (codes.ts), or the identifier itself when it has none. */
const numberOr = (code: number, text: string): string | number => (code === code ? code : text);

/**
 * How many keys eachBlockingCode emits for a record, at most (a one-character given name has
 * one DSS key, not two): lets the engine size its block arrays once (see eachCandidatePair).
 */
export function blockingCodeCount(r: RecordFeatures): number {
  const dss = r.birthDate && r.sex && r.name?.given ? 2 : 0;
  return r.idNumbers.length + dss + r.guardianIdNumbers.length + r.guardianPhones.length;
}

/** A name's DSS suffixes (surname | first given character, surname | ~ last one, folded) and their numbers. */
interface NameSuffixes {
  suffixes: string[];
  codes: number[];
}

// Per distinct name (records of one child share one NameFeature), worked out once. Weak: the
// names die with the records. The codes are never reused: a surname and a character, and a
// date, are few enough (a few hundred thousand, a few thousand) to keep for the process.
const suffixesOfName = new WeakMap<NameFeature, NameSuffixes>();
const suffixCodes = new Map<string, number>();
const dateCodes = new Map<string, number>();

function dateCode(date: string): number {
  let code = dateCodes.get(date);
  if (code === undefined) dateCodes.set(date, (code = dateCodes.size));
  return code;
}

function nameSuffixes(name: NameFeature): NameSuffixes {
  let known = suffixesOfName.get(name);
  if (known !== undefined) return known;
  const given = name.given;
  // The first and last characters by code point (a rare character is two UTF-16 units).
  const first = String.fromCodePoint(given.codePointAt(0)!);
  const suffixes = [`${name.surname}|${canonicalCharacter(first)}`];
  if (given.length > first.length) {
    const low = given.charCodeAt(given.length - 1);
    const lastLength = low >= 0xdc00 && low <= 0xdfff && given.length >= 2 ? 2 : 1;
    suffixes.push(`${name.surname}|~${canonicalCharacter(given.slice(given.length - lastLength))}`);
  }
  const codes = suffixes.map((suffix) => {
    let code = suffixCodes.get(suffix);
    if (code === undefined) suffixCodes.set(suffix, (code = suffixCodes.size));
    return code;
  });
  known = { suffixes, codes };
  suffixesOfName.set(name, known);
  return known;
}

/** A block that was not compared because it held more groups than its kind's cap. */
export interface SkippedBlock {
  kind: BlockKind;
  size: number;
}

const KIND_CODES: readonly BlockKind[] = ["ID", "DSS", "GID", "PHONE"];

/**
 * Every candidate pair of groups from the blocks, each pair once, passed to `visit` as
 * (smaller index, larger index) in order of the smaller, then of the block that first joined
 * them. Returns how many pairs were visited. See candidatePairs for the rules; this is the
 * form the engine uses, since a province's pairs never need to sit in memory together.
 *
 * Blocks are numbered as they open and laid out flat (offsets into one Int32Array, both ways:
 * block → groups and group → blocks), and a pair is recognised as seen with one mark per group
 * rather than a set of pairs: millions of small arrays and a hash set of pair numbers cost more
 * in garbage collection and hashing than the comparisons themselves. `keyCountOfGroup`, when
 * given, says how many keys `keysOfGroup` emits for a group at most, so that those arrays are
 * allocated at about their size rather than grown.
 *
 * @example
 * eachCandidatePair(3, (g, emit) => emit("PHONE", "13800001234"), () => true, (a, b) => console.log(a, b))
 * // 0 1, 0 2, 1 2 → { pairs: 3, skipped: [], blocks: 1 }
 */
export function eachCandidatePair(
  groupCount: number,
  keysOfGroup: (group: number, emit: (kind: BlockKind, value: string | number) => void) => void,
  isProbe: (group: number) => boolean,
  visit: (a: number, b: number) => void,
  keyCountOfGroup?: (group: number) => number,
): { pairs: number; skipped: SkippedBlock[]; blocks: number } {
  // One map and one number index per kind: values of different kinds never meet (a guardian's
  // ID number is no child's ID number block), without a prefixed copy of every value. Keys
  // that are numbers (nearly all) go in the number index; the few left as text, in the map.
  const blockOf = KIND_CODES.map(() => new Map<string, number>());
  let blockCount = 0;
  // Typed arrays' stores are V8 "external memory", and every ~64 MB of it allocated since the
  // last full GC starts another full GC (at a million children nearly all of them). Growing by
  // doubling from 64K allocates about twice the final size (each step a new store and a copy).
  // Only probes open blocks, so their key count bounds the blocks (within 1.5× at 20k
  // children): those arrays are allocated once. It also starts the memberships, which other
  // groups join only where a probe opened the block (a third of all keys at 20k children: all
  // keys would be a bound three times too large), so they may still double once or twice.
  let probeKeys = 1 << 16;
  if (keyCountOfGroup) {
    probeKeys = 1; // never an empty array to double
    for (let g = 0; g < groupCount; g++) if (isProbe(g)) probeKeys += keyCountOfGroup(g);
  }
  // The number indexes start at a share of the probes' keys (DSS and ID keys are most of them).
  const blockOfNumber = KIND_CODES.map(() => new NumberIndex(probeKeys / 4));
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
  const emit = (kind: BlockKind, value: string | number) => {
    const code = KIND_CODES.indexOf(kind);
    let block = typeof value === "number" ? blockOfNumber[code]!.get(value) : (blockOf[code]!.get(value) ?? -1);
    if (block === -1) {
      if (!probes) return;
      block = blockCount++;
      if (typeof value === "number") blockOfNumber[code]!.set(value, block);
      else blockOf[code]!.set(value, block);
      if (block === blockKind.length) {
        blockKind = grow(blockKind);
        lastGroup = grow(lastGroup);
      }
      blockKind[block] = code;
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
  for (const map of blockOf) map.clear();
  blockOfNumber.length = 0;

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
    const kind = KIND_CODES[blockKind[b]!]!;
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

/**
 * Candidate pairs of groups from the blocks: every pair of distinct groups that share a key in
 * a block within its cap, each pair once, as [smaller index, larger index]. `skip` lets the
 * caller drop pairs it already knows can never merge before they are stored.
 *
 * Only `probe` groups open blocks; the others join blocks a probe opened. The caller makes
 * every group without a trusted ID number a probe: two groups that both hold one are different
 * children or already one, so a block of such groups alone could never yield a pair, and
 * skipping those blocks keeps most of a province's records out of the block map.
 *
 * @example
 * candidatePairs(3, (g) => [{ kind: "PHONE", key: "PHONE13800001234" }], () => true, () => false)
 * // { pairs: [[0, 1], [0, 2], [1, 2]], skipped: [], blocks: 1 }
 */
export function candidatePairs(
  groupCount: number,
  keysOfGroup: (group: number) => readonly BlockKey[],
  isProbe: (group: number) => boolean,
  skip: (a: number, b: number) => boolean,
): { pairs: [number, number][]; skipped: SkippedBlock[]; blocks: number } {
  const pairs: [number, number][] = [];
  const emitAll = (group: number, emit: (kind: BlockKind, value: string) => void) => {
    for (const { kind, key } of keysOfGroup(group)) emit(kind, key);
  };
  const { skipped, blocks } = eachCandidatePair(groupCount, emitAll, isProbe, (a, b) => {
    if (!skip(a, b)) pairs.push([a, b]);
  });
  return { pairs, skipped, blocks };
}
