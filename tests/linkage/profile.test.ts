import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { normaliseRecord } from "../../src/linkage/normalise.ts";
import { mergeProfiles, profileOf } from "../../src/linkage/profile.ts";
import type { Profile, RecordFeatures } from "../../src/linkage/types.ts";
import { sourceRecord } from "./helpers.ts";

/** The union as the definition says it: every record's values once each, in the order met. */
function referenceProfile(records: readonly RecordFeatures[]): Profile {
  const p: Profile = {
    names: [], sexes: [], birthDates: [], trustedIdNumbers: [], idNumbers: [], invalidIdNumbers: [],
    birthCertificateNumbers: [], guardianIdNumbers: [], guardianPhones: [], regionCodes: [],
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
  }
  return p;
}

// Few values of each field, so that a group's records repeat one another as one child's do.
const DATES = ["2024-01-31", "2024-02-01", "2023-12-31"];
const IDS = DATES.flatMap((birthDate) => [makeIdNumber({ regionCode: "330106", birthDate, sequence: 13 }), makeIdNumber({ regionCode: "330106", birthDate, sequence: 22 })]);
const record = fc
  .record({
    name: fc.constantFrom(null, "王子轩", "王梓萱", "李四", "王之子"),
    sex: fc.constantFrom(null, "M", "F"),
    birthDate: fc.constantFrom(null, ...DATES),
    idNumber: fc.constantFrom(null, ...IDS, "330106202401311234"),
    birthCertificateNumber: fc.constantFrom(null, "Q330000001", "Q330000002"),
    guardianIdNumbers: fc.subarray(IDS.slice(0, 3)),
    guardianPhones: fc.subarray(["13812345678", "13987654321"]),
    regionCodes: fc.subarray(["330106", "330100", "330000"]),
  });

describe("profileOf", () => {
  it("is the union of its records' values, in the order met, whatever the records", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 7 }), (raw) => {
        const records = raw.map((r, k) => normaliseRecord(sourceRecord({ source: "health.immunization_record", recordId: `I${k}`, ...r })));
        expect(profileOf(records)).toEqual(referenceProfile(records));
      }),
      { numRuns: 2_000 },
    );
  });

  it("shares the first record's lists when the others add nothing (a child's records repeat one another)", () => {
    const child = (recordId: string) =>
      normaliseRecord(sourceRecord({ source: "household.person", recordId, name: "王子轩", sex: "M", birthDate: DATES[0], idNumber: IDS[0]!, guardianPhones: ["13812345678"], regionCodes: ["330106"] }));
    const [a, b, c] = [child("P1"), child("P2"), child("P3")];
    const p = profileOf([a, b, c]);
    expect(p.idNumbers).toBe(a.idNumbers);
    expect(p.trustedIdNumbers).toBe(a.idNumbers);
    expect(p.guardianPhones).toBe(a.guardianPhones);
    expect(p.regionCodes).toBe(a.regionCodes);
    // Lone values shared between profiles, never copied per group.
    expect(profileOf([b]).sexes).toBe(p.sexes);
    expect(profileOf([c]).birthDates).toBe(p.birthDates);
  });

  it("never changes a list it shares: a merge that adds a value copies", () => {
    const a = normaliseRecord(sourceRecord({ source: "household.person", recordId: "P1", name: "王子轩", sex: "M", birthDate: DATES[0], guardianPhones: ["13812345678"] }));
    const b = normaliseRecord(sourceRecord({ source: "health.immunization_record", recordId: "I1", name: "王梓萱", sex: "M", birthDate: DATES[1], guardianPhones: ["13987654321"] }));
    const merged = mergeProfiles(profileOf([a]), profileOf([b]));
    expect(merged.guardianPhones).toEqual(["13812345678", "13987654321"]);
    expect(merged.birthDates).toEqual([DATES[0], DATES[1]]);
    expect(a.guardianPhones).toEqual(["13812345678"]);
    expect(profileOf([a]).birthDates).toEqual([DATES[0]]);
  });
});
