import { LINK_RULES, type LinkRule } from "../db/enums.ts";
import { arenaBytes, float64s, int32s, uint8s, withArena } from "./arena.ts";
import { BlockCodes, eachCandidatePair, type SkippedBlock } from "./blocking.ts";
import { disjoint } from "./compare.ts";
import { EdgeList, type Adjacency } from "./edges.ts";
import { linkExactly, type ExactLinks } from "./exact-links.ts";
import { restoreStarts } from "./offsets.ts";
import { CERTIFICATES, NAMES, ProfileTable, TRUSTED_IDS } from "./profile.ts";
import { FLAG_BITS, recordTableOf, type RecordTable } from "./record-table.ts";
import { noMergeReason, noMergeReasonOfLoaded } from "./rules.ts";
import {
  AMBIGUITY_MARGIN,
  compareLoaded,
  contradicts,
  dateSlipped,
  identifies,
  LINK_THRESHOLD,
  phonesDiffer,
  levelsOf,
  REVIEW_THRESHOLD,
  scorePacked,
  type FieldLevels,
} from "./score.ts";
import type { RecordFeatures } from "./types.ts";
import { secondLook, type SecondLookStats } from "./second-look.ts";
import { stageTimer, type StageTimer } from "./stage-timer.ts";
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

/**
 * A child the engine made but could not tell apart from another: a person must say whether it
 * is a child of its own (the hub's unresolved records; coverage leaves it out until then).
 * - IN_REVIEW: it holds no trusted ID number, and one of its records is the uncertain side of a
 *   review (ReviewItem) against another child;
 * - POSSIBLE_MATCH: it holds no trusted ID number, no certificate and no real name (a clinic's
 *   file under 王之子 or 婴儿, …), and it agrees with another child on birth date, sex and county
 *   with nothing that says "another child" (score.ts, contradicts): it may be that child, whose
 *   birth certificate or household record the clinic did not copy. A record that identifies no
 *   child is not taken for a new one.
 */
