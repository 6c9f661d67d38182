import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { normaliseRecord } from "../../src/linkage/normalise.ts";
import { profilesOf, profileValues } from "../../src/linkage/profile.ts";
import type { Profile, RecordFeatures } from "../../src/linkage/types.ts";
import { sourceRecord } from "./helpers.ts";

/** The union as the definition says it: every record's values once each, in the order met. */
function referenceProfile(records: readonly RecordFeatures[]): Profile {
  const p: Profile = {
    names: [],
    sexes: [],
    birthDates: [],
    trustedIdNumbers: [],
    idNumbers: [],
    invalidIdNumbers: [],
    birthCertificateNumbers: [],
    guardianIdNumbers: [],
    guardianPhones: [],
    regionCodes: [],
    placeholderSurnames: [],
  };
  const add = <T>(into: T[], values: readonly (T | null)[]) => {
    for (const v of values) if (v !== null && !into.includes(v)) into.push(v);
  };
  for (const r of records) {
    if (r.name && !p.names.some((n) => n.full === r.name!.full)) p.names.push(r.name);
    add(p.sexes, [r.sex]);
    add(p.birthDates, [r.birthDate]);
    add(p.trustedIdNumbers, [r.trustedIdNumber]);
    add(p.idNumbers, r.idNumbers);
    add(p.invalidIdNumbers, r.invalidIdNumbers);
    add(p.birthCertificateNumbers, [r.birthCertificateNumber]);
    add(p.guardianIdNumbers, r.guardianIdNumbers);
    add(p.guardianPhones, r.guardianPhones);
    add(p.regionCodes, r.regionCodes);
    if (!r.name) add(p.placeholderSurnames, [r.surname]);
  }
  return p;
}

// Few values of each field, so that a group's records repeat one another as one child's do.
const DATES = ["2024-01-31", "2024-02-01", "2023-12-31"];
const IDS = DATES.flatMap((birthDate) => [
  makeIdNumber({ regionCode: "330106", birthDate, sequence: 13 }),
  makeIdNumber({ regionCode: "330106", birthDate, sequence: 22 }),
]);
const record = fc.record({
  name: fc.constantFrom(null, "王子轩", "王梓萱", "李四", "王之子"),
  sex: fc.constantFrom(null, "M", "F"),
  birthDate: fc.constantFrom(null, ...DATES),
  idNumber: fc.constantFrom(null, ...IDS, "330106202401311234"),
  birthCertificateNumber: fc.constantFrom(null, "Q330000001", "Q330000002"),
  guardianIdNumbers: fc.subarray(IDS.slice(0, 3)),
  guardianPhones: fc.subarray(["13812345678", "13987654321"]),
  regionCodes: fc.subarray(["330106", "330100", "330000"]),
});

/** A table of the records, and a profile row of them all. */
function profileOfAll(records: readonly RecordFeatures[]) {
  const profiles = profilesOf([records]);
  return { profiles, values: profileValues(profiles, 0) };
}

/** Sexes are kept as a set (M, then F): the order records give them in says nothing. */
const bySexSet = (p: Profile): Profile => ({ ...p, sexes: (["M", "F"] as const).filter((s) => p.sexes.includes(s)) });

describe("profiles", () => {
  it("are the union of their records' values, in the order met, whatever the records", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 7 }), (raw) => {
        const records = raw.map((r, k) =>
          normaliseRecord(sourceRecord({ source: "health.immunization_record", recordId: `I${k}`, ...r })),
        );
        expect(profileOfAll(records).values).toEqual(bySexSet(referenceProfile(records)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("merge two rows into a new one holding both, leaving the two as they were", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 4 }),
        fc.array(record, { minLength: 1, maxLength: 4 }),
        (rawA, rawB) => {
          const [a, b] = [rawA, rawB].map((raw, side) =>
            raw.map((r, k) =>
              normaliseRecord(sourceRecord({ source: "insurance.enrollment", recordId: `E${side}-${k}`, ...r })),
            ),
          );
          const profiles = profilesOf([a!, b!]);
          const merged = profiles.merge(0, 1);
          expect(merged).toBe(2);
          expect(profileValues(profiles, merged)).toEqual(bySexSet(referenceProfile([...a!, ...b!])));
          expect(profileValues(profiles, 0)).toEqual(bySexSet(referenceProfile(a!)));
          expect(profileValues(profiles, 1)).toEqual(bySexSet(referenceProfile(b!)));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("keep a record's identifiers as they were written once normalised (codes read back exactly)", () => {
    const child = normaliseRecord(
      sourceRecord({
        source: "household.person",
        recordId: "P1",
        name: "王子轩",
        sex: "M",
        birthDate: DATES[0],
        idNumber: IDS[0]!,
        birthCertificateNumber: "q330000001",
        guardianIdNumbers: [IDS[3]!],
        guardianPhones: ["+86 138-1234-5678"],
        regionCodes: ["330106", "010100"],
      }),
    );
    expect(profileOfAll([child]).values).toMatchObject({
      trustedIdNumbers: [IDS[0]],
      birthCertificateNumbers: ["Q330000001"],
      guardianIdNumbers: [IDS[3]],
      guardianPhones: ["13812345678"],
      regionCodes: ["330106", "010100"],
    });
  });
});
