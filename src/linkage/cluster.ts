import { LINK_RULES, type LinkRule } from "../db/enums.ts";
import { arenaBytes, float64s, int32s, uint8s, withArena } from "./arena.ts";
import { BlockCodes, eachCandidatePair, type SkippedBlock } from "./blocking.ts";
import { disjoint } from "./compare.ts";
import { EdgeList } from "./edges.ts";
import { linkExactly } from "./exact-links.ts";
import { restoreStarts } from "./offsets.ts";
import { CERTIFICATES, ProfileTable, TRUSTED_IDS } from "./profile.ts";
import { FLAG_BITS, recordTableOf, type RecordTable } from "./record-table.ts";
import { noMergeReason, noMergeReasonOfLoaded } from "./rules.ts";
import {
  AMBIGUITY_MARGIN,
  compareLoaded,
  LINK_THRESHOLD,
  levelsOf,
  REVIEW_THRESHOLD,
  scorePacked,
  type FieldLevels,
} from "./score.ts";
import type { RecordFeatures } from "./types.ts";
import { stageTimer } from "./stage-timer.ts";
import { UnionFind } from "./union-find.ts";

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
  /** Milliseconds each stage took (for benchmarks: where a run's time goes). */
  stageMs: Record<string, number>;
}

export interface ClusterResult {
  /** Per record, its cluster (child) number, 0 … clusterCount − 1. */
  clusterOf: Int32Array;
  clusterCount: number;
  /** Per record, the rule that put it with its child, as its index in LINK_RULES (see ruleOf). */
  rule: Uint8Array;
  /** Per record, the match score for PROBABILISTIC, NaN for the other rules (see scoreOf). */
  score: Float64Array;
  reviews: ReviewItem[];
  stats: ClusterStats;
}

/** The rule that put record i with its child. */
export const ruleOf = (result: ClusterResult, i: number): LinkRule => LINK_RULES[result.rule[i]!]!;
/** Record i's match score, or null when its rule is not PROBABILISTIC. */
export const scoreOf = (result: ClusterResult, i: number): number | null =>
  Number.isNaN(result.score[i]!) ? null : result.score[i]!;

const RULE = Object.fromEntries(LINK_RULES.map((rule, k) => [rule, k])) as Record<LinkRule, number>;

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
 * const result = clusterTable(recordTableOf(records.map(normaliseRecord)));
 * result.clusterOf[0] === result.clusterOf[1] // the first two records are one child
 * ruleOf(result, 1) // "ID_NUMBER" | "BIRTH_CERTIFICATE" | "STUDENT_NUMBER" | "PROBABILISTIC" | "NEW_CHILD"
 */
export function clusterTable(records: RecordTable, options: ClusterOptions = {}): ClusterResult {
  return withArena(arenaBytes(records.count), () => clusterInArena(records, options));
}

/** clusterTable for records given as normaliseRecord's features (tests, small sets). */
export function clusterRecords(records: readonly RecordFeatures[], options: ClusterOptions = {}): ClusterResult {
  return clusterTable(recordTableOf(records), options);
}