export interface UnresolvedItem {
  /** A record of the unresolved child. */
  record: number;
  /** A record of the child it may be. */
  candidate: number;
  score: number;
  levels: FieldLevels;
  reason: "IN_REVIEW" | "POSSIBLE_MATCH";
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
  /** Groups the second look looked at again, and the pairs it found (second-look.ts). */
  secondLookGroups: number;
  secondLookPairs: number;
  /** Pairs in which a record that identifies no child agreed with a known one (UnresolvedItem, POSSIBLE_MATCH). */
  possibleMatches: number;
  /** Children left unresolved (UnresolvedItem). */
  unresolved: number;
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
  /** The children a person must tell apart from another, one item each (their clusters hold `record`). */
  unresolved: UnresolvedItem[];
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

/** Whether two lists of pinned children hold two children a person told apart. */
type PinsConflict = (x: readonly number[] | undefined, y: readonly number[] | undefined) => boolean;

/**
 * The stages in order, each its own function below: 1. exact links, 2. groups of the records
 * they join, 3. blocking and scoring of the groups' candidate pairs, 4. the scored pairs best
 * first, merging groups into clusters, 5. each record's cluster and rule. The stages pass
 * typed arrays and plain numbers (a province is millions of records: no object per record).
 */
function clusterInArena(records: RecordTable, options: ClusterOptions): ClusterResult {
  const n = records.count;
  const pinsConflict = pinsConflictOf(options.cannotLink);
  // Milliseconds per stage, for the benchmark (stats.stageMs).
  const timer = stageTimer();
  const exact = linkExactly(records, options.pinnedChild, pinsConflict);
  timer.lap("exact links");
  const groups = groupRecords(exact, n, options.fresh);
  timer.lap("grouping");
  // Row g of the profiles is group g; merges of groups into clusters add rows after them.
  const profiles = new ProfileTable(records.vocabulary, groups.count * 2);
  const { offsets, flat } = groups;
  for (let g = 0; g < groups.count; g++) profiles.addGroup(records, flat, offsets[g]!, offsets[g + 1]!);
  timer.lap("profiles");

  const compared = scoreCandidatePairs(records, profiles, groups, pinsConflict, timer);
  const edges = compared.edges;
  edges.sortBestFirst();
  timer.lap("edge sort");
  const adjacent = edges.adjacency(groups.count);
  timer.lap("adjacency");

  const merging = new BestFirstMerge(edges, adjacent, profiles, groups, pinsConflict);
  merging.run();
  timer.lap("best pairs first");

  const clusters = numberClusters(merging.roots, groups);
  const rootOfCluster = rootGroupsOf(profiles, groups, clusters.clusterOfGroup, clusters.count);
  const attached = attachToRoots(edges, merging.accepted, rootOfCluster, groups.count);
  const { clusterOf, rule, score } = ruleRecords(records, exact, groups, clusters.clusterOfGroup, attached);
  timer.lap("rules");
  // A review whose two sides ended up together (a later, surer link) needs no person.
  const openReviews = merging.reviews.filter((r) => clusterOf[r.record] !== clusterOf[r.candidate]);

  const unresolved = unresolvedChildren(profiles, merging, groups, clusterOf, openReviews, compared.possible);
  timer.lap("unresolved");

  let flaggedRecords = 0;
  for (let i = 0; i < n; i++) if (records.flags[i] !== 0) flaggedRecords++;
  return {
    clusterOf,
    clusterCount: clusters.count,
    rule,
    score,
    reviews: openReviews,
    unresolved,
    stats: {
      records: n,
      groups: groups.count,
      blocks: compared.blocks,
      skippedBlocks: compared.skipped,
      candidatePairs: compared.candidatePairs,
      forbiddenPairs: compared.forbiddenPairs,
      probabilisticLinks: merging.probabilisticLinks,
      reviews: openReviews.length,
      secondLookGroups: compared.secondLook.groups,
      secondLookPairs: compared.secondLook.pairs,
      possibleMatches: compared.possible?.found ?? 0,
      unresolved: unresolved.length,
      clusters: clusters.count,
      flaggedRecords,
      stageMs: timer.ms,
    },
  };
}

/** ClusterOptions.cannotLink as a test on two lists of pins (the exact links and the merges both ask it). */
function pinsConflictOf(cannotLink: ClusterOptions["cannotLink"]): PinsConflict {
  const cannot = new Map<number, Set<number>>();
  for (const [a, b] of cannotLink ?? []) {
    (cannot.get(a) ?? cannot.set(a, new Set()).get(a)!).add(b);
    (cannot.get(b) ?? cannot.set(b, new Set()).get(b)!).add(a);
  }
  return (x, y) => !!x && !!y && x.some((c) => y.some((d) => cannot.get(c)?.has(d) === true));
}

/** The records the exact links joined, numbered 0 … count − 1 in order of their first record. */
interface Groups {
  count: number;
  /** Per record, its group. */
  groupOf: Int32Array;
  /** Per exact-link root record, its group (-1 for other records); reused to number the clusters. */
  groupOfRoot: Int32Array;
  /** Group g's records, in record order: flat[offsets[g]] … flat[offsets[g + 1] − 1]. */
  offsets: Int32Array;
  flat: Int32Array;
  /** The pinned groups' children. */
  pins: Map<number, number[]>;
  /** Per group, 1 when it holds a trusted ID number. */
  hasId: Uint8Array;
  /** Per group, 1 when it holds a fresh record; null when every record is fresh (a full link). */
  fresh: Uint8Array | null;
}

function groupSize(groups: Groups, g: number): number {
  return groups.offsets[g + 1]! - groups.offsets[g]!;
}

function firstOf(groups: Groups, g: number): number {
  return groups.flat[groups.offsets[g]!]!;
}

/** Stage 2: the groups of the exact links, with what the later stages ask of a group. */
function groupRecords(exact: ExactLinks, n: number, fresh: readonly boolean[] | undefined): Groups {
  const uf = exact.roots;
  const groupOfRoot = int32s(n).fill(-1);
  const groupOf = int32s(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    if (groupOfRoot[root] === -1) groupOfRoot[root] = count++;
    groupOf[i] = groupOfRoot[root]!;
  }
  // Members of each group, laid out flat (offsets into one array).
  const offsets = int32s(count + 1);
  for (let i = 0; i < n; i++) offsets[groupOf[i]! + 1]!++;
  for (let g = 0; g < count; g++) offsets[g + 1]! += offsets[g]!;
  const flat = int32s(n);
  for (let i = 0; i < n; i++) flat[offsets[groupOf[i]!]!++] = i;
  restoreStarts(offsets, count);
  const pins = new Map<number, number[]>();
  const hasId = uint8s(count);
  for (let g = 0; g < count; g++) {
    const root = uf.find(flat[offsets[g]!]!);
    const p = exact.pins.get(root);
    if (p) pins.set(g, p);
    hasId[g] = exact.rootIds.isEmpty(root) ? 0 : 1;
  }
  let groupFresh: Uint8Array | null = null;
  if (fresh) {
    groupFresh = uint8s(count);
    for (let i = 0; i < n; i++) if (fresh[i]) groupFresh[groupOf[i]!] = 1;
  }
  return { count, groupOf, groupOfRoot, offsets, flat, pins, hasId, fresh: groupFresh };
}

/** Stage 3's outcome: the pairs worth deciding, and what blocking and comparing counted. */
interface ComparedPairs {
  edges: EdgeList;
  blocks: number;
  skipped: SkippedBlock[];
  candidatePairs: number;
  forbiddenPairs: number;
  /** The groups that identify no child and their best possible match (null: no such group). */
  possible: PossibleMatches | null;
  secondLook: SecondLookStats;
}

/**
 * Per group that identifies no child (no trusted ID number, no certificate, no real name): the
 * known child's group it agrees with best without any contradiction, on birth date, sex and
 * county at least (UnresolvedItem, POSSIBLE_MATCH). Typed arrays, a slot per group.
 */
class PossibleMatches {
  readonly partner: Int32Array;
  readonly score: Float64Array;
  readonly levels: Int32Array;
  found = 0;

