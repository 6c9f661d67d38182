export { measurePairAccuracy, type PairAccuracy } from "../../bench/pair-accuracy.ts";
import type { SourceRecord } from "../../src/linkage/types.ts";

/** A source record for unit tests: only what a test names differs from an empty record. */
export function sourceRecord(p: Partial<SourceRecord> & Pick<SourceRecord, "source" | "recordId">): SourceRecord {
  return {
    name: null,
    sex: null,
    birthDate: null,
    idNumber: null,
    birthCertificateNumber: null,
    studentNumber: null,
    guardianIdNumbers: [],
    guardianPhones: [],
    regionCodes: [],
    ...p,
  };
}
