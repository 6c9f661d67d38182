import { canonicalCharacter } from "./confusions.ts";
import type { RecordFeatures } from "./types.ts";

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
  for (const id of r.idNumbers) keys.push({ kind: "ID", key: `ID${id}` });
  if (r.birthDate && r.sex && r.name && r.name.given.length > 0) {
    const given = [...r.name.given];
    const first = canonicalCharacter(given[0]!);
    const last = canonicalCharacter(given[given.length - 1]!);
    const base = `DSS${r.birthDate}|${r.sex}|${r.name.surname}|`;
    keys.push({ kind: "DSS", key: `${base}${first}` });
    if (given.length > 1) keys.push({ kind: "DSS", key: `${base}~${last}` });
  }
  for (const id of r.guardianIdNumbers) keys.push({ kind: "GID", key: `GID${id}` });
  for (const phone of r.guardianPhones) keys.push({ kind: "PHONE", key: `PHONE${phone}` });
  return keys;
}

/** A block that was not compared because it held more groups than its kind's cap. */
export interface SkippedBlock {
  kind: BlockKind;
  size: number;
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
  const blocks = new Map<string, { kind: BlockKind; groups: number[] }>();
  for (const probes of [true, false]) {
    for (let g = 0; g < groupCount; g++) {
      if (isProbe(g) !== probes) continue;
      for (const { kind, key } of keysOfGroup(g)) {
        let block = blocks.get(key);
        if (!block) {
          if (!probes) continue;
          blocks.set(key, (block = { kind, groups: [] }));
        }
        if (block.groups[block.groups.length - 1] !== g) block.groups.push(g);
      }
    }
  }
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const skipped: SkippedBlock[] = [];
  for (const { kind, groups } of blocks.values()) {
    if (groups.length < 2) continue;
    if (groups.length > BLOCK_CAPS[kind]) {
      skipped.push({ kind, size: groups.length });
      continue;
    }
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = Math.min(groups[i]!, groups[j]!);
        const b = Math.max(groups[i]!, groups[j]!);
        const id = a * groupCount + b;
        if (seen.has(id)) continue;
        seen.add(id);
        if (!skip(a, b)) pairs.push([a, b]);
      }
    }
  }
  return { pairs, skipped, blocks: blocks.size };
}
