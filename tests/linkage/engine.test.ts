import { describe, expect, it } from "vitest";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { BLOCK_CAPS, BLOCK_KINDS, BlockCodes, eachCandidatePair } from "../../src/linkage/blocking.ts";
import { clusterRecords, ruleOf } from "../../src/linkage/cluster.ts";
import { normaliseRecord } from "../../src/linkage/normalise.ts";
import { profilesOf } from "../../src/linkage/profile.ts";
import { recordTableOf } from "../../src/linkage/record-table.ts";
import { noMergeReason } from "../../src/linkage/rules.ts";
import {
  compareProfiles,
  decide,
  levelsOf,
  LINK_THRESHOLD,
  REVIEW_THRESHOLD,
  scoreLevels,
} from "../../src/linkage/score.ts";
import type { RecordFeatures, SourceRecord } from "../../src/linkage/types.ts";
import { referenceBlockingKeys, sourceRecord } from "./helpers.ts";

const BIRTH = "2025-03-15";
const ID_A = makeIdNumber({ regionCode: "330106", birthDate: BIRTH, sequence: 13 }); // male
const ID_B = makeIdNumber({ regionCode: "330106", birthDate: BIRTH, sequence: 15 }); // his twin brother
const MOTHER = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });
const PHONE = "13812345678";

const features = (r: SourceRecord) => normaliseRecord(r);
const blockingKeys = referenceBlockingKeys;
/** How two groups of records compare, field by field. */
const compare = (a: readonly RecordFeatures[], b: readonly RecordFeatures[]) =>
  levelsOf(compareProfiles(profilesOf([a, b]), 0, 1));
const whyApart = (a: RecordFeatures, b: RecordFeatures) => noMergeReason(profilesOf([[a], [b]]), 0, 1);
const person = (recordId: string, name: string, idNumber: string, extra: Partial<SourceRecord> = {}) =>
  sourceRecord({
    source: "household.person",
    recordId,
    name,
    sex: "M",
    birthDate: BIRTH,
    idNumber,
    guardianIdNumbers: [MOTHER],
    guardianPhones: [PHONE],
    regionCodes: ["330106"],
    ...extra,
  });
const clinic = (recordId: string, name: string | null, extra: Partial<SourceRecord> = {}) =>
  sourceRecord({
    source: "health.immunization_record",
    recordId,
    name,
    sex: "M",
    birthDate: BIRTH,
    guardianPhones: [PHONE],
    regionCodes: ["330106"],
    ...extra,
  });

describe("normaliseRecord", () => {
  it("trusts a valid ID number that agrees with the record's birth date and sex", () => {
    expect(features(person("P1", "王子轩", ID_A)).trustedIdNumber).toBe(ID_A);
  });
  it("flags, and does not trust, an ID number that contradicts the record's birth date", () => {
    const f = features(person("P1", "王子轩", ID_A, { birthDate: "2025-03-16" }));
    expect(f.trustedIdNumber).toBeNull();
    expect(f.idNumbers).toEqual([ID_A]);
    expect(f.flags).toContain("ID_NUMBER_CONTRADICTS_BIRTH_DATE");
  });
  it("flags an ID number that contradicts the record's sex", () => {
    expect(features(person("P1", "王子轩", ID_A, { sex: "F" })).flags).toContain("ID_NUMBER_CONTRADICTS_SEX");
  });
  it("keeps a mistyped ID number (check character no longer fits) as evidence, not as a key", () => {
    const typo = ID_A.slice(0, 10) + String((Number(ID_A[10]) + 1) % 10) + ID_A.slice(11);
    const f = features(person("P1", "王子轩", typo));
    expect(f.trustedIdNumber).toBeNull();
    expect(f.invalidIdNumbers).toEqual([typo]);
  });
  it("reads the ID number inside a G student number, and keeps J and L numbers as student keys", () => {
    expect(
      features(
        sourceRecord({
          source: "education.student",
          recordId: "S1",
          sex: "M",
          birthDate: BIRTH,
          studentNumber: `G${ID_A}`,
        }),
      ).trustedIdNumber,
    ).toBe(ID_A);
    expect(
      features(
        sourceRecord({
          source: "education.student",
          recordId: "S2",
          sex: "M",
          birthDate: BIRTH,
          studentNumber: "L330106202503150007",
        }),
      ).studentKey,
    ).toBe("L330106202503150007");
  });
});