  constructor(
    groupCount: number,
    /** Per group, 1 when it identifies no child. */
    readonly seeker: Uint8Array,
  ) {
    this.partner = int32s(groupCount).fill(-1);
    this.score = float64s(groupCount);
    this.levels = int32s(groupCount);
  }

  /** The seeker groups with a possible match, in the order first found. */
  private readonly matched: number[] = [];

  seekers(): readonly number[] {
    return this.matched;
  }

  /** Notes that a seeker group may be the other group's child. */
  offer(seeker: number, other: number, score: number, levels: number): void {
    this.found++;
    if (this.partner[seeker] === -1) this.matched.push(seeker);
    if (this.partner[seeker] !== -1 && this.score[seeker]! >= score) return;
    this.partner[seeker] = other;
    this.score[seeker] = score;
    this.levels[seeker] = levels;
  }
}

/**
 * The groups that name no child (PossibleMatches), or null when there are none: 1 for a group
 * with no trusted ID number, no real name and no certificate; 2 for one that holds a
 * certificate only (a nameless birth certificate: a newborn's, or a missed link of a child who
 * has an ID number by now).
 */
function seekersOf(profiles: ProfileTable, groups: Groups): Uint8Array | null {
  const seeker = uint8s(groups.count);
  let any = false;
  for (let g = 0; g < groups.count; g++) {
    if (groups.hasId[g] || profiles.count(g, NAMES) > 0) continue;
    seeker[g] = profiles.count(g, CERTIFICATES) > 0 ? 2 : 1;
    any = true;
  }
  return any ? seeker : null;
}

/**
 * Whether the seeker side of a pair (PossibleMatches) may be the other's child on this evidence:
 * nothing says "another child" (score.ts, contradicts), and a birth date a clerk's slip apart
 * (the second look's NAMELESS pairs a day off) comes with something that singles the child out
 * (score.ts, identifies: a surname against a placeholder's) or a guardian named on both sides.
 * A birth certificate, itself the child's identifier, is held to more: a parent it names is the
 * guardian the other side names (a hospital writes the parents, a clinic who brings the child),
 * or the other child holds an ID number (a child born years ago has one by now) and their
 * phones do not differ (a newborn known only by its certificate is one of several born that
 * day, and is no missed link of a newborn's clinic file on birth date, sex and county alone).
 * `guardianNamed` is asked only when it matters (it reads the groups' records).
 */
function possibleMatch(seeker: number, otherHasId: boolean, levels: number, guardianNamed: () => boolean): boolean {
  if (contradicts(levels)) return false;
  if (dateSlipped(levels) && !identifies(levels) && !guardianNamed()) return false;
  if (seeker === 1) return true;
  return (otherHasId && !phonesDiffer(levels)) || guardianNamed();
}

/**
 * Whether two groups name a guardian in common (RecordTable.guardianNames): evidence for a
 * possible match only, never for a link (a parent's name is shared by their every child).
 */
function shareGuardianName(records: RecordTable, groups: Groups, a: number, b: number): boolean {
  const { offsets, flat } = groups;
  const { start, values } = records.guardianNames;
  for (let x = offsets[a]!; x < offsets[a + 1]!; x++) {
    const i = flat[x]!;
    for (let p = start[i]!; p < start[i + 1]!; p++) {
      const name = values[p]!;
      for (let y = offsets[b]!; y < offsets[b + 1]!; y++) {
        const j = flat[y]!;
        for (let q = start[j]!; q < start[j + 1]!; q++) if (values[q] === name) return true;
      }
    }
  }
  return false;
}

/**
 * Stage 3: blocking and comparison. The candidate pairs are compared as the blocks yield them
 * (a province's pairs never sit in memory); those scoring at least REVIEW_THRESHOLD become
 * edges. Pairs of groups with no fresh record, with different trusted ID numbers or with pins
 * a person told apart are not candidates; a candidate a hard rule keeps apart is counted.
 */
function scoreCandidatePairs(
  records: RecordTable,
  profiles: ProfileTable,
  groups: Groups,
  pinsConflict: PinsConflict,
  timer: StageTimer,
): ComparedPairs {
  const { offsets, flat, hasId, pins } = groups;
  const groupFresh = groups.fresh;
  const codes = new BlockCodes(records);
  timer.lap("DSS keys");
  const keysOfGroup = (g: number, emit: (kind: number, code: number) => void) =>
    codes.eachOfGroup(profiles, g, flat, offsets[g]!, offsets[g + 1]!, emit);
  const keyCountOfGroup = (g: number) => {
    let keys = 0;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) keys += codes.countOf(flat[k]!);
    return keys;
  };
  const edges = new EdgeList();
  let forbiddenPairs = 0;
  let candidatePairs = 0;
  const seeker = seekersOf(profiles, groups);
  const possible = seeker ? new PossibleMatches(groups.count, seeker) : null;
  const compare = (a: number, b: number) => {
    if (groupFresh && !groupFresh[a] && !groupFresh[b]) return;
    profiles.loadPair(a, b);
    if (disjoint(profiles, TRUSTED_IDS) || (pins.size > 0 && pinsConflict(pins.get(a), pins.get(b)))) return;
    candidatePairs++;
    if (noMergeReasonOfLoaded(profiles)) {
      forbiddenPairs++;
      return;
    }
    const levels = compareLoaded(profiles);
    const score = scorePacked(levels);
    // Birth date, sex and county alone link nothing and ask no reviewer (score.ts, identifies).
    if (score >= REVIEW_THRESHOLD && identifies(levels)) edges.push(a, b, score, levels);
    else if (possible && seeker![a] !== seeker![b]) {
      // The side that names less: nothing (1) before a certificate (2), a certificate before a name or ID (0).
      const [s, o] = seeker![a] === 1 || seeker![b] === 0 ? [a, b] : [b, a];
      if (possibleMatch(seeker![s]!, hasId[o] === 1, levels, () => shareGuardianName(records, groups, s, o)))
        possible.offer(s, o, score, levels);
    }
  };
  const isProbe = (g: number) => hasId[g] === 0;
  const blocking = eachCandidatePair(groups.count, keysOfGroup, isProbe, compare, keyCountOfGroup);
  Object.assign(timer.ms, blocking.timings);
  timer.restart();
  // Stage 3b: a second look for the groups without an ID number the blocks found nothing sure for.
  const sure = uint8s(groups.count);
  for (let e = 0; e < edges.count; e++) {
    if (edges.score[e]! < LINK_THRESHOLD) continue;
    sure[edges.a[e]!] = 1;
    sure[edges.b[e]!] = 1;
  }
  const nameless = (g: number) => profiles.count(g, NAMES) === 0;
  const look = secondLook(records, groups, nameless, sure, codes, blocking.keys, compare);
  timer.lap("second look");
  return {
    edges,
    blocks: blocking.blocks,
    skipped: blocking.skipped,
    candidatePairs,
    forbiddenPairs,
    possible,
    secondLook: look,
  };
}

