import { describe, expect, it } from "vitest";
import {
  isMobilePhone,
  makeStudentNumberG,
  makeStudentNumberL,
  parseBirthCertificateNumber,
  parseStudentNumber,
  type IdentifierProblem,
} from "../../src/domain/identifiers.ts";

describe("parseBirthCertificateNumber", () => {
  it.each([
    ["P330123456", "P330123456"],
    ["p330123456", "P330123456"],
    [" Q000000001 ", "Q000000001"],
    ["Ｒ１２３４５６７８９", "R123456789"],
  ])("accepts %j as %s", (input, expected) => {
    expect(parseBirthCertificateNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["P33012345", "length", "birth certificate number must be 10 characters (a letter and 9 digits), but got 9"],
    ["P3301234567", "length", "birth certificate number must be 10 characters (a letter and 9 digits), but got 11"],
    [
      "3301234567",
      "characters",
      'birth certificate number must be a letter followed by 9 digits, but got "3301234567"',
    ],
    [
      "PP30123456",
      "characters",
      'birth certificate number must be a letter followed by 9 digits, but got "PP30123456"',
    ],
    [
      "P33012345X",
      "characters",
      'birth certificate number must be a letter followed by 9 digits, but got "P33012345X"',
    ],
  ] as Array<[string, IdentifierProblem["part"], string]>)("rejects %j", (input, part, message) => {
    expect(parseBirthCertificateNumber(input)).toEqual({ ok: false, problem: { part, message } });
  });
});

describe("parseStudentNumber", () => {
  it.each([
    ["G11010519491231002X", { kind: "G", idNumber: "11010519491231002X" }],
    ["g11010519491231002x", { kind: "G", idNumber: "11010519491231002X" }],
    ["J11010519491231002X", { kind: "J", code: "11010519491231002X" }],
    // A J code is ID-shaped but carries no check character we can rely on.
    ["J110105194912310021", { kind: "J", code: "110105194912310021" }],
    ["L330106201903150001", { kind: "L", areaCode: "330106", birthDate: "2019-03-15", serial: "0001" }],
    ["L330103202402299999", { kind: "L", areaCode: "330103", birthDate: "2024-02-29", serial: "9999" }],
  ])("reads %s", (input, expected) => {
    expect(parseStudentNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["G11010519491231002", "length", "student number must be 19 characters (G, J or L and 18 more), but got 18"],
    ["11010519491231002X", "length", "student number must be 19 characters (G, J or L and 18 more), but got 18"],
    ["X11010519491231002X", "prefix", 'student number must start with G, J or L, but got "X"'],
    [
      "G110105194912310021",
      "idNumber",
      "student number G must be followed by a valid resident ID number: " +
        'resident ID number must end in its MOD 11-2 check character "X", but got "1"',
    ],
    [
      "J1101051949123100X2",
      "characters",
      'student number J must be followed by 17 digits and a digit or X, but got "1101051949123100X2"',
    ],
    [
      "L33010620190315000X",
      "characters",
      'student number L must be followed by 18 digits (area code, birth date, serial), but got "33010620190315000X"',
    ],
    [
      "L990106201903150001",
      "areaCode",
      'student number L must have an area code starting with a province-level code, but got "990106"',
    ],
    [
      "L330106201902300001",
      "birthDate",
      'student number L must have a real calendar date after its area code, but got "20190230"',
    ],
    [
      "L330106202302290001",
      "birthDate",
      'student number L must have a real calendar date after its area code, but got "20230229"',
    ],
  ] as Array<[string, IdentifierProblem["part"], string]>)("rejects %s: %s", (input, part, message) => {
    expect(parseStudentNumber(input)).toEqual({ ok: false, problem: { part, message } });
  });

  it("checks birth dates against the as-of date for both G and L numbers", () => {
    expect(parseStudentNumber("L330106201903150001", { asOf: "2019-03-14" })).toEqual({
      ok: false,
      problem: {
        part: "birthDate",
        message: "student number L must have a birth date on or before 2019-03-14, but got 2019-03-15",
      },
    });
    const g = parseStudentNumber("G330106201903150001", { asOf: "2019-03-14" });
    expect(g.ok || g.problem.part).toBe("idNumber");
  });
});

describe("making student numbers", () => {
  it("makes a G number from an ID number, normalising it", () => {
    expect(makeStudentNumberG(" 11010519491231002x")).toBe("G11010519491231002X");
  });

  it("refuses a G number for an invalid ID number", () => {
    expect(() => makeStudentNumberG("110105194912310021")).toThrow(
      /valid resident ID number: .*check character "X", but got "1"/,
    );
  });

  it.each([
    [{ areaCode: "330106", birthDate: "2019-03-15", serial: 1 }, "L330106201903150001"],
    [{ areaCode: "520102", birthDate: "2016-12-31", serial: 9999 }, "L520102201612319999"],
  ])("makes an L number from %o", (p, expected) => {
    expect(makeStudentNumberL(p)).toBe(expected);
    expect(parseStudentNumber(expected)).toEqual({
      ok: true,
      value: { kind: "L", areaCode: p.areaCode, birthDate: p.birthDate, serial: expected.slice(-4) },
    });
  });

  it.each([
    [
      { areaCode: "330106", birthDate: "2019-03-15", serial: 10_000 },
      "serial must be a whole number from 0 to 9999, but got 10000",
    ],
    [
      { areaCode: "990106", birthDate: "2019-03-15", serial: 1 },
      /area code starting with a province-level code, but got "990106"/,
    ],
    [
      { areaCode: "330106", birthDate: "2019-02-30", serial: 1 },
      /real calendar date after its area code, but got "20190230"/,
    ],
    [{ areaCode: "33010", birthDate: "2019-03-15", serial: 1 }, /student number must be 19 characters/],
  ])("refuses %o", (p, message) => {
    expect(() => makeStudentNumberL(p)).toThrow(message);
  });
});

describe("isMobilePhone", () => {
  it.each([
    ["13800001234", true],
    ["19912345678", true],
    [" 15012345678 ", true],
    ["12800001234", false],
    ["10800001234", false],
    ["1380000123", false],
    ["138000012345", false],
    ["+8613800001234", false],
    ["138-0000-1234", false],
    ["02112345678", false],
  ])("%j: %s", (s, expected) => {
    expect(isMobilePhone(s)).toBe(expected);
  });
});