describe("blocking", () => {
  it("keys a record by ID number, birth date + sex + surname, guardian ID number and phone", () => {
    const keys = blockingKeys(features(person("P1", "王子轩", ID_A))).map((k) => k.key);
    expect(keys).toEqual([`ID${ID_A}`, `DSS${BIRTH}|M|王|子`, `DSS${BIRTH}|M|王|~轩`, `GID${MOTHER}`, `PHONE${PHONE}`]);
  });
  it("blocks homophone spellings together, and a name with one character mistyped still shares a block", () => {
    const keys = (name: string) =>
      new Set(
        blockingKeys(features(clinic("I1", name)))
          .filter((k) => k.kind === "DSS")
          .map((k) => k.key),
      );
    expect([...keys("王梓萱")].filter((k) => keys("王子轩").has(k))).toHaveLength(2);
    expect([...keys("王子涵")].filter((k) => keys("王子轩").has(k))).toHaveLength(1);
  });
  it("gives a placeholder-named record no name block: it is found by its guardians and identifiers", () => {
    expect(blockingKeys(features(clinic("I1", "王之子"))).map((k) => k.kind)).toEqual(["PHONE"]);
  });
  it("numbers the blocks so that two records share a number exactly when they share the key", () => {
    const records = [
      person("P1", "王子轩", ID_A),
      clinic("I1", "王梓萱"),
      clinic("I2", "王子涵"),
      clinic("I3", "王子轩", { sex: "F" }),
      clinic("I4", "王子轩", { birthDate: "2025-03-16" }),
      clinic("I5", "欧阳娜娜"),
      clinic("I6", "王轩"),
    ].map(features);
    // Every kind: ID numbers, guardians' ID numbers and phones are numbered too (codes.ts).
    const table = recordTableOf(records);
    const block = new BlockCodes(table);
    const keys = (f: (typeof records)[number]) => blockingKeys(f).map((k) => k.key);
    const codes = (i: number) => {
      const out: { kind: string; value: number }[] = [];
      block.each(i, (kind, value) => out.push({ kind: BLOCK_KINDS[kind]!, value }));
      return out;
    };
    expect(new Set(records.flatMap((r) => blockingKeys(r).map((k) => k.kind)))).toEqual(
      new Set(["ID", "DSS", "GID", "PHONE"]),
    );
    records.forEach((a, i) => {
      expect(codes(i).map((c) => c.kind)).toEqual(blockingKeys(a).map((k) => k.kind));
      expect(block.countOf(i)).toBeGreaterThanOrEqual(codes(i).length);
      records.forEach((b, j) => {
        for (const [x, key] of keys(a).entries()) {
          for (const [y, other] of keys(b).entries()) {
            const [p, q] = [codes(i)[x]!, codes(j)[y]!];
            expect(p.kind === q.kind && p.value === q.value).toBe(key === other);
          }
        }
      });
    });
  });
  it("skips a block over its cap whole, and reports it", () => {
    const pairsOf = (n: number) => {
      const pairs: [number, number][] = [];
      const { skipped } = eachCandidatePair(
        n,
        (_, emit) => emit(BLOCK_KINDS.indexOf("PHONE"), 13800000000),
        () => true,
        (a, b) => pairs.push([a, b]),
      );
      return { pairs, skipped };
    };
    expect(pairsOf(3)).toEqual({
      pairs: [
        [0, 1],
        [0, 2],
        [1, 2],
      ],
      skipped: [],
    });
    const n = BLOCK_CAPS.PHONE + 1;
    expect(pairsOf(n)).toEqual({ pairs: [], skipped: [{ kind: "PHONE", size: n }] });
  });
});

describe("score", () => {
  it("adds the field weights and decides by the two thresholds", () => {
    const score = scoreLevels({
      name: "EXACT",
      birthDate: "EXACT",
      sex: "AGREE",
      idNumber: "MISSING",
      guardianIdNumber: "MISSING",
      guardianPhone: "AGREE",
      region: "MISSING",
      familyRegion: "MISSING",
    });
    expect(score).toBe(24);
    expect(decide(score)).toBe("LINK");
    expect(decide(LINK_THRESHOLD - 1)).toBe("REVIEW");
    expect(decide(REVIEW_THRESHOLD - 1)).toBe("NEW_CHILD");
  });
  it("links a placeholder-named clinic record on birth date, sex and phone alone", () => {
    const levels = compare([features(clinic("I1", "王之子"))], [features(person("P1", "王子轩", ID_A))]);
    expect(levels.name).toBe("SAME_SURNAME");
    expect(decide(scoreLevels(levels))).toBe("LINK");
  });
  it("keeps siblings apart: same phone and guardians, other birth date and name", () => {
    const sibling = features(
      person("P2", "王静怡", makeIdNumber({ regionCode: "330106", birthDate: "2021-08-02", sequence: 12 }), {
        birthDate: "2021-08-02",
        sex: "F",
      }),
    );
    expect(decide(scoreLevels(compare([features(clinic("I1", "王子轩"))], [sibling])))).toBe("NEW_CHILD");
  });
});

