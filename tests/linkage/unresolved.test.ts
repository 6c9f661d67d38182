import { describe, expect, it } from "vitest";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { clusterRecords, ruleOf, type ClusterResult } from "../../src/linkage/cluster.ts";
import { normaliseRecord } from "../../src/linkage/normalise.ts";
import type { SourceRecord } from "../../src/linkage/types.ts";
import { sourceRecord } from "./helpers.ts";

/*
 * Records the engine cannot link confidently do not make a new child that coverage would count
 * as uninsured: they are linked after a second look, put to a reviewer, or left unresolved
 * (src/linkage/cluster.ts, UnresolvedItem; second-look.ts).
 */

const BIRTH = "2026-03-01";
const MOTHER = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });
const FATHER = makeIdNumber({ regionCode: "330106", birthDate: "1993-02-11", sequence: 17 });

const certificate = (recordId: string, extra: Partial<SourceRecord> = {}) =>
  sourceRecord({
    source: "health.birth_certificate",
    recordId,
    name: "刘思涵",
    sex: "F",
    birthDate: BIRTH,
    birthCertificateNumber: `Y${recordId.replace(/\D/g, "").padStart(9, "0")}`,
    guardianIdNumbers: [MOTHER, FATHER],
    guardianPhones: ["13800001111"],
    regionCodes: ["330106"],
    ...extra,
  });
const clinic = (recordId: string, extra: Partial<SourceRecord> = {}) =>
  sourceRecord({
    source: "health.immunization_record",
    recordId,
    name: "刘之女",
    sex: "F",
    birthDate: BIRTH,
    guardianPhones: ["13922223333"],
    regionCodes: ["330106"],
    ...extra,
  });

function cluster(records: SourceRecord[]): ClusterResult & { together: (a: number, b: number) => boolean } {
  const result = clusterRecords(records.map(normaliseRecord));
  return { ...result, together: (a, b) => result.clusterOf[a] === result.clusterOf[b] };
}

/** The index of the record an unresolved item is about, and why, per unresolved child. */
const unresolvedOf = (result: ClusterResult) => result.unresolved.map((u) => ({ record: u.record, reason: u.reason }));

describe("a record that names no child", () => {
  it("is not a new child when it may be a known one: a clinic's 刘之女 born that day in that county", () => {
    // The clinic has the father's phone, the certificate the mother's: nothing but the birth
    // date, sex, county and surname agree.
    const result = cluster([certificate("BC-1"), clinic("IM-1")]);
    expect(result.together(0, 1)).toBe(false);
    expect(unresolvedOf(result)).toEqual([{ record: 1, reason: expect.stringMatching(/IN_REVIEW|POSSIBLE_MATCH/) }]);
  });

  it("is unresolved as a POSSIBLE_MATCH when not even a surname agrees (婴儿), and nothing says another child", () => {
    const result = cluster([certificate("BC-1", { name: null }), clinic("IM-1", { name: "婴儿" })]);
    expect(result.together(0, 1)).toBe(false);
    expect(unresolvedOf(result)).toEqual([{ record: 1, reason: "POSSIBLE_MATCH" }]);
    expect(result.reviews).toEqual([]);
  });

  it("is a child of its own when something says another child: another surname, or another sex", () => {
    expect(unresolvedOf(cluster([certificate("BC-1"), clinic("IM-1", { name: "王之女" })]))).toEqual([]);
    expect(unresolvedOf(cluster([certificate("BC-1"), clinic("IM-1", { sex: "M", name: "男婴" })]))).toEqual([]);
  });

  it("is unresolved as a POSSIBLE_MATCH when its birth date is a clerk's slip off, if its surname agrees", () => {
    const result = cluster([certificate("BC-1"), clinic("IM-1", { birthDate: "2026-03-02" })]);
    expect(result.together(0, 1)).toBe(false);
    expect(unresolvedOf(result)).toEqual([{ record: 1, reason: "POSSIBLE_MATCH" }]);
  });

  it("is a child of its own when its birth date is a day off and nothing else singles the child out (婴儿)", () => {
    const result = cluster([
      certificate("BC-1", { name: null }),
      clinic("IM-1", { name: "婴儿", birthDate: "2026-03-02" }),
    ]);
    expect(unresolvedOf(result)).toEqual([]);
  });

  it("is linked when a phone agrees too: birth date, sex and a guardian's phone are enough", () => {
    const result = cluster([certificate("BC-1"), clinic("IM-1", { guardianPhones: ["13800001111"] })]);
    expect(result.together(0, 1)).toBe(true);
    expect(result.unresolved).toEqual([]);
  });
});

