import { describe, expect, it } from "vitest";
import {
  assessCoverage,
  coordinationAreaOf,
  type CoverageFacts,
  type CoveragePolicy,
  type EnrollmentFact,
} from "../../src/coverage/index.ts";

const policy: CoveragePolicy = {
  provinceCode: "330000",
  newbornWindowDays: 90,
  areaCodes: new Set(["330100", "330200", "340100"]),
};

function child(overrides: Partial<CoverageFacts> = {}): CoverageFacts {
  return {
    birthDate: "2016-05-10",
    hasIdNumber: true,
    hukouRegionCode: "330106",
    residenceRegionCode: "330106",
    currentSchoolCode: "2330106101",
    contractedDoctorCode: null,
    needyCategory: null,
    enrollments: [],
    ...overrides,
  };
}

function paid(coverageYear: number, areaCode = "330100", overrides: Partial<EnrollmentFact> = {}): EnrollmentFact {
  return {
    coverageYear,
    areaCode,
    status: "ACTIVE",
    enrolledOn: `${coverageYear - 1}-10-01`,
    paidOn: `${coverageYear - 1}-10-02`,
    payers: ["SELF"],
    ...overrides,
  };
}

describe("assessCoverage: newborn windows", () => {
  const newborn = (birthDate: string, enrollments: EnrollmentFact[] = []) =>
    child({ birthDate, hasIdNumber: false, currentSchoolCode: null, enrollments });

  it.each([
    // birth date, as of, status, deadline, days left
    ["2026-04-01", "2026-04-01", "NEWBORN_IN_WINDOW", "2026-06-30", 90],
    ["2026-04-01", "2026-06-30", "NEWBORN_IN_WINDOW", "2026-06-30", 0], // day 90: still in the window
    ["2026-04-01", "2026-07-01", "NEWBORN_OVERDUE", "2026-06-30", -1], // day 91
    ["2024-02-29", "2024-05-29", "NEWBORN_IN_WINDOW", "2024-05-29", 0], // leap day birth, day 90
    ["2024-02-29", "2024-05-30", "NEWBORN_OVERDUE", "2024-05-29", -1],
    ["2025-12-31", "2026-03-31", "NEWBORN_IN_WINDOW", "2026-03-31", 0], // window across the year end
    ["2025-07-01", "2026-06-30", "NEWBORN_OVERDUE", "2025-09-29", -274], // last day of the first year
  ])("born %s, as of %s: %s, deadline %s, %i days left", (birthDate, asOf, status, deadline, daysLeft) => {
    const result = assessCoverage(newborn(birthDate), asOf, policy)!;
    expect([result.status, result.deadline, result.daysLeft]).toEqual([status, deadline, daysLeft]);
    expect(result.waitingPeriodMonths).toBe(0); // newborns never wait
  });

  it("is UNINSURED, not a newborn, from the first birthday", () => {
    expect(assessCoverage(newborn("2025-07-01"), "2026-07-01", policy)!.status).toBe("UNINSURED");
  });

  it("uses a province's longer window (180 days)", () => {
    const result = assessCoverage(newborn("2026-01-01"), "2026-04-10", { ...policy, newbornWindowDays: 180 })!;
    expect([result.status, result.deadline]).toEqual(["NEWBORN_IN_WINDOW", "2026-06-30"]);
  });

  it.each([
    ["2026-01-01", "2026-06-30"],
    ["2024-02-29", "2024-08-27"],
  ])("gives the 180-day code window of a child born %s as ending %s", (birthDate, ends) => {
    expect(assessCoverage(newborn(birthDate), birthDate, policy)!.codeWindowEndsOn).toBe(ends);
  });

  it("insures a newborn paid within the window for the year of birth", () => {
    const e: EnrollmentFact = {
      coverageYear: 2026,
      areaCode: "330100",
      status: "ACTIVE",
      enrolledOn: "2026-05-20",
      paidOn: "2026-05-21",
      payers: ["SELF"],
    };
    expect(assessCoverage(newborn("2026-04-01", [e]), "2026-06-01", policy)!.status).toBe("INSURED");
  });
});

describe("assessCoverage: years and dates", () => {
  it("is INSURED on 31 December and LAPSED on 1 January without a new enrollment", () => {
    const facts = child({ enrollments: [paid(2025), paid(2026)] });
    expect(assessCoverage(facts, "2026-12-31", policy)!.status).toBe("INSURED");
    const nextYear = assessCoverage(facts, "2027-01-01", policy)!;
    expect([nextYear.status, nextYear.coverageYear, nextYear.waitingPeriodMonths]).toEqual(["LAPSED", 2027, 4]);
  });

  it("sees the past as it was: a later enrollment did not exist, a later payment was not made", () => {
    const late: EnrollmentFact = {
      coverageYear: 2026,
      areaCode: "330100",
      status: "ACTIVE",
      enrolledOn: "2026-03-01",
      paidOn: "2026-04-01",
      payers: ["SELF"],
    };
    expect(assessCoverage(child({ enrollments: [late] }), "2026-02-28", policy)!.status).toBe("UNINSURED");
    const unpaidThen = assessCoverage(child({ enrollments: [paid(2025), late] }), "2026-03-15", policy)!;
    expect([unpaidThen.status, unpaidThen.reasons]).toEqual(["LAPSED", ["UNPAID_ENROLLMENT"]]);
    expect(assessCoverage(child({ enrollments: [late] }), "2026-04-01", policy)!.status).toBe("INSURED");
  });

  it.each([
    ["2008-07-01", "2026-06-30", true],
    ["2008-07-01", "2026-07-01", false], // the 18th birthday: no longer a child
    ["2026-07-01", "2026-06-30", false], // not yet born
  ])("born %s, as of %s: a child? %s", (birthDate, asOf, isChild) => {
    expect(assessCoverage(child({ birthDate, currentSchoolCode: null }), asOf, policy) !== null).toBe(isChild);
  });

  it.each([
    // last paid year (null: never), as of, months to wait
    [null, "2026-06-30", 14], // born 2016, 2016–2026 missed: 3 + 11
    [2023, "2026-06-30", 6], // 2024–2026 missed: 3 + 3
    [2025, "2026-06-30", 4], // 2026 missed: 3 + 1
  ])("makes a child last paid for %s, as of %s, wait %i months", (lastPaid, asOf, months) => {
    const enrollments = lastPaid === null ? [] : [paid(lastPaid)];
    expect(assessCoverage(child({ enrollments }), asOf as string, policy)!.waitingPeriodMonths).toBe(months);
  });
});

