import type { LinkRule } from "../db/enums.ts";
import { blockingCodeCount, eachBlockingCode, eachCandidatePair, type BlockKind, type SkippedBlock } from "./blocking.ts";
import { certificateCode, idNumberCode } from "./codes.ts";
import { NumberIndex } from "./number-index.ts";
import { arenaBytes, float64s, int32s, uint8s, withArena } from "./arena.ts";
import { restoreStarts } from "./offsets.ts";
import { mergeProfiles, profileOf, profileOfOne } from "./profile.ts";
import { noMergeReason } from "./rules.ts";
import { AMBIGUITY_MARGIN, compareProfiles, LINK_THRESHOLD, REVIEW_THRESHOLD, scoreLevels, type FieldLevels } from "./score.ts";
import type { Profile, RecordFeatures } from "./types.ts";

export interface ClusterOptions {
  /**
   * Per record, the existing child it must stay with (its current links: incremental linking,
   * and decisions people made), or null for a record free to go anywhere.
   */
  pinnedChild?: readonly (number | null)[];
  /** Pairs of existing children a person said are different (a split, a rejected review). */
  cannotLink?: readonly (readonly [number, number])[];
  /**
   * Per record, whether it is new or changed. Pairs of groups that hold no fresh record are
   * not compared again: incremental linking re-examines only what the new records touch.
   * Default: every record is fresh (a full link).
   */
  fresh?: readonly boolean[];
}

/** A pair the engine would not decide: a person will. */
export interface ReviewItem {
  /** A record of the uncertain group (the smaller side). */
  record: number;
  /** A record of the candidate group. */
  candidate: number;
  score: number;
  levels: FieldLevels;
  reason: "SCORE_BETWEEN_THRESHOLDS" | "AMBIGUOUS";
}

export interface ClusterStats {
  records: number;
  /** Groups after the exact links (ID number, birth certificate, student number). */
  groups: number;
  blocks: number;
  skippedBlocks: SkippedBlock[];
  candidatePairs: number;
  /** Candidate pairs a hard rule kept apart (different ID numbers, birth certificates, twins). */
  forbiddenPairs: number;
  probabilisticLinks: number;
  reviews: number;
  clusters: number;
  flaggedRecords: number;
}

export interface ClusterResult {
  /** Per record, its cluster (child) number, 0 … clusterCount − 1. */
  clusterOf: Int32Array;
  clusterCount: number;
  /** Per record, the rule that put it with its child, and the match score for PROBABILISTIC. */
  rule: LinkRule[];
  score: (number | null)[];
  reviews: ReviewItem[];
  stats: ClusterStats;
}

/** The kinds of exact identifier, as bits of sharedAs. */
const ID_BIT = 1;
const CERTIFICATE_BIT = 2;
const STUDENT_BIT = 4;

class UnionFind {
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
  /** Joins two roots; returns the new root. */
  join(ra: number, rb: number): number {
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return ra;
  }
}

function disjoint(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return !!a && !!b && a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));
}

/**
 * Both lists' values once each, in order; undefined when neither has any. A list that already
 * holds the other's values is returned itself (the lists are never changed once made): nearly
 * every exact join is two records of one child with the same number, and a copy per join was
 * millions of short-lived arrays in a province.
 */