describe("a newborn known only by its birth certificate", () => {
  it("is a child of its own, never unresolved, however many children were born that day in that county", () => {
    const other = (n: number) =>
      sourceRecord({
        source: "household.person",
        recordId: `HP-${n}`,
        name: `陈${"一二三四五"[n]}`,
        sex: "F",
        birthDate: BIRTH,
        idNumber: makeIdNumber({ regionCode: "330106", birthDate: BIRTH, sequence: 2 * n + 40 }),
        guardianIdNumbers: [makeIdNumber({ regionCode: "330106", birthDate: "1990-01-01", sequence: 2 * n + 60 })],
        regionCodes: ["330106"],
      });
    const result = cluster([certificate("BC-1", { name: "刘之女" }), other(0), other(1), other(2)]);
    expect(result.clusterCount).toBe(4);
    expect(result.unresolved).toEqual([]);
  });

  it("is unresolved as a POSSIBLE_MATCH when a parent it names is the guardian of a clinic's file of that day", () => {
    // The hospital wrote the parents, the clinic the child's name and the father who brought
    // it: no identifier in common, and no phone on the certificate.
    const records = (fatherAtClinic: string) => [
      certificate("BC-1", { name: null, guardianPhones: [], guardianNames: ["李娜", "刘建国"] }),
      clinic("IM-1", { name: "刘思涵", guardianNames: [fatherAtClinic] }),
    ];
    const result = cluster(records(" 刘 建国"));
    expect(result.together(0, 1)).toBe(false);
    expect(unresolvedOf(result)).toEqual([{ record: 0, reason: "POSSIBLE_MATCH" }]);
    // Another guardian: one of the newborns born that day, a child of its own.
    expect(unresolvedOf(cluster(records("王建军")))).toEqual([]);
  });
});

describe("the second look", () => {
  it("links a non-local child's birth certificate to its ID number: the ID begins with a parent's region", () => {
    // No household record: the school and insurance hold the ID number, nobody the parents'.
    const mother = makeIdNumber({ regionCode: "341204", birthDate: "1992-05-01", sequence: 44 });
    const child = makeIdNumber({ regionCode: "341204", birthDate: "2015-04-08", sequence: 17 }); // a boy
    const result = cluster([
      certificate("BC-1", {
        name: null,
        sex: "M",
        birthDate: "2015-04-08",
        guardianIdNumbers: [mother],
        guardianPhones: [],
        regionCodes: ["330502"],
      }),
      sourceRecord({
        source: "education.student",
        recordId: "ST-1",
        name: "肖佑昕",
        sex: "M",
        birthDate: "2015-04-08",
        idNumber: child,
        studentNumber: `G${child}`,
        guardianPhones: ["19449348908"],
        regionCodes: ["330502"],
      }),
    ]);
    expect(result.together(0, 1)).toBe(true);
    expect(ruleOf(result, 0)).toBe("PROBABILISTIC");
    expect(result.stats.secondLookGroups).toBe(1);
  });

  it("puts a clinic's file with a slip in the birth date before a reviewer, not into a new child", () => {
    const id = makeIdNumber({ regionCode: "330106", birthDate: "2014-03-23", sequence: 31 });
    const result = cluster([
      sourceRecord({
        source: "education.student",
        recordId: "ST-1",
        name: "李鹏朗",
        sex: "M",
        birthDate: "2014-03-23",
        idNumber: id,
        regionCodes: ["330203"],
      }),
      clinic("IM-1", { name: "李鹏朗", sex: "M", birthDate: "2014-03-22", regionCodes: ["330203"] }),
    ]);
    // Name, a birth date one day off, sex and county: enough to link.
    expect(result.together(0, 1)).toBe(true);
  });
});
