import { describe, expect, it } from "vitest";
import {
  birthDateOf,
  contractedDoctorOf,
  currentSchoolOf,
  deriveCoverageFacts,
  hukouRegionOf,
  needyCategoryOf,
  noLinkedRecords,
  residenceRegionOf,
  schoolYearOf,
  vaccinationRegionOf,
  validIdNumbersOf,
  type LinkedRecords,
} from "../../src/coverage/index.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";

const BIRTH = "2016-05-10";
const ID = makeIdNumber({ regionCode: "330106", birthDate: BIRTH, sequence: 123 });
const NON_LOCAL_ID = makeIdNumber({ regionCode: "340104", birthDate: BIRTH, sequence: 124 });
/** The same number with one digit changed: its check character no longer fits. */
const TYPO = `${ID.slice(0, 10)}${(Number(ID[10]) + 1) % 10}${ID.slice(11)}`;

function records(overrides: Partial<LinkedRecords> = {}): LinkedRecords {
  return { ...noLinkedRecords(), ...overrides };
}
const file = (siteRegionCode: string | null, lastDoseOn: string | null, recordId = "IM-1") => ({
  recordId,
  idNumber: null,
  birthDate: BIRTH,
  siteRegionCode,
  lastDoseOn,
});
const student = (overrides: Partial<LinkedRecords["students"][number]> = {}) => ({
  idNumber: ID,
  studentNumber: `G${ID}`,
  birthDate: BIRTH,
  schoolCode: "2330106101",
  schoolRegionCode: "330106",
  status: "ENROLLED",
  schoolYear: 2025,
  ...overrides,
});
const enrollment = (overrides: Partial<LinkedRecords["enrollments"][number]> = {}) => ({
  idNumber: ID,
  birthDate: BIRTH,
  coverageYear: 2026,
  areaCode: "330100",
  status: "ACTIVE" as const,
  enrolledOn: "2025-10-01",
  paidOn: "2025-10-02",
  payers: ["SELF" as const],
  contributionFen: 40_000,
  assistanceFen: 0,
  assistanceCategories: [],
  ...overrides,
});

describe("birthDateOf", () => {
  it("takes the date most records agree on", () => {
    const r = records({
      immunizations: [file("330106", null)].map((f) => ({ ...f, birthDate: "2016-10-05" })),
      students: [student(), student()],
    });
    expect(birthDateOf(r)).toBe(BIRTH);
  });

  it("breaks a tie toward the household registry over an immunization site", () => {
    const r = records({
      immunizations: [{ ...file("330106", null), birthDate: "2016-05-11" }],
      persons: [{ idNumber: ID, birthDate: BIRTH, hukouRegionCode: "330106", permitRegionCode: null }],
    });
    expect(birthDateOf(r)).toBe(BIRTH);
  });

  it("is null with no record at all", () => {
    expect(birthDateOf(records())).toBeNull();
    expect(deriveCoverageFacts(records(), "2026-06-30")).toBeNull();
  });
});

describe("validIdNumbersOf and hukouRegionOf", () => {
  it("counts a G student number as the ID number it contains, and a typo as none", () => {
    expect(validIdNumbersOf(records({ students: [student({ idNumber: TYPO })] }))).toEqual([ID]);
    expect(
      validIdNumbersOf(records({ students: [student({ idNumber: TYPO, studentNumber: "J330106201605109001" })] })),
    ).toEqual([]);
  });

  it("prefers the registry's hukou to the ID number's region", () => {
    const r = records({
      persons: [{ idNumber: NON_LOCAL_ID, birthDate: BIRTH, hukouRegionCode: "330106", permitRegionCode: null }],
    });
    expect(hukouRegionOf(r, validIdNumbersOf(r))).toBe("330106");
  });

  it("reads the hukou from the ID number when the registry has no record", () => {
    const r = records({ enrollments: [enrollment({ idNumber: NON_LOCAL_ID })] });
    expect(hukouRegionOf(r, validIdNumbersOf(r))).toBe("340104");
  });

  it("does not know the hukou of a child with neither", () => {
    const r = records({ birthCertificates: [{ birthDate: BIRTH, birthRegionCode: "330106" }] });
    expect(hukouRegionOf(r, validIdNumbersOf(r))).toBeNull();
  });
});