function clusterInArena(records: RecordTable, options: ClusterOptions): ClusterResult {
  const n = records.count;
  const pinned = options.pinnedChild;
  const fresh = options.fresh;
  const cannot = new Map<number, Set<number>>();
  for (const [a, b] of options.cannotLink ?? []) {
    (cannot.get(a) ?? cannot.set(a, new Set()).get(a)!).add(b);
    (cannot.get(b) ?? cannot.set(b, new Set()).get(b)!).add(a);
  }
  const pinsConflict = (x: readonly number[] | undefined, y: readonly number[] | undefined) =>
    !!x && !!y && x.some((c) => y.some((d) => cannot.get(c)?.has(d) === true));

  // Milliseconds per stage, for the benchmark (stats.stageMs).
  const timer = stageTimer();
  const { ms: stageMs, lap } = timer;
  // 1. Exact links.
  const {
    roots: uf,
    rootIds,
    pins,
    flagged,
    isShared,
    ID_BIT,
    CERTIFICATE_BIT,
    STUDENT_BIT,
  } = linkExactly(records, pinned, pinsConflict);

  lap("exact links");
  // 2. Groups: the records the exact links joined.
  const groupOfRoot = int32s(n).fill(-1);
  const groupOf = int32s(n);
  let groupCount = 0;
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    if (groupOfRoot[root] === -1) groupOfRoot[root] = groupCount++;
    groupOf[i] = groupOfRoot[root]!;
  }
  // Members of each group, laid out flat (offsets into one array).
  const offsets = int32s(groupCount + 1);
  for (let i = 0; i < n; i++) offsets[groupOf[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) offsets[g + 1]! += offsets[g]!;
  const flat = int32s(n);
  for (let i = 0; i < n; i++) flat[offsets[groupOf[i]!]!++] = i;
  restoreStarts(offsets, groupCount);
  const groupSize = (g: number) => offsets[g + 1]! - offsets[g]!;
  const firstOf = (g: number) => flat[offsets[g]!]!;
  const groupPins = new Map<number, number[]>();
  const groupHasId = uint8s(groupCount);
  for (let g = 0; g < groupCount; g++) {
    const root = uf.find(firstOf(g));
    const p = pins.get(root);
    if (p) groupPins.set(g, p);
    groupHasId[g] = rootIds.isEmpty(root) ? 0 : 1;
  }
  let groupFresh: Uint8Array | null = null;
  if (fresh) {
    groupFresh = uint8s(groupCount);
    for (let i = 0; i < n; i++) if (fresh[i]) groupFresh[groupOf[i]!] = 1;
  }
  lap("grouping");
  // Row g of the profiles is group g; merges of groups into clusters add rows after them.
  const profiles = new ProfileTable(records.vocabulary, groupCount * 2);
  for (let g = 0; g < groupCount; g++) profiles.addGroup(records, flat, offsets[g]!, offsets[g + 1]!);

  lap("profiles");
  // 3. Blocking and comparison.
  const codes = new BlockCodes(records);
  lap("DSS keys");
  const keysOfGroup = (g: number, emit: (kind: number, code: number) => void) =>
    codes.eachOfGroup(profiles, g, flat, offsets[g]!, offsets[g + 1]!, emit);
  const keyCountOfGroup = (g: number) => {
    let keys = 0;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) keys += codes.countOf(flat[k]!);
    return keys;
  };
  const edges = new EdgeList();
  let forbiddenPairs = 0;
  let candidateCount = 0;
  // Compared as the blocks yield them: a province's candidate pairs never sit in memory.
  const {
    skipped,
    blocks,
    timings: blockingMs,
  } = eachCandidatePair(
    groupCount,
    keysOfGroup,
    (g) => groupHasId[g] === 0,
    (a, b) => {
      if (groupFresh && !groupFresh[a] && !groupFresh[b]) return;
      profiles.loadPair(a, b);
      if (disjoint(profiles, TRUSTED_IDS) || (groupPins.size > 0 && pinsConflict(groupPins.get(a), groupPins.get(b))))
        return;
      candidateCount++;
      if (noMergeReasonOfLoaded(profiles)) {
        forbiddenPairs++;
        return;
      }
      const levels = compareLoaded(profiles);
      const score = scorePacked(levels);
      if (score >= REVIEW_THRESHOLD) edges.push(a, b, score, levels);
    },
    keyCountOfGroup,
  );
  Object.assign(stageMs, blockingMs);
  timer.restart();
  edges.sortBestFirst();
  lap("edge sort");
  const adjacent = edges.adjacency(groupCount);

  lap("adjacency");
  // 4. Best pairs first, into clusters of groups.
  const cuf = new UnionFind(groupCount);
  // Each cluster root's profile row (a group's own row until it merges) and pins.
  const clusterRow = int32s(groupCount);
  for (let g = 0; g < groupCount; g++) clusterRow[g] = g;
  const clusterPins = new Map<number, number[]>();
  const clusterRecords = int32s(groupCount);
  for (let g = 0; g < groupCount; g++) clusterRecords[g] = groupSize(g);
  const cpins = (root: number) => clusterPins.get(root) ?? groupPins.get(root);
  const forbidden = (ra: number, rb: number) =>
    noMergeReason(profiles, clusterRow[ra]!, clusterRow[rb]!) !== null || pinsConflict(cpins(ra), cpins(rb));
  const accepted = new Uint8Array(edges.count);
  let probabilisticLinks = 0;
  const reviewed = new Set<number>();
  const reviews: ReviewItem[] = [];

  const ambiguous = (x: number, y: number, score: number): boolean => {
    const rx = cuf.find(x);
    const ry = cuf.find(y);
    for (let k = adjacent.start[x]!; k < adjacent.start[x + 1]!; k++) {
      const e = adjacent.edgeOf[k]!;
      if (edges.score[e]! < score - AMBIGUITY_MARGIN) break; // sorted best first
      const c = edges.a[e] === x ? edges.b[e]! : edges.a[e]!;
      if (c === y) continue;
      const rc = cuf.find(c);
      if (rc === ry || rc === rx) continue;
      if (!forbidden(rc, rx) && forbidden(rc, ry)) return true;
    }
    return false;
  };
  const addReview = (e: number, reason: ReviewItem["reason"]) => {
    const [a, b] = [edges.a[e]!, edges.b[e]!];
    const ra = cuf.find(a);
    const rb = cuf.find(b);
    const size = (r: number) => clusterRecords[r]!;
    const hasId = (r: number) => profiles.count(clusterRow[r]!, TRUSTED_IDS) > 0;
    let x = a;
    if (
      size(rb) < size(ra) ||
      (size(rb) === size(ra) && hasId(ra) && !hasId(rb)) ||
      (size(rb) === size(ra) && hasId(ra) === hasId(rb) && b > a)
    )
      x = b;
    const y = x === a ? b : a;
    const rx = cuf.find(x);
    if (cuf.size[rx] !== 1 || reviewed.has(x)) return;
    reviewed.add(x);
    reviews.push({
      record: firstOf(x),
      candidate: firstOf(y),
      score: edges.score[e]!,
      levels: levelsOf(edges.levels[e]!),
      reason,
    });
  };

  for (let e = 0; e < edges.count; e++) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    const score = edges.score[e]!;
    const ra = cuf.find(a);
    const rb = cuf.find(b);
    if (ra === rb || forbidden(ra, rb)) continue;
    if (score < LINK_THRESHOLD) {
      addReview(e, "SCORE_BETWEEN_THRESHOLDS");
      continue;
    }
    if (ambiguous(a, b, score) || ambiguous(b, a, score)) {
      addReview(e, "AMBIGUOUS");
      continue;
    }
    const merged = profiles.merge(clusterRow[ra]!, clusterRow[rb]!);
    const pinsA = cpins(ra) ?? [];
    const pinsB = cpins(rb) ?? [];
    const records_ = clusterRecords[ra]! + clusterRecords[rb]!;
    clusterPins.delete(ra);
    clusterPins.delete(rb);
    const root = cuf.join(ra, rb);
    clusterRow[root] = merged;
    if (pinsA.length + pinsB.length > 0) clusterPins.set(root, [...new Set([...pinsA, ...pinsB])]);
    clusterRecords[root] = records_;
    accepted[e] = 1;
    probabilisticLinks++;
  }

  lap("best pairs first");
  // 5. Clusters, and the rule that put each record with its child. Each cluster's root group
  // is the one holding a trusted ID number, else a birth certificate, else the most records;
  // every other group is linked by the accepted edge on its path to the root.
  // The records' groupOfRoot, no longer needed, is big enough: one typed array fewer.
  const clusterOfRoot = groupOfRoot.subarray(0, groupCount).fill(-1);
  const clusterOfGroup = int32s(groupCount);
  let clusterCount = 0;
  for (let g = 0; g < groupCount; g++) {
    const root = cuf.find(g);
    if (clusterOfRoot[root] === -1) clusterOfRoot[root] = clusterCount++;
    clusterOfGroup[g] = clusterOfRoot[root]!;
  }
  const hasCertificate = (g: number) => profiles.count(g, CERTIFICATES) > 0;
  const rankOf = (g: number) => (groupHasId[g] ? 4 : 0) + (hasCertificate(g) ? 2 : 0);
  const rootOfCluster = int32s(clusterCount).fill(-1);
  for (let g = 0; g < groupCount; g++) {
    const c = clusterOfGroup[g]!;
    const best = rootOfCluster[c]!;
    if (best === -1) {
      rootOfCluster[c] = g;
      continue;
    }
    const rg = rankOf(g);
    const rb = rankOf(best);
    if (rg > rb || (rg === rb && groupSize(g) > groupSize(best))) rootOfCluster[c] = g;
  }
  const tree = edges.adjacency(groupCount, accepted);
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
        const other = edges.a[e] === g ? edges.b[e]! : edges.a[e]!;
        if (visited[other]) continue;
        visited[other] = 1;
        attachScore[other] = edges.score[e]!;
        queue[tail++] = other;
      }
    }
  }
  // The result outlives the arena: its own stores.
  const clusterOf = new Int32Array(n);
  const rule = new Uint8Array(n);
  const score = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    clusterOf[i] = clusterOfGroup[g]!;
    if (!isRoot[g]) {
      rule[i] = RULE.PROBABILISTIC;
      score[i] = attachScore[g]!;
    } else if (flagged.has(i)) rule[i] = RULE.NEW_CHILD;
    else if (isShared(ID_BIT, i)) rule[i] = RULE.ID_NUMBER;
    else if (isShared(CERTIFICATE_BIT, i)) rule[i] = RULE.BIRTH_CERTIFICATE;
    else if (isShared(STUDENT_BIT, i)) rule[i] = RULE.STUDENT_NUMBER;
    else rule[i] = RULE.NEW_CHILD;
  }
  for (const i of flagged) records.flags[i]! |= FLAG_BITS.CONFLICTING_IDENTIFIERS;
  lap("rules");
  // A review whose two sides ended up together (a later, surer link) needs no person.
  const openReviews = reviews.filter((r) => clusterOf[r.record] !== clusterOf[r.candidate]);

  let flaggedRecords = 0;
  for (let i = 0; i < n; i++) if (records.flags[i] !== 0) flaggedRecords++;
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
      probabilisticLinks,
      reviews: openReviews.length,
      clusters: clusterCount,
      flaggedRecords,
      stageMs,
    },
  };
}
