/**
 * The linkage engine: department records → master children. normalise.ts turns a record into
 * its features; a RecordTable holds many records' features as typed-array columns
 * (record-table.ts, filled from features or straight from COPY bytes by record-reader.ts); the
 * pure stages (exact-links, profile, blocking, compare, score, rules, cluster) work on tables;
 * sources.ts and store.ts are the SQL edges; link.ts and decisions.ts are what the hub subgraph
 * calls.
 */
export { linkAll, linkRecords, type LinkRunSummary } from "./link.ts";
export {
  decideUnresolved,
  mergeChildren,
  resolveReview,
  splitChild,
  undoEvent,
  type ReviewDecision,
  type UnresolvedDecision,
} from "./decisions.ts";
export {
  clusterRecords,
  clusterTable,
  ruleOf,
  scoreOf,
  type ClusterOptions,
  type ClusterResult,
  type ReviewItem,
  type UnresolvedItem,
} from "./cluster.ts";
export { RecordTable, recordTableOf } from "./record-table.ts";
export { ProfileTable, profilesOf, profileValues } from "./profile.ts";
export { normaliseRecord, normaliseName, normalisePhone } from "./normalise.ts";
export { LINK_THRESHOLD, REVIEW_THRESHOLD, WEIGHTS, compareProfiles, levelsOf, scoreLevels, decide } from "./score.ts";
export { noMergeReason, type NoMergeReason } from "./rules.ts";
export type { RecordRef, SourceRecord, RecordFeatures } from "./types.ts";