describe("hard no-merge rules", () => {
  it("never merges two different valid ID numbers", () => {
    expect(whyApart(features(person("P1", "王子轩", ID_A)), features(person("P2", "王子轩", ID_B)))).toBe(
      "DIFFERENT_ID_NUMBERS",
    );
  });
  it("never merges twins: same birth date, same guardians, different birth certificates", () => {
    const a = features(
      sourceRecord({
        source: "health.birth_certificate",
        recordId: "B1",
        name: "王之子",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000001",
        guardianIdNumbers: [MOTHER],
      }),
    );
    const b = features(
      sourceRecord({
        source: "health.birth_certificate",
        recordId: "B2",
        name: "王之子",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000002",
        guardianIdNumbers: [MOTHER],
      }),
    );
    expect(whyApart(a, b)).toBe("TWINS");
  });
  it("never merges twins with different names, even without certificates", () => {
    expect(whyApart(features(clinic("I1", "王浩宇")), features(person("P1", "王静怡", ID_A)))).toBe("TWINS");
  });
  it("never merges two different birth certificate numbers", () => {
    const a = features(
      sourceRecord({
        source: "health.birth_certificate",
        recordId: "B1",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000001",
      }),
    );
    const b = features(
      sourceRecord({
        source: "insurance.enrollment",
        recordId: "E1",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000009",
      }),
    );
    expect(whyApart(a, b)).toBe("DIFFERENT_BIRTH_CERTIFICATES");
  });
  it("lets the same child merge", () => {
    expect(whyApart(features(clinic("I1", "王梓萱")), features(person("P1", "王子轩", ID_A)))).toBeNull();
  });
});

describe("clusterRecords", () => {
  it("links exactly on ID number and birth certificate, then probabilistically", () => {
    const records = [
      person("P1", "王子轩", ID_A),
      sourceRecord({
        source: "insurance.enrollment",
        recordId: "E1",
        name: "王子轩",
        sex: "M",
        birthDate: BIRTH,
        idNumber: ID_A,
        regionCodes: ["330100"],
      }),
      sourceRecord({
        source: "health.birth_certificate",
        recordId: "B1",
        name: "王之子",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000001",
        guardianIdNumbers: [MOTHER],
      }),
      sourceRecord({
        source: "insurance.enrollment",
        recordId: "E0",
        name: "王子轩",
        sex: "M",
        birthDate: BIRTH,
        birthCertificateNumber: "Z100000001",
      }),
      clinic("I1", "王梓萱"),
    ].map(features);
    const result = clusterRecords(records);
    expect(new Set(result.clusterOf)).toEqual(new Set([0]));
    expect(records.map((_, i) => ruleOf(result, i))).toEqual([
      "ID_NUMBER",
      "ID_NUMBER",
      "PROBABILISTIC",
      "PROBABILISTIC",
      "PROBABILISTIC",
    ]);
    expect(result.score[4]).toBeGreaterThanOrEqual(LINK_THRESHOLD);
  });

  it("does not trust a record whose birth date contradicts its ID number, but still links it on the evidence", () => {
    const records = [
      person("P1", "王子轩", ID_A),
      sourceRecord({
        source: "education.student",
        recordId: "S1",
        name: "王子轩",
        sex: "M",
        birthDate: "2025-03-16",
        idNumber: ID_A,
      }),
    ].map(features);
    const result = clusterRecords(records);
    expect(result.clusterOf[0]).toBe(result.clusterOf[1]);
    expect(ruleOf(result, 1)).toBe("PROBABILISTIC");
  });

  it("sends a placeholder-named record that fits two twins equally well to review, linking neither", () => {
    const records = [person("P1", "王浩宇", ID_A), person("P2", "王浩然", ID_B), clinic("I1", "王之子")].map(features);
    const result = clusterRecords(records);
    expect(new Set(result.clusterOf).size).toBe(3);
    expect(result.reviews).toHaveLength(1);
    expect(result.reviews[0]).toMatchObject({ record: 2, reason: "AMBIGUOUS" });
  });

  it("keeps pinned children apart when a person said they are different", () => {
    const records = [person("P1", "王子轩", ID_A), clinic("I1", "王子轩")].map(features);
    const apart = clusterRecords(records, { pinnedChild: [1, 2], cannotLink: [[1, 2]] });
    expect(apart.clusterOf[0]).not.toBe(apart.clusterOf[1]);
    const together = clusterRecords(records, { pinnedChild: [1, 2] });
    expect(together.clusterOf[0]).toBe(together.clusterOf[1]);
  });
});
