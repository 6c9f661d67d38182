export { measurePairAccuracy, type PairAccuracy } from "../../bench/pair-accuracy.ts";
import type { Sex } from "../../src/domain/id-number.ts";
import { nameSuffixes, type BlockKind } from "../../src/linkage/blocking.ts";
import { normaliseName } from "../../src/linkage/normalise.ts";
import { profilesOf, type ProfileTable } from "../../src/linkage/profile.ts";
import type { RecordFeatures, SourceRecord } from "../../src/linkage/types.ts";

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

/**
 * The blocking keys of a record as text, as blocking.ts defines them: the readable reference
 * the engine's numbered keys (BlockCodes) are held to.
 *
 * @example referenceBlockingKeys(features)
 * // ["ID330106201903150134", "DSS2019-03-15|M|王|子", "DSS2019-03-15|M|王|~轩", "PHONE13800001234"]
 */
export function referenceBlockingKeys(r: RecordFeatures): { kind: BlockKind; key: string }[] {
  const keys: { kind: BlockKind; key: string }[] = [];
  for (const id of r.idNumbers) keys.push({ kind: "ID", key: `ID${id}` });
  if (r.birthDate && r.sex && r.name?.given)
    for (const suffix of nameSuffixes(r.name)) keys.push({ kind: "DSS", key: `DSS${r.birthDate}|${r.sex}|${suffix}` });
  for (const id of r.guardianIdNumbers) keys.push({ kind: "GID", key: `GID${id}` });
  for (const phone of r.guardianPhones) keys.push({ kind: "PHONE", key: `PHONE${phone}` });
  return keys;
}

/** The values of one side of a comparison, as a test names them. */
export interface ProfileSide {
  names?: string[];
  /** The (one) ID number is trusted, as a valid number consistent with its record is. */
  trusted?: boolean;
  sexes?: Sex[];
  birthDates?: string[];
  idNumbers?: string[];
  invalidIdNumbers?: string[];
  guardianIdNumbers?: string[];
  guardianPhones?: string[];
  regionCodes?: string[];
}

/**
 * A profile row per side holding exactly the values named (as records would give them once
 * normalised): row k is sides[k]. Names, sexes and dates are one a record; the lists ride on
 * the first record.
 *
 * @example levelsOf(compareProfiles(profileRows({ names: ["王子轩"] }, { names: ["王梓萱"] }), 0, 1)).name // "VARIANT"
 */
export function profileRows(...sides: ProfileSide[]): ProfileTable {
  return profilesOf(
    sides.map((side, s) => {
      const count = Math.max(1, side.names?.length ?? 0, side.sexes?.length ?? 0, side.birthDates?.length ?? 0);
      return Array.from({ length: count }, (_, k): RecordFeatures => ({
        source: "health.immunization_record",
        recordId: `S${s}-${k}`,
        name: side.names?.[k] ? normaliseName(side.names[k]).name : null,
        surname: side.names?.[k] ? normaliseName(side.names[k]).surname : null,
        sex: side.sexes?.[k] ?? null,
        birthDate: side.birthDates?.[k] ?? null,
        trustedIdNumber: k === 0 && side.trusted ? side.idNumbers![0]! : null,
        idNumbers: k === 0 ? (side.idNumbers ?? []) : [],
        invalidIdNumbers: k === 0 ? (side.invalidIdNumbers ?? []) : [],
        birthCertificateNumber: null,
        studentKey: null,
        guardianIdNumbers: k === 0 ? (side.guardianIdNumbers ?? []) : [],
        guardianPhones: k === 0 ? (side.guardianPhones ?? []) : [],
        guardianNames: [],
        regionCodes: k === 0 ? (side.regionCodes ?? []) : [],
        flags: [],
      }));
    }),
  );
}