/**
 * Stage 4: the edges best first, merging groups into clusters. A score at or above
 * LINK_THRESHOLD merges, unless a hard rule forbids it or the pair is ambiguous (then a
 * review); a score between the thresholds is a review. A class rather than closures: its
 * state (each cluster root's profile row, pins and record count) is shared by four steps.
 */
class BestFirstMerge {
  /** Groups into clusters: a cluster is named by its root group. */
  readonly roots: UnionFind;
  /** Per edge, 1 when it merged two clusters. */
  readonly accepted: Uint8Array;
  readonly reviews: ReviewItem[] = [];
  probabilisticLinks = 0;
  /** Each cluster root's profile row (a group's own row until it merges). */
  private readonly row: Int32Array;
  /** Each merged cluster root's pins; an unmerged group's are groups.pins. */
  private readonly clusterPins = new Map<number, number[]>();
  /** Each cluster root's number of records. */
  private readonly records: Int32Array;
  /** Groups put up for review already (as the uncertain side). */
  private readonly reviewed = new Set<number>();

  constructor(
    private readonly edges: EdgeList,
    private readonly adjacent: Adjacency,
    private readonly profiles: ProfileTable,
    private readonly groups: Groups,
    private readonly pinsConflict: PinsConflict,
  ) {
    const count = groups.count;
    this.roots = new UnionFind(count);
    this.row = int32s(count);
    for (let g = 0; g < count; g++) this.row[g] = g;
    this.records = int32s(count);
    for (let g = 0; g < count; g++) this.records[g] = groupSize(groups, g);
    this.accepted = new Uint8Array(edges.count);
  }