function union(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (!a || a.length === 0) return b && b.length > 0 ? b : undefined;
  if (!b || b.every((v) => a.includes(v))) return a;
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * Assigns every record to a child. Exact links first: records sharing a trusted ID number, a
 * birth certificate number or a J/L student number are one child (unless that would join two
 * different ID numbers or certificates: then the record is flagged CONFLICTING_IDENTIFIERS).
 * Then the groups are blocked, compared and scored, and the pairs are taken best first: a
 * score at or above LINK_THRESHOLD merges (unless a hard rule forbids it, or another candidate
 * that cannot be the same child scores nearly as well: then a review), a score between the
 * thresholds makes a review item, anything lower leaves the groups apart. Deterministic: the
 * same records in the same order give the same result.
 *
 * @example
 * const result = clusterRecords(records.map(normaliseRecord));
 * result.clusterOf[0] === result.clusterOf[1] // the first two records are one child
 * result.rule[1] // "ID_NUMBER" | "BIRTH_CERTIFICATE" | "STUDENT_NUMBER" | "PROBABILISTIC" | "NEW_CHILD"
 */
export function clusterRecords(records: readonly RecordFeatures[], options: ClusterOptions = {}): ClusterResult {
  return withArena(arenaBytes(records.length), () => clusterInArena(records, options));
}

function clusterInArena(records: readonly RecordFeatures[], options: ClusterOptions): ClusterResult {
  const n = records.length;
  const pinned = options.pinnedChild;
  const fresh = options.fresh;
  const cannot = new Map<number, Set<number>>();
  for (const [a, b] of options.cannotLink ?? []) {
    (cannot.get(a) ?? cannot.set(a, new Set()).get(a)!).add(b);
    (cannot.get(b) ?? cannot.set(b, new Set()).get(b)!).add(a);
  }
  const pinsConflict = (x: readonly number[] | undefined, y: readonly number[] | undefined) =>
    !!x && !!y && x.some((c) => y.some((d) => cannot.get(c)?.has(d) === true));
  const flagged = new Set<number>();

  // 1. Exact links.
  const uf = new UnionFind(n);
  // A root's trusted ID numbers and birth certificate numbers. Only roots that joined others
  // hold a list of their own; a lone record's are read off the record (no list per record: a
  // province's records would make millions of them, kept to the end of the run).
  const joinedIds: (readonly string[] | undefined)[] = new Array(n);
  const joinedBcs: (readonly string[] | undefined)[] = new Array(n);
  const idsOf = (root: number): readonly string[] | undefined => {
    const joined = joinedIds[root];
    if (joined) return joined;
    const r = records[root]!;
    if (!r.trustedIdNumber) return undefined;
    // A trusted number is among the record's valid ones; alone, that list is the one to share.
    return r.idNumbers.length === 1 && r.idNumbers[0] === r.trustedIdNumber ? r.idNumbers : [r.trustedIdNumber];
  };
  const bcsOf = (root: number): readonly string[] | undefined => {
    const joined = joinedBcs[root];
    if (joined) return joined;
    const bc = records[root]!.birthCertificateNumber;
    return bc ? [bc] : undefined;
  };
  const pins: (number[] | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const child = pinned?.[i];
    if (child != null) pins[i] = [child];
  }
  const joinRoots = (ra: number, rb: number) => {
    const root = uf.join(ra, rb);
    const other = root === ra ? rb : ra;
    joinedIds[root] = union(idsOf(root), idsOf(other));
    joinedBcs[root] = union(bcsOf(root), bcsOf(other));
    const p = pins[other];
    if (p) {
      const target = pins[root] ?? (pins[root] = []);
      for (const c of p) if (!target.includes(c)) target.push(c);
    }
  };
  const firstOfChild = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const child = pinned?.[i];
    if (child == null) continue;
    const first = firstOfChild.get(child);
    if (first === undefined) firstOfChild.set(child, i);
    else {
      const ra = uf.find(first);
      const rb = uf.find(i);
      if (ra !== rb) joinRoots(ra, rb);
    }
  }
  // The first record holding each identifier, by its code (codes.ts); identifiers without one
  // (student numbers, numbers in unusual forms) by text: the three kinds cannot be mistaken for
  // one another (18 characters; a letter and 9 digits; J or L and 18 characters), so they share
  // one map without prefixes. sharedAs[first] has a kind's bit when another record holds it too.
  const firstById = new NumberIndex(n / 4);
  const firstByCertificate = new NumberIndex(n / 8);
  const firstByText = new Map<string, number>();
  const sharedAs = uint8s(n);
  const firstHolder = (bit: number, key: string, i: number): number => {
    const code = bit === ID_BIT ? idNumberCode(key) : bit === CERTIFICATE_BIT ? certificateCode(key) : Number.NaN;
    if (code === code) {
      const index = bit === ID_BIT ? firstById : firstByCertificate;
      const first = index.get(code);
      if (first !== -1) return first;
      index.set(code, i);
      return i;
    }
    const first = firstByText.get(key);
    if (first !== undefined) return first;
    firstByText.set(key, i);
    return i;
  };
  const isShared = (bit: number, key: string | null, i: number) => key !== null && (sharedAs[firstHolder(bit, key, i)]! & bit) !== 0;
  const linkExactly = (i: number, key: string | null, bit: number) => {
    if (key === null) return;
    const first = firstHolder(bit, key, i);
    if (first === i) return;
    sharedAs[first]! |= bit;
    const ra = uf.find(first);
    const rb = uf.find(i);
    if (ra === rb) return;
    if (disjoint(idsOf(ra), idsOf(rb)) || disjoint(bcsOf(ra), bcsOf(rb)) || pinsConflict(pins[ra], pins[rb])) {
      flagged.add(i);
      return;
    }
    joinRoots(ra, rb);
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    linkExactly(i, r.trustedIdNumber, ID_BIT);
    linkExactly(i, r.birthCertificateNumber, CERTIFICATE_BIT);
    linkExactly(i, r.studentKey, STUDENT_BIT);
  }

  // 2. Groups: the records the exact links joined.
  const groupOfRoot = int32s(n).fill(-1);
  const groupOf = int32s(n);
  let groupCount = 0;
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    if (groupOfRoot[root] === -1) groupOfRoot[root] = groupCount++;
    groupOf[i] = groupOfRoot[root]!;
  }
  // Members of each group, laid out flat (offsets into one array): millions of small arrays
  // would cost more in garbage collection than the matching itself.
  const offsets = int32s(groupCount + 1);
  for (let i = 0; i < n; i++) offsets[groupOf[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) offsets[g + 1]! += offsets[g]!;
  const flat = int32s(n);
  for (let i = 0; i < n; i++) flat[offsets[groupOf[i]!]!++] = i;
  restoreStarts(offsets, groupCount);
  const members = { at: (g: number) => flat.subarray(offsets[g]!, offsets[g + 1]!) };
  const groupSize = (g: number) => offsets[g + 1]! - offsets[g]!;
  const firstOf = (g: number) => flat[offsets[g]!]!;
  const groupPins: (number[] | undefined)[] = new Array(groupCount);
  const groupIds: (readonly string[] | undefined)[] = new Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    const root = uf.find(firstOf(g));
    groupPins[g] = pins[root];
    groupIds[g] = idsOf(root);
  }
  let groupFresh: Uint8Array | null = null;
  if (fresh) {
    groupFresh = uint8s(groupCount);
    for (let i = 0; i < n; i++) if (fresh[i]) groupFresh[groupOf[i]!] = 1;
  }
  const profiles: (Profile | undefined)[] = new Array(groupCount);
  // A lone record's profile only points at the record's own values: cheaper made again than
  // kept (millions of kept profiles would be old-generation objects for the collector to trace).
  const profile = (g: number) => {
    const size = offsets[g + 1]! - offsets[g]!;
    if (size === 1) return profileOfOne(records[flat[offsets[g]!]!]!);
    return profiles[g] ?? (profiles[g] = profileOf(Array.from(members.at(g), (i) => records[i]!)));
  };

  // 3. Blocking and comparison.
  const keysOfGroup = (g: number, emit: (kind: BlockKind, value: string | number) => void) => {
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) eachBlockingCode(records[flat[k]!]!, emit);
  };
  const keyCountOfGroup = (g: number) => {
    let keys = 0;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) keys += blockingCodeCount(records[flat[k]!]!);
    return keys;
  };
  interface Edge {
    a: number;
    b: number;
    score: number;
    levels: FieldLevels;
  }
  const edges: Edge[] = [];
  let forbiddenPairs = 0;
  let candidateCount = 0;
  // Compared as the blocks yield them: a province's candidate pairs never sit in memory.
  const { skipped, blocks } = eachCandidatePair(groupCount, keysOfGroup, (g) => !groupIds[g], (a, b) => {
    if (groupFresh && !groupFresh[a] && !groupFresh[b]) return;
    if (disjoint(groupIds[a], groupIds[b]) || pinsConflict(groupPins[a], groupPins[b])) return;
    candidateCount++;
    const pa = profile(a);
    const pb = profile(b);
    if (noMergeReason(pa, pb)) {
      forbiddenPairs++;
      return;
    }
    const levels = compareProfiles(pa, pb);
    const score = scoreLevels(levels);
    if (score >= REVIEW_THRESHOLD) edges.push({ a, b, score, levels });
  }, keyCountOfGroup);
  edges.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  // Each group's edges, best first, laid out flat (a list per group would be millions of arrays).
  const adjacency = (list: readonly Edge[]) => {
    const start = int32s(groupCount + 1);
    for (const e of list) (start[e.a + 1]!++, start[e.b + 1]!++);
    for (let g = 0; g < groupCount; g++) start[g + 1]! += start[g]!;
    const edgeOf: Edge[] = new Array(list.length * 2);
    for (const e of list) (edgeOf[start[e.a]!++] = e, edgeOf[start[e.b]!++] = e);
    restoreStarts(start, groupCount);
    return { start, edgeOf };
  };
  const adjacent = adjacency(edges);

  // 4. Best pairs first, into clusters of groups.
  const cuf = new UnionFind(groupCount);
  const clusterProfile = new Map<number, Profile>();
  const clusterPins = new Map<number, number[]>();
  const clusterRecords = int32s(groupCount);
  for (let g = 0; g < groupCount; g++) clusterRecords[g] = groupSize(g);
  const cprofile = (root: number) => clusterProfile.get(root) ?? profile(root);
  const cpins = (root: number) => clusterPins.get(root) ?? groupPins[root];
  const forbidden = (ra: number, rb: number) => noMergeReason(cprofile(ra), cprofile(rb)) !== null || pinsConflict(cpins(ra), cpins(rb));
  const accepted: Edge[] = [];
  const reviewed = new Set<number>();
  const reviews: ReviewItem[] = [];

  const ambiguous = (x: number, y: number, score: number): boolean => {
    const rx = cuf.find(x);
    const ry = cuf.find(y);
    for (let k = adjacent.start[x]!; k < adjacent.start[x + 1]!; k++) {
      const e = adjacent.edgeOf[k]!;
      if (e.score < score - AMBIGUITY_MARGIN) break; // sorted best first
      const c = e.a === x ? e.b : e.a;
      if (c === y) continue;
      const rc = cuf.find(c);
      if (rc === ry || rc === rx) continue;
      if (!forbidden(rc, rx) && forbidden(rc, ry)) return true;
    }
    return false;
  };
  const addReview = (e: Edge, reason: ReviewItem["reason"]) => {
    const ra = cuf.find(e.a);
    const rb = cuf.find(e.b);
    const size = (r: number) => clusterRecords[r]!;
    const hasId = (r: number) => cprofile(r).trustedIdNumbers.length > 0;
    let x = e.a;
    if (size(rb) < size(ra) || (size(rb) === size(ra) && hasId(ra) && !hasId(rb)) || (size(rb) === size(ra) && hasId(ra) === hasId(rb) && e.b > e.a)) x = e.b;
    const y = x === e.a ? e.b : e.a;
    const rx = cuf.find(x);
    if (cuf.size[rx] !== 1 || reviewed.has(x)) return;
    reviewed.add(x);
    reviews.push({ record: firstOf(x), candidate: firstOf(y), score: e.score, levels: e.levels, reason });
  };

  for (const e of edges) {
    const ra = cuf.find(e.a);
    const rb = cuf.find(e.b);
    if (ra === rb || forbidden(ra, rb)) continue;
    if (e.score < LINK_THRESHOLD) {
      addReview(e, "SCORE_BETWEEN_THRESHOLDS");
      continue;
    }
    if (ambiguous(e.a, e.b, e.score) || ambiguous(e.b, e.a, e.score)) {
      addReview(e, "AMBIGUOUS");
      continue;
    }
    const merged = mergeProfiles(cprofile(ra), cprofile(rb));
    const pinsA = cpins(ra) ?? [];
    const pinsB = cpins(rb) ?? [];
    const records_ = clusterRecords[ra]! + clusterRecords[rb]!;
    clusterProfile.delete(ra);
    clusterProfile.delete(rb);
    clusterPins.delete(ra);
    clusterPins.delete(rb);
    const root = cuf.join(ra, rb);
    clusterProfile.set(root, merged);
    if (pinsA.length + pinsB.length > 0) clusterPins.set(root, [...new Set([...pinsA, ...pinsB])]);
    clusterRecords[root] = records_;
    accepted.push(e);
  }

  // 5. Clusters, and the rule that put each record with its child. Each cluster's root group
  // is the one holding a trusted ID number, else a birth certificate, else the most records;
  // every other group is linked by the accepted edge on its path to the root.
  // The records' groupOfRoot, no longer needed, is big enough: one typed array fewer (external
  // memory, which starts full GCs; see eachCandidatePair).
  const clusterOfRoot = groupOfRoot.subarray(0, groupCount).fill(-1);
  const clusterOfGroup = int32s(groupCount);
  let clusterCount = 0;
  for (let g = 0; g < groupCount; g++) {
    const root = cuf.find(g);
    if (clusterOfRoot[root] === -1) clusterOfRoot[root] = clusterCount++;
    clusterOfGroup[g] = clusterOfRoot[root]!;
  }
  const hasCertificate = (g: number) => {
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) if (records[flat[k]!]!.birthCertificateNumber) return true;
    return false;
  };
  const rankOf = (g: number) => (groupIds[g] ? 4 : 0) + (hasCertificate(g) ? 2 : 0);
  const rootOfCluster = int32s(clusterCount).fill(-1);
  for (let g = 0; g < groupCount; g++) {
    const c = clusterOfGroup[g]!;
    const best = rootOfCluster[c]!;
    if (best === -1) {
      rootOfCluster[c] = g;
      continue;
    }
    const [rg, rb] = [rankOf(g), rankOf(best)];
    if (rg > rb || (rg === rb && groupSize(g) > groupSize(best))) rootOfCluster[c] = g;
  }
  const tree = adjacency(accepted);
  const attachScore = float64s(groupCount).fill(Number.NaN);
  const isRoot = uint8s(groupCount);
  const visited = uint8s(groupCount);
  const queue = int32s(groupCount);
  for (let c = 0; c < clusterCount; c++) {
    const root = rootOfCluster[c]!;
    isRoot[root] = 1;
    visited[root] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const g = queue[head++]!;
      for (let k = tree.start[g]!; k < tree.start[g + 1]!; k++) {
        const e = tree.edgeOf[k]!;
        const other = e.a === g ? e.b : e.a;
        if (visited[other]) continue;
        visited[other] = 1;
        attachScore[other] = e.score;
        queue[tail++] = other;
      }
    }
  }
  // The result outlives the arena: its own store.
  const clusterOf = new Int32Array(n);
  const rule: LinkRule[] = new Array(n);
  const score: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    clusterOf[i] = clusterOfGroup[g]!;
    if (!isRoot[g]) {
      rule[i] = "PROBABILISTIC";
      score[i] = attachScore[g]!;
      continue;
    }
    score[i] = null;
    const r = records[i]!;
    if (flagged.has(i)) rule[i] = "NEW_CHILD";
    else if (isShared(ID_BIT, r.trustedIdNumber, i)) rule[i] = "ID_NUMBER";
    else if (isShared(CERTIFICATE_BIT, r.birthCertificateNumber, i)) rule[i] = "BIRTH_CERTIFICATE";
    else if (isShared(STUDENT_BIT, r.studentKey, i)) rule[i] = "STUDENT_NUMBER";
    else rule[i] = "NEW_CHILD";
  }
  for (const i of flagged) {
    const r = records[i]!;
    if (!r.flags.includes("CONFLICTING_IDENTIFIERS")) r.flags = [...r.flags, "CONFLICTING_IDENTIFIERS"];
  }
  // A review whose two sides ended up together (a later, surer link) needs no person.
  const openReviews = reviews.filter((r) => clusterOf[r.record] !== clusterOf[r.candidate]);

  let flaggedRecords = 0;
  for (const r of records) if (r.flags.length > 0) flaggedRecords++;
  return {
    clusterOf,
    clusterCount,
    rule,
    score,
    reviews: openReviews,
    stats: {
      records: n,
      groups: groupCount,
      blocks,
      skippedBlocks: skipped,
      candidatePairs: candidateCount,
      forbiddenPairs,
      probabilisticLinks: accepted.length,
      reviews: openReviews.length,
      clusters: clusterCount,
      flaggedRecords,
    },
  };
}