describe("assessCoverage: statuses", () => {
  it.each([
    ["one paid enrollment", [paid(2026)], "INSURED"],
    ["two records in the same area", [paid(2026), paid(2026, "330100", { enrolledOn: "2025-11-01" })], "INSURED"],
    ["paid in two areas", [paid(2026), paid(2026, "340100")], "DUPLICATE"],
    [
      "a terminated enrollment beside an active one",
      [paid(2026, "330200", { status: "TERMINATED" }), paid(2026)],
      "INSURED",
    ],
    [
      "only a terminated enrollment this year, one paid last year",
      [paid(2025), paid(2026, "330200", { status: "TERMINATED" })],
      "LAPSED",
    ],
    ["enrolled this year but unpaid, never paid before", [paid(2026, "330100", { paidOn: null })], "UNINSURED"],
    ["nothing ever", [], "UNINSURED"],
  ] as const)("%s → %s", (_, enrollments, status) => {
    expect(assessCoverage(child({ enrollments: [...enrollments] }), "2026-06-30", policy)!.status).toBe(status);
  });
});

describe("assessCoverage: reasons and who acts", () => {
  const asOf = "2026-06-30";

  it("names the non-local hukou and an enrollment in another area than residence", () => {
    const result = assessCoverage(
      child({ hukouRegionCode: "341122", enrollments: [paid(2026, "340100")] }),
      asOf,
      policy,
    )!;
    expect(result.reasons).toEqual(["NON_LOCAL_HUKOU", "ENROLLED_OUTSIDE_RESIDENCE"]);
    expect(result.responsible).toBeNull(); // insured where the hukou is: allowed, nothing to do
  });

  it("flags a needy child whose contribution medical assistance did not pay, even when insured", () => {
    const self = assessCoverage(child({ needyCategory: "MIN_LIVING", enrollments: [paid(2026)] }), asOf, policy)!;
    expect(self.reasons).toEqual(["NEEDY_WITHOUT_SUBSIDY"]);
    expect(self.responsible?.actor).toBe("INSURANCE_OFFICE");
    const subsidised = assessCoverage(
      child({
        needyCategory: "MIN_LIVING",
        enrollments: [paid(2026, "330100", { payers: ["MEDICAL_ASSISTANCE", "SELF"] })],
      }),
      asOf,
      policy,
    )!;
    expect(subsidised.reasons).toEqual([]);
  });

  it.each([
    ["2021-01-01", false], // 5
    ["2020-06-30", true], // 6 on the day
    ["2011-01-01", true], // 15
    ["2010-06-30", false], // 16
  ])("born %s, no school record: NO_SCHOOL_RECORD %s", (birthDate, flagged) => {
    const result = assessCoverage(
      child({ birthDate, currentSchoolCode: null, enrollments: [paid(2026)] }),
      asOf,
      policy,
    )!;
    expect(result.reasons.includes("NO_SCHOOL_RECORD")).toBe(flagged);
  });

  it("hands a child without an ID number to household registration first", () => {
    const result = assessCoverage(child({ hasIdNumber: false }), asOf, policy)!;
    expect(result.reasons).toContain("NO_ID_NUMBER");
    expect(result.responsible?.actor).toBe("HOUSEHOLD_REGISTRATION");
  });

  it(
    "gives an uninsured student to the school, else the family doctor, " + "else the insurance office of the residence",
    () => {
      expect(assessCoverage(child(), asOf, policy)!.responsible).toMatchObject({ actor: "SCHOOL", code: "2330106101" });
      expect(
        assessCoverage(
          child({ currentSchoolCode: null, birthDate: "2022-01-01", contractedDoctorCode: "D3301060001" }),
          asOf,
          policy,
        )!.responsible,
      ).toMatchObject({
        actor: "FAMILY_DOCTOR",
        code: "D3301060001",
      });
      expect(
        assessCoverage(child({ currentSchoolCode: null, birthDate: "2022-01-01" }), asOf, policy)!.responsible,
      ).toMatchObject({ actor: "INSURANCE_OFFICE", code: "330100" });
    },
  );

  it("asks the insurance office to cancel one of two enrollments, naming both areas", () => {
    const result = assessCoverage(child({ enrollments: [paid(2026), paid(2026, "340100")] }), asOf, policy)!;
    expect(result.responsible?.actor).toBe("INSURANCE_OFFICE");
    expect(result.responsible?.action).toMatch(/330100 and 340100/);
  });
});

describe("coordinationAreaOf", () => {
  it.each([
    ["330106", "330100"],
    ["330200", "330200"],
    ["341122", "340000"], // no area known for the prefecture: the province
  ])("puts %s in area %s", (region, area) => {
    expect(coordinationAreaOf(region, policy.areaCodes)).toBe(area);
  });
});