  run(): void {
    const edges = this.edges;
    const roots = this.roots;
    for (let e = 0; e < edges.count; e++) {
      const a = edges.a[e]!;
      const b = edges.b[e]!;
      const score = edges.score[e]!;
      const ra = roots.find(a);
      const rb = roots.find(b);
      if (ra === rb || this.forbidden(ra, rb)) continue;
      if (score < LINK_THRESHOLD) {
        this.review(e, "SCORE_BETWEEN_THRESHOLDS");
        continue;
      }
      if (this.ambiguous(a, b, score) || this.ambiguous(b, a, score)) {
        this.review(e, "AMBIGUOUS");
        continue;
      }
      this.merge(e, ra, rb);
    }
  }

  /** The profile row of group g's cluster: the union of every record in it. */
  profileRowOf(g: number): number {
    return this.row[this.roots.find(g)]!;
  }

  private pinsOf(root: number): number[] | undefined {
    return this.clusterPins.get(root) ?? this.groups.pins.get(root);
  }

  /** Whether a hard rule, or a person's decision, keeps two clusters (roots) apart. */
  private forbidden(ra: number, rb: number): boolean {
    return (
      noMergeReason(this.profiles, this.row[ra]!, this.row[rb]!) !== null ||
      this.pinsConflict(this.pinsOf(ra), this.pinsOf(rb))
    );
  }

  /**
   * Whether group x has another candidate, scoring within AMBIGUITY_MARGIN of `score`, that
   * could join x's cluster but could not join y's: then x joining y is a guess.
   */
  private ambiguous(x: number, y: number, score: number): boolean {
    const { edges, adjacent, roots } = this;
    const rx = roots.find(x);
    const ry = roots.find(y);
    for (let k = adjacent.start[x]!; k < adjacent.start[x + 1]!; k++) {
      const e = adjacent.edgeOf[k]!;
      if (edges.score[e]! < score - AMBIGUITY_MARGIN) break; // sorted best first
      const c = edges.a[e] === x ? edges.b[e]! : edges.a[e]!;
      if (c === y) continue;
      const rc = roots.find(c);
      if (rc === ry || rc === rx) continue;
      if (!this.forbidden(rc, rx) && this.forbidden(rc, ry)) return true;
    }
    return false;
  }