describe("currentSchoolOf", () => {
  it.each([
    ["2026-06-30", 2025],
    ["2026-08-31", 2025],
    ["2026-09-01", 2026],
    ["2025-12-31", 2025],
  ])("puts %s in the school year starting %i", (asOf, year) => {
    expect(schoolYearOf(asOf)).toBe(year);
  });

  it("takes the registration ENROLLED for this school year, not the one transferred out of", () => {
    const old = student({ schoolCode: "2330106102", status: "TRANSFERRED_OUT", schoolYear: 2024 });
    const now = student({ schoolCode: "2330212101", schoolRegionCode: "330212" });
    expect(currentSchoolOf([old, now], "2026-06-30")?.schoolCode).toBe("2330212101");
  });

  it("does not count last year's registration once the new school year starts", () => {
    expect(currentSchoolOf([student({ schoolYear: 2025 })], "2026-09-10")).toBeNull();
  });
});

describe("vaccinationRegionOf", () => {
  it("follows a mover to the file with the latest dose", () => {
    expect(vaccinationRegionOf([file("330212", "2021-09-01", "IM-2"), file("330106", "2020-03-01", "IM-1")])).toBe(
      "330212",
    );
    expect(vaccinationRegionOf([file("330106", "2020-03-01"), file("330212", null)])).toBe("330106");
  });

  it("takes the one file's site, with or without doses", () => {
    expect(vaccinationRegionOf([file("330106", null)])).toBe("330106");
  });

  it("does not guess between files in different regions that no dose tells apart", () => {
    expect(vaccinationRegionOf([file("330106", "2020-03-01"), file("330212", "2020-03-01")])).toBeNull();
    expect(vaccinationRegionOf([file("330106", null), file("330212", null)])).toBeNull();
    expect(vaccinationRegionOf([file("330106", null), file("330106", null)])).toBe("330106");
  });
});

describe("deriveCoverageFacts: residence", () => {
  const asOf = "2026-06-30";
  const person = { idNumber: ID, birthDate: BIRTH, hukouRegionCode: "330106", permitRegionCode: null };

  it("is the current school's region first", () => {
    const facts = deriveCoverageFacts(
      records({
        persons: [person],
        immunizations: [file("330282", "2017-01-01")],
        students: [student({ schoolRegionCode: "330212" })],
      }),
      asOf,
    )!;
    expect([facts.residenceRegionCode, facts.currentSchoolCode]).toEqual(["330212", "2330106101"]);
  });

  it("is the vaccination site's region without a current school", () => {
    const facts = deriveCoverageFacts(
      records({
        persons: [person],
        immunizations: [file("330282", "2017-01-01")],
        students: [student({ status: "GRADUATED", schoolYear: 2024 })],
      }),
      asOf,
    )!;
    expect([facts.residenceRegionCode, facts.currentSchoolCode]).toEqual(["330282", null]);
  });

  it("is the hukou region without either, and unknown when nothing places the child", () => {
    expect(deriveCoverageFacts(records({ persons: [person] }), asOf)!.residenceRegionCode).toBe("330106");
    expect(
      deriveCoverageFacts(records({ enrollments: [enrollment({ idNumber: null })] }), asOf)!.residenceRegionCode,
    ).toBeNull();
  });
});

