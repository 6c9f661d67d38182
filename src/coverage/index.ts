/**
 * The coverage engine: pure status rules over a child's linked records (rules.ts), the pure
 * reduction of linked records to coverage facts (derive-facts.ts), and the SQL that feeds them
 * (facts.ts, load-policy.ts); the province's policy settings (settings.ts in force,
 * settings-store.ts kept and changed); the snapshots (store.ts: built by the daily job and ingestion,
 * never by a read; snapshot-dates.ts: which one a question is answered from); and the
 * disclosure control of statistics (statistics-disclosure.ts, controlled-rounding.ts).
 */
export { assessCoverage, causeOf, coordinationAreaOf, settingsAreaOf, statusOf } from "./rules.ts";
export {
  birthDateOf,
  birthPlaceOf,
  contractedDoctorOf,
  currentSchoolOf,
  deriveCoverageFacts,
  hukouRegionOf,
  needyCategoryOf,
  permitRegionOf,
  residenceRegionOf,
  schoolYearOf,
  vaccinationRegionOf,
  validIdNumbersOf,
} from "./derive-facts.ts";
export { FACTS_BATCH_SIZE, loadCoverageFacts, loadLinkedRecords } from "./facts.ts";
export { noLinkedRecords, type LinkedRecords } from "./linked-records.ts";
export { loadCoveragePolicy, loadSettingRows } from "./load-policy.ts";
export { PolicySettings, type AreaWindow } from "./settings.ts";
export * from "./types.ts";