  /** Whether a cluster (root) holds a trusted ID number. */
  private hasId(root: number): boolean {
    return this.profiles.count(this.row[root]!, TRUSTED_IDS) > 0;
  }

  /**
   * Puts edge e up for review, as its uncertain side (the smaller cluster, else the one without
   * an ID number, else the later group) against the other, once per group and only while that
   * group stands alone.
   */
  private review(e: number, reason: ReviewItem["reason"]): void {
    const { edges, roots } = this;
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    const ra = roots.find(a);
    const rb = roots.find(b);
    const sizeA = this.records[ra]!;
    const sizeB = this.records[rb]!;
    let x = a;
    if (
      sizeB < sizeA ||
      (sizeB === sizeA && this.hasId(ra) && !this.hasId(rb)) ||
      (sizeB === sizeA && this.hasId(ra) === this.hasId(rb) && b > a)
    )
      x = b;
    const y = x === a ? b : a;
    const rx = roots.find(x);
    if (roots.size[rx] !== 1 || this.reviewed.has(x)) return;
    this.reviewed.add(x);
    this.reviews.push({
      record: firstOf(this.groups, x),
      candidate: firstOf(this.groups, y),
      score: edges.score[e]!,
      levels: levelsOf(edges.levels[e]!),
      reason,
    });
  }

  /** Merges two clusters (roots) by edge e. */
  private merge(e: number, ra: number, rb: number): void {
    const merged = this.profiles.merge(this.row[ra]!, this.row[rb]!);
    const pinsA = this.pinsOf(ra);
    const pinsB = this.pinsOf(rb);
    const records = this.records[ra]! + this.records[rb]!;
    this.clusterPins.delete(ra);
    this.clusterPins.delete(rb);
    const root = this.roots.join(ra, rb);
    this.row[root] = merged;
    if ((pinsA?.length ?? 0) + (pinsB?.length ?? 0) > 0) this.clusterPins.set(root, unitedPins(pinsA, pinsB));
    this.records[root] = records;
    this.accepted[e] = 1;
    this.probabilisticLinks++;
  }
}

/** Both lists' children, each once, in order of first appearance. */
function unitedPins(x: readonly number[] | undefined, y: readonly number[] | undefined): number[] {
  return [...new Set([...(x ?? []), ...(y ?? [])])];
}

/** Stage 5: each group's cluster, numbered 0 … count − 1 in order of their first group. */
function numberClusters(roots: UnionFind, groups: Groups): { clusterOfGroup: Int32Array; count: number } {
  // The records' groupOfRoot, no longer needed, is big enough: one typed array fewer.
  const clusterOfRoot = groups.groupOfRoot.subarray(0, groups.count).fill(-1);
  const clusterOfGroup = int32s(groups.count);
  let count = 0;
  for (let g = 0; g < groups.count; g++) {
    const root = roots.find(g);
    if (clusterOfRoot[root] === -1) clusterOfRoot[root] = count++;
    clusterOfGroup[g] = clusterOfRoot[root]!;
  }
  return { clusterOfGroup, count };
}

/**
 * Each cluster's root group: the one holding a trusted ID number, else a birth certificate,
 * else the most records (the first of equals). Its records keep their exact rule; every other
 * group is linked by the accepted edge on its path to the root.
 */
function rootGroupsOf(
  profiles: ProfileTable,
  groups: Groups,
  clusterOfGroup: Int32Array,
  clusterCount: number,
): Int32Array {
  const rootOfCluster = int32s(clusterCount).fill(-1);
  for (let g = 0; g < groups.count; g++) {
    const c = clusterOfGroup[g]!;
    const best = rootOfCluster[c]!;
    if (best === -1) {
      rootOfCluster[c] = g;
      continue;
    }
    const rg = rankOf(profiles, groups, g);
    const rb = rankOf(profiles, groups, best);
    if (rg > rb || (rg === rb && groupSize(groups, g) > groupSize(groups, best))) rootOfCluster[c] = g;
  }
  return rootOfCluster;
}

