/**
 * The coverage engine: pure status rules over a child's linked records (rules.ts), the pure
 * reduction of linked records to coverage facts (derive-facts.ts), and the SQL that feeds them
 * (facts.ts, load-policy.ts); the snapshots (store.ts: built by the daily job and ingestion,
 * never by a read; snapshot-dates.ts: which one a question is answered from); and the
 * disclosure control of statistics (statistics-disclosure.ts, controlled-rounding.ts).
 */
export { assessCoverage, coordinationAreaOf, statusOf } from "./rules.ts";
export {
  birthDateOf,
  contractedDoctorOf,
  currentSchoolOf,
  deriveCoverageFacts,
  hukouRegionOf,
  needyCategoryOf,
  schoolYearOf,
  vaccinationRegionOf,
  validIdNumbersOf,
} from "./derive-facts.ts";
export { FACTS_BATCH_SIZE, loadCoverageFacts, loadLinkedRecords } from "./facts.ts";
export { noLinkedRecords, type LinkedRecords } from "./linked-records.ts";
export { loadCoveragePolicy } from "./load-policy.ts";
export * from "./types.ts";