describe("residenceRegionOf: the residence permit and the birth certificate (issue 19)", () => {
  const asOf = "2026-06-30";
  // A child from Guizhou (hukou 520102) living in Hangzhou's Xihu district on a residence permit.
  const GUIZHOU_ID = makeIdNumber({ regionCode: "520102", birthDate: "2022-03-01", sequence: 88 });
  const migrant = { idNumber: GUIZHOU_ID, birthDate: "2022-03-01", hukouRegionCode: "520102" };
  const NEWBORN = "2026-04-01";
  const certificate = (birthRegionCode: string | null, birthDate = NEWBORN) => ({ birthDate, birthRegionCode });

  it.each([
    ["a permit holder with nothing else: where the permit says, not the hukou", { permit: true }, "330106"],
    ["a permit holder at a school elsewhere: the school", { permit: true, school: "330212" }, "330212"],
    ["a permit holder with a vaccination file elsewhere: the permit", { permit: true, site: "330282" }, "330106"],
    ["no permit, no school, no file: the hukou", {}, "520102"],
  ])("places %s", (_, given: { permit?: boolean; school?: string; site?: string }, expected) => {
    const r = records({
      persons: [{ ...migrant, permitRegionCode: given.permit ? "330106" : null }],
      students: given.school ? [student({ idNumber: GUIZHOU_ID, schoolRegionCode: given.school })] : [],
      immunizations: given.site ? [file(given.site, "2023-03-01")] : [],
    });
    expect(residenceRegionOf(r, asOf)).toBe(expected);
    expect(deriveCoverageFacts(r, asOf)!.residenceRegionCode).toBe(expected);
  });

  it("places a newborn known only by its birth certificate at the certificate's place of birth", () => {
    expect(residenceRegionOf(records({ birthCertificates: [certificate("330782")] }), asOf)).toBe("330782");
  });

  it("prefers a newborn's vaccination file to its certificate, and its certificate to its hukou", () => {
    const id = makeIdNumber({ regionCode: "330106", birthDate: NEWBORN, sequence: 11 });
    const withHukou = {
      birthCertificates: [certificate("330782")],
      persons: [{ idNumber: id, birthDate: NEWBORN, hukouRegionCode: "330106", permitRegionCode: null }],
    };
    expect(residenceRegionOf(records(withHukou), asOf)).toBe("330782");
    expect(
      residenceRegionOf(
        records({ ...withHukou, immunizations: [{ ...file("330212", null), birthDate: NEWBORN }] }),
        asOf,
      ),
    ).toBe("330212");
  });

  it("places a child past its first year by its hukou before its certificate, by the certificate without one", () => {
    const born = "2023-02-01";
    const id = makeIdNumber({ regionCode: "330106", birthDate: born, sequence: 12 });
    const person = { idNumber: id, birthDate: born, hukouRegionCode: "330106", permitRegionCode: null };
    expect(
      residenceRegionOf(records({ birthCertificates: [certificate("330782", born)], persons: [person] }), asOf),
    ).toBe("330106");
    expect(residenceRegionOf(records({ birthCertificates: [certificate("330782", born)] }), asOf)).toBe("330782");
  });

  it("cannot place a child whose records name no place", () => {
    expect(residenceRegionOf(records({ birthCertificates: [certificate(null)] }), asOf)).toBeNull();
  });
});

describe("contractedDoctorOf", () => {
  const contract = {
    idNumber: ID,
    birthDate: BIRTH,
    doctorCode: "D1",
    status: "ACTIVE",
    signedOn: "2025-09-01",
    validUntil: "2026-09-01",
  };

  it("takes a contract in force on the date only", () => {
    expect(contractedDoctorOf([contract], "2026-06-30")).toBe("D1");
    expect(contractedDoctorOf([contract], "2026-09-02")).toBeNull();
    expect(contractedDoctorOf([contract], "2025-08-31")).toBeNull();
    expect(contractedDoctorOf([{ ...contract, status: "EXPIRED" }], "2026-06-30")).toBeNull();
  });
});

describe("needyCategoryOf", () => {
  const eligibility = {
    idNumber: ID,
    needyCategory: "MIN_LIVING" as const,
    validFrom: "2025-01-01",
    validUntil: "2026-03-31",
  };

  it("finds eligibility under one of the child's ID numbers, valid on the date", () => {
    const r = records({
      persons: [{ idNumber: ID, birthDate: BIRTH, hukouRegionCode: "330106", permitRegionCode: null }],
      assistance: [eligibility],
    });
    expect(needyCategoryOf(r, [ID], "2026-03-31")).toBe("MIN_LIVING");
    expect(needyCategoryOf(r, [ID], "2026-04-01")).toBeNull();
    expect(needyCategoryOf(r, [NON_LOCAL_ID], "2026-03-31")).toBeNull();
  });

  it("knows a newborn without an ID number is needy from the category medical assistance paid under", () => {
    const r = records({
      enrollments: [
        enrollment({
          idNumber: null,
          coverageYear: 2025,
          enrolledOn: "2025-11-01",
          paidOn: "2025-11-02",
          payers: ["MEDICAL_ASSISTANCE"],
          assistanceCategories: ["ORPHAN"],
        }),
      ],
    });
    expect(needyCategoryOf(r, [], "2026-06-30")).toBe("ORPHAN");
    expect(needyCategoryOf(r, [], "2027-01-01")).toBeNull(); // two coverage years on: no longer evidence
    expect(needyCategoryOf(r, [], "2025-11-01")).toBeNull(); // not paid yet on that day
  });
});
