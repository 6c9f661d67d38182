/**
 * The linkage engine: department records → master children. Pure parts (normalise, blocking,
 * compare, score, rules, cluster) take plain records; sources.ts and store.ts are the SQL edges;
 * link.ts and decisions.ts are what the hub subgraph calls.
 */
export { linkAll, linkRecords, type LinkRunSummary } from "./link.ts";
export { mergeChildren, resolveReview, splitChild, undoEvent, type ReviewDecision } from "./decisions.ts";
export { clusterRecords, clusterTable, ruleOf, scoreOf, type ClusterOptions, type ClusterResult, type ReviewItem } from "./cluster.ts";
export { RecordTable, recordTableOf } from "./record-table.ts";
export { ProfileTable, profilesOf, profileValues } from "./profile.ts";
export { normaliseRecord, normaliseName, normalisePhone } from "./normalise.ts";
export { LINK_THRESHOLD, REVIEW_THRESHOLD, WEIGHTS, compareProfiles, levelsOf, scoreLevels, decide } from "./score.ts";
export { noMergeReason, type NoMergeReason } from "./rules.ts";
export type { RecordRef, SourceRecord, RecordFeatures } from "./types.ts";