function rankOf(profiles: ProfileTable, groups: Groups, g: number): number {
  return (groups.hasId[g] ? 4 : 0) + (profiles.count(g, CERTIFICATES) > 0 ? 2 : 0);
}

/** Per group, whether it is its cluster's root, and else the score of the edge that attached it. */
interface Attachments {
  attachScore: Float64Array;
  isRoot: Uint8Array;
}

/** Walks each cluster's tree of accepted edges from its root group (breadth first). */
function attachToRoots(
  edges: EdgeList,
  accepted: Uint8Array,
  rootOfCluster: Int32Array,
  groupCount: number,
): Attachments {
  const tree = edges.adjacency(groupCount, accepted);
  const attachScore = float64s(groupCount).fill(Number.NaN);
  const isRoot = uint8s(groupCount);
  const visited = uint8s(groupCount);
  const queue = int32s(groupCount);
  for (let c = 0; c < rootOfCluster.length; c++) {
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
  return { attachScore, isRoot };
}

/**
 * Per record, its cluster, its rule and its score (ClusterResult's arrays). A record of a root
 * group keeps the exact link that joined it (NEW_CHILD when it was flagged or joined by none);
 * the flagged records get CONFLICTING_IDENTIFIERS.
 */
function ruleRecords(
  records: RecordTable,
  exact: ExactLinks,
  groups: Groups,
  clusterOfGroup: Int32Array,
  { attachScore, isRoot }: Attachments,
): Pick<ClusterResult, "clusterOf" | "rule" | "score"> {
  const n = records.count;
  const groupOf = groups.groupOf;
  const { flagged, isShared, ID_BIT, CERTIFICATE_BIT, STUDENT_BIT } = exact;
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
  return { clusterOf, rule, score };
}

/**
 * The unresolved children (UnresolvedItem), one item each: a child without a trusted ID number
 * on the uncertain side of an open review; else a child that identifies no one (no trusted ID
 * number, no certificate, no real name) with a possible match in another child.
 */
function unresolvedChildren(
  profiles: ProfileTable,
  merging: BestFirstMerge,
  groups: Groups,
  clusterOf: Int32Array,
  reviews: readonly ReviewItem[],
  possible: PossibleMatches | null,
): UnresolvedItem[] {
  // What a cluster holds, from its profile row (the union of its records' values): 1 a trusted
  // ID number, 2 a certificate, 4 a real name. Asked only of the few clusters concerned.
  const holds = (g: number) => {
    const row = merging.profileRowOf(g);
    return (
      (profiles.count(row, TRUSTED_IDS) > 0 ? 1 : 0) |
      (profiles.count(row, CERTIFICATES) > 0 ? 2 : 0) |
      (profiles.count(row, NAMES) > 0 ? 4 : 0)
    );
  };
  const items = new Map<number, UnresolvedItem>();
  for (const r of reviews) {
    const c = clusterOf[r.record]!;
    if ((holds(groups.groupOf[r.record]!) & 1) === 0 && !items.has(c))
      items.set(c, { record: r.record, candidate: r.candidate, score: r.score, levels: r.levels, reason: "IN_REVIEW" });
  }
  if (possible) {
    for (const g of possible.seekers()) {
      const partner = possible.partner[g]!;
      const c = clusterOf[firstOf(groups, g)]!;
      if (clusterOf[firstOf(groups, partner)] === c) continue;
      const held = holds(g);
      // A cluster that holds an ID number or a real name identifies a child; one with a
      // certificate is unresolved only on its certificate's own possible match.
      if ((held & 5) !== 0 || ((held & 2) !== 0 && possible.seeker[g] !== 2)) continue;
      const known = items.get(c);
      if (known && (known.reason === "IN_REVIEW" || known.score >= possible.score[g]!)) continue;
      items.set(c, {
        record: firstOf(groups, g),
        candidate: firstOf(groups, partner),
        score: possible.score[g]!,
        levels: levelsOf(possible.levels[g]!),
        reason: "POSSIBLE_MATCH",
      });
    }
  }
  return [...items.entries()].sort((x, y) => x[0] - y[0]).map(([, item]) => item);
}
