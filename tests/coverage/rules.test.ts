import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessCoverage,
  coordinationAreaOf,
  PolicySettings,
  type CoverageFacts,
  type CoveragePolicy,
  type EnrollmentFact,
} from "../../src/coverage/index.ts";
import type { PolicySettingRow } from "../../src/domain/policy-settings.ts";

const policy: CoveragePolicy = {
  provinceCode: "330000",
  areaCodes: new Set(["330100", "330200", "340100"]),
  settings: new PolicySettings("330000"),
};

/** The policy with these settings made by the province (rows of hub.policy_settings). */
function withSettings(...rows: PolicySettingRow[]): CoveragePolicy {
  return { ...policy, settings: new PolicySettings("330000", rows) };
}

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

/** A paid enrollment for the year, made and paid in the collection period before it, 400 yuan by the family. */
function paid(coverageYear: number, areaCode = "330100", overrides: Partial<EnrollmentFact> = {}): EnrollmentFact {
  return {
    coverageYear,
    areaCode,
    status: "ACTIVE",
    enrolledOn: `${coverageYear - 1}-10-01`,
    paidOn: `${coverageYear - 1}-10-02`,
    payers: ["SELF"],
    contributionFen: 40_000,
    assistanceFen: 0,
    ...overrides,
  };
}

/** 400 yuan, of which medical assistance paid `assistanceFen`. */
const assisted = (coverageYear: number, assistanceFen: number) =>
  paid(coverageYear, "330100", {
    payers: assistanceFen < 40_000 ? ["MEDICAL_ASSISTANCE", "SELF"] : ["MEDICAL_ASSISTANCE"],
    assistanceFen,
  });

describe("assessCoverage: newborn windows", () => {
  const newborn = (birthDate: string, enrollments: EnrollmentFact[] = []) =>
    child({ birthDate, hasIdNumber: false, hukouRegionCode: null, currentSchoolCode: null, enrollments });

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
    expect(result.reasons).toEqual(["NEVER_ENROLLED", "NEWBORN_NOT_REGISTERED"]);
    expect(result.waitingPeriodMonths).toBe(0); // newborns never wait
  });

  it("is UNINSURED, not a newborn, from the first birthday", () => {
    expect(assessCoverage(newborn("2025-07-01"), "2026-07-01", policy)!.status).toBe("UNINSURED");
  });

  describe("in a province with a 180-day window", () => {
    const longWindow = withSettings({
      key: "NEWBORN_WINDOW_DAYS",
      regionCode: "330000",
      effectiveFrom: "2026-01-01",
      value: { days: 180 },
    });

    it("keeps a newborn of 120 days NEWBORN_IN_WINDOW, deadline birth + 180", () => {
      const result = assessCoverage(newborn("2026-01-01"), "2026-05-01", longWindow)!;
      expect([result.status, result.deadline, result.daysLeft]).toEqual(["NEWBORN_IN_WINDOW", "2026-06-30", 60]);
      expect(assessCoverage(newborn("2026-01-01"), "2026-05-01", policy)!.status).toBe("NEWBORN_OVERDUE");
    });

    it("gives a child born before the setting took effect the window of its birth date (90)", () => {
      expect(assessCoverage(newborn("2025-12-15"), "2026-04-20", longWindow)!.status).toBe("NEWBORN_OVERDUE");
    });

    it("counts a newborn enrolled on day 150 as insured within the window", () => {
      const e = paid(2026, "330100", { enrolledOn: "2026-05-31", paidOn: "2026-05-31" });
      expect(assessCoverage(newborn("2026-01-01", [e]), "2026-06-30", longWindow)!.status).toBe("INSURED");
    });
  });

  it.each([
    ["2026-01-01", "2026-06-30"],
    ["2024-02-29", "2024-08-27"],
  ])("gives the 180-day code window of a child born %s as ending %s", (birthDate, ends) => {
    expect(assessCoverage(newborn(birthDate), birthDate, policy)!.codeWindowEndsOn).toBe(ends);
  });

  it("insures a newborn paid within the window for the year of birth", () => {
    const e = paid(2026, "330100", { enrolledOn: "2026-05-20", paidOn: "2026-05-21" });
    expect(assessCoverage(newborn("2026-04-01", [e]), "2026-06-01", policy)!.status).toBe("INSURED");
  });
});

describe("assessCoverage: years and dates", () => {
  it("is INSURED on 31 December and LAPSED (not renewed) on 1 January without a new enrollment", () => {
    const facts = child({ enrollments: [paid(2025), paid(2026)] });
    expect(assessCoverage(facts, "2026-12-31", policy)!.status).toBe("INSURED");
    const nextYear = assessCoverage(facts, "2027-01-01", policy)!;
    expect([nextYear.status, nextYear.coverageYear, nextYear.reasons]).toEqual(["LAPSED", 2027, ["NOT_RENEWED"]]);
  });

  it("sees the past as it was: a later enrollment did not exist, a later payment was not made", () => {
    const late = paid(2026, "330100", { enrolledOn: "2026-03-01", paidOn: "2026-04-01" });
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

describe("assessCoverage: every gap's reasons, and who acts (issue 19's taxonomy)", () => {
  const asOf = "2026-06-30";
  const noSchool = { currentSchoolCode: null, birthDate: "2022-01-01" };

  it.each<[string, Partial<CoverageFacts>, string, string[], string | null]>([
    // case, facts, status, reasons, responsible actor
    ["never enrolled, at school", {}, "UNINSURED", ["NEVER_ENROLLED"], "SCHOOL"],
    ["insured last year, not this one", { enrollments: [paid(2025)] }, "LAPSED", ["NOT_RENEWED"], "SCHOOL"],
    [
      "insured last year, this year's enrollment unpaid",
      { enrollments: [paid(2025), paid(2026, "330100", { paidOn: null })] },
      "LAPSED",
      ["UNPAID_ENROLLMENT"],
      "SCHOOL",
    ],
    [
      "this year's only enrollment terminated",
      { enrollments: [paid(2025), paid(2026, "330100", { status: "TERMINATED" })] },
      "LAPSED",
      ["ENROLLMENT_ENDED"],
      "INSURANCE_OFFICE",
    ],
    [
      "insured in two areas",
      { enrollments: [paid(2026), paid(2026, "330200")] },
      "DUPLICATE",
      ["DUPLICATE_ENROLLMENT", "ENROLLED_OUTSIDE_RESIDENCE"],
      "INSURANCE_OFFICE",
    ],
    [
      "needy (低保), never enrolled",
      { needyCategory: "MIN_LIVING" },
      "UNINSURED",
      ["NEVER_ENROLLED", "NEEDY_WITHOUT_SUBSIDY"],
      "MEDICAL_ASSISTANCE",
    ],
    [
      "needy (低保), insured by the family",
      { needyCategory: "MIN_LIVING", enrollments: [paid(2026)] },
      "INSURED",
      ["NEEDY_WITHOUT_SUBSIDY"],
      "MEDICAL_ASSISTANCE",
    ],
    [
      "低保, 200 yuan subsidised",
      { needyCategory: "MIN_LIVING", enrollments: [assisted(2026, 20_000)] },
      "INSURED",
      [],
      null,
    ],
    [
      "低保, 100 yuan subsidised",
      { needyCategory: "MIN_LIVING", enrollments: [assisted(2026, 10_000)] },
      "INSURED",
      ["SUBSIDY_BELOW_SETTING"],
      "MEDICAL_ASSISTANCE",
    ],
    [
      "特困, all 400 yuan subsidised",
      { needyCategory: "EXTREMELY_POOR", enrollments: [assisted(2026, 40_000)] },
      "INSURED",
      [],
      null,
    ],
    [
      "特困, 200 of 400 yuan subsidised",
      { needyCategory: "EXTREMELY_POOR", enrollments: [assisted(2026, 20_000)] },
      "INSURED",
      ["SUBSIDY_BELOW_SETTING"],
      "MEDICAL_ASSISTANCE",
    ],
    [
      "five years old, no ID number",
      { ...noSchool, hasIdNumber: false },
      "UNINSURED",
      ["NEVER_ENROLLED", "NO_ID_NUMBER"],
      "HOUSEHOLD_REGISTRATION",
    ],
    [
      "a newborn known only by its certificate",
      { birthDate: "2026-05-01", hasIdNumber: false, hukouRegionCode: null, currentSchoolCode: null },
      "NEWBORN_IN_WINDOW",
      ["NEVER_ENROLLED", "NEWBORN_NOT_REGISTERED"],
      "INSURANCE_OFFICE",
    ],
    [
      "non-local, insured where the hukou is (another province)",
      { hukouRegionCode: "341122", enrollments: [paid(2026, "340100")] },
      "INSURED",
      ["NON_LOCAL_HUKOU", "ENROLLED_OUT_OF_PROVINCE"],
      null,
    ],
    [
      "non-local, never enrolled",
      { hukouRegionCode: "520102" },
      "UNINSURED",
      ["NEVER_ENROLLED", "NON_LOCAL_HUKOU"],
      "SCHOOL",
    ],
    [
      "insured in another area of the province",
      { enrollments: [paid(2026, "330200")] },
      "INSURED",
      ["ENROLLED_OUTSIDE_RESIDENCE"],
      null,
    ],
    [
      "insured, aged 10, no school",
      { currentSchoolCode: null, enrollments: [paid(2026)] },
      "INSURED",
      ["NO_SCHOOL_RECORD"],
      null,
    ],
  ])("%s", (_, facts, status, reasons, actor) => {
    const result = assessCoverage(child(facts), asOf, policy)!;
    expect([result.status, result.reasons, result.responsible?.actor ?? null]).toEqual([status, reasons, actor]);
  });

  it("routes an uninsured needy child to medical assistance, naming the category and what it owes", () => {
    const result = assessCoverage(child({ needyCategory: "MIN_LIVING" }), asOf, policy)!;
    expect(result.responsible).toEqual({
      actor: "MEDICAL_ASSISTANCE",
      code: "330100",
      action: "enroll the MIN_LIVING (低保) child and pay 200 yuan of the contribution from medical assistance",
    });
  });

  it("checks the subsidy against the province's setting for the category", () => {
    const higher = withSettings({
      key: "NEEDY_SUBSIDY_MIN_LIVING",
      regionCode: "330000",
      effectiveFrom: "2026-01-01",
      value: { kind: "FIXED", amountFen: 30_000 },
    });
    const facts = child({ needyCategory: "MIN_LIVING", enrollments: [assisted(2026, 20_000)] });
    expect(assessCoverage(facts, asOf, higher)!.reasons).toEqual(["SUBSIDY_BELOW_SETTING"]);
    expect(assessCoverage(facts, "2025-12-31", higher)!.reasons).not.toContain("SUBSIDY_BELOW_SETTING");
    const none = withSettings({
      key: "NEEDY_SUBSIDY_DISABLED",
      regionCode: "330000",
      effectiveFrom: "2020-01-01",
      value: { kind: "NONE", amountFen: null },
    });
    expect(
      assessCoverage(child({ needyCategory: "DISABLED", enrollments: [paid(2026)] }), asOf, none)!.reasons,
    ).toEqual([]);
  });

  it("gives an uninsured student to the school, else the family doctor, else the residence's insurance office", () => {
    expect(assessCoverage(child(), asOf, policy)!.responsible).toMatchObject({ actor: "SCHOOL", code: "2330106101" });
    expect(
      assessCoverage(child({ ...noSchool, contractedDoctorCode: "D3301060001" }), asOf, policy)!.responsible,
    ).toMatchObject({ actor: "FAMILY_DOCTOR", code: "D3301060001" });
    expect(assessCoverage(child(noSchool), asOf, policy)!.responsible).toMatchObject({
      actor: "INSURANCE_OFFICE",
      code: "330100",
    });
  });

  it("tells a newborn's family to enroll on the birth certificate, by the deadline", () => {
    const result = assessCoverage(
      child({ birthDate: "2026-05-01", hasIdNumber: false, hukouRegionCode: null, currentSchoolCode: null }),
      asOf,
      policy,
    )!;
    expect(result.responsible?.action).toBe(
      "enroll and pay by 2026-07-30 to be covered from birth; on the birth medical certificate, no ID number needed",
    );
  });

  it("asks the insurance office to cancel one of two enrollments, naming both areas", () => {
    const result = assessCoverage(child({ enrollments: [paid(2026), paid(2026, "340100")] }), asOf, policy)!;
    expect(result.responsible?.actor).toBe("INSURANCE_OFFICE");
    expect(result.responsible?.action).toMatch(/330100 and 340100/);
  });
});

describe("assessCoverage: properties of every assessment", () => {
  const CAUSES = ["DUPLICATE_ENROLLMENT", "NEVER_ENROLLED", "NOT_RENEWED", "UNPAID_ENROLLMENT", "ENROLLMENT_ENDED"];
  const OWED = ["NEEDY_WITHOUT_SUBSIDY", "SUBSIDY_BELOW_SETTING"];
  const enrollment = fc.record({
    coverageYear: fc.integer({ min: 2019, max: 2026 }),
    areaCode: fc.constantFrom("330100", "330200", "340100"),
    status: fc.constantFrom("ACTIVE", "ACTIVE", "SUSPENDED", "TERMINATED"),
    paid: fc.boolean(),
    assistanceFen: fc.constantFrom(0, 0, 10_000, 20_000, 40_000),
  });
  const facts = fc.record({
    birthDate: fc.constantFrom("2009-01-15", "2016-05-10", "2022-02-02", "2025-09-30", "2026-04-15"),
    hasIdNumber: fc.boolean(),
    hukouRegionCode: fc.constantFrom(null, "330106", "520102"),
    residenceRegionCode: fc.constantFrom(null, "330106", "330212"),
    currentSchoolCode: fc.constantFrom(null, "2330106101"),
    contractedDoctorCode: fc.constantFrom(null, "D3301060001"),
    needyCategory: fc.constantFrom(null, "MIN_LIVING", "EXTREMELY_POOR", "ORPHAN", "DISABLED"),
    enrollments: fc.array(enrollment, { maxLength: 5 }),
  });

  it("gives every gap at least one reason: one cause for every status but INSURED, an owed reason otherwise", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const built: CoverageFacts = {
          ...f,
          needyCategory: f.needyCategory as CoverageFacts["needyCategory"],
          enrollments: f.enrollments.map((e) =>
            paid(e.coverageYear, e.areaCode, {
              status: e.status as EnrollmentFact["status"],
              paidOn: e.paid ? `${e.coverageYear - 1}-10-02` : null,
              payers: e.assistanceFen > 0 ? ["MEDICAL_ASSISTANCE"] : ["SELF"],
              assistanceFen: e.assistanceFen,
            }),
          ),
        };
        const result = assessCoverage(built, "2026-06-30", policy)!;
        const causes = result.reasons.filter((r) => CAUSES.includes(r));
        const gap = result.status !== "INSURED" || result.reasons.some((r) => OWED.includes(r));
        expect(causes.length).toBe(result.status === "INSURED" ? 0 : 1);
        expect(result.responsible !== null).toBe(gap);
        if (gap) expect(result.reasons.length).toBeGreaterThan(0);
        expect(result.waitingPeriodMonths === null).toBe(result.status === "INSURED" || result.status === "DUPLICATE");
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("assessCoverage: the waiting period (国办发〔2024〕38号, README's reading)", () => {
  const asOf = "2026-06-30"; // outside the 2026 collection period (1 September – 31 December 2025)
  const lastPaid = (year: number | null) => (year === null ? [] : [paid(year)]);
  const wait = (facts: Partial<CoverageFacts>, date = asOf, p = policy) =>
    assessCoverage(child(facts), date, p)!.waitingPeriodMonths;

  it.each([
    // lapsed years (coverage years missed before this one), last year paid, months
    [0, 2025, 3], // continuous, but paying outside the collection period: the fixed 3 months
    [1, 2024, 4],
    [2, 2023, 5],
    [3, 2022, 6],
    [4, 2021, 7], // 4 lapsed years: 3 + 4, above the 6-month floor
    [5, 2020, 8],
    [6, 2019, 9],
  ])("%i lapsed years (last paid for %i): %i months", (_, last, months) => {
    expect(wait({ enrollments: lastPaid(last) })).toBe(months);
  });

  // A province whose 2026 collection period runs on into the coverage year, to 30 June.
  const extended = withSettings({
    key: "COLLECTION_PERIOD",
    regionCode: "330000",
    effectiveFrom: "2026-01-01",
    value: { opensOn: "2025-09-01", closesOn: "2026-06-30" },
  });

  it("waits nothing for a continuously insured child paying in the collection period, 3 months with a lapse", () => {
    expect(wait({ enrollments: lastPaid(2025) }, asOf, extended)).toBe(0);
    expect(wait({ enrollments: lastPaid(2025) }, "2026-07-01", extended)).toBe(3);
    expect(wait({ enrollments: lastPaid(2024) }, asOf, extended)).toBe(4);
  });

  it.each([
    // lapsed, years paid for afterwards (repairs), months
    [3, 2, 4],
    [3, 3, 3],
    [4, 4, 6], // fully repaired after 4 lapsed years: floored at 6
    [5, 5, 6],
    [6, 2, 7],
  ])("%i lapsed years, %i of them paid for later: %i months", (lapsed, repaired, months) => {
    const last = 2025 - lapsed;
    const repairs = Array.from({ length: repaired }, (_, i) =>
      paid(last + 1 + i, "330100", { enrolledOn: "2026-03-01", paidOn: "2026-03-01" }),
    );
    expect(wait({ enrollments: [...lastPaid(last), ...repairs] })).toBe(months);
  });

  it.each([
    ["2025-05-01", 1],
    ["2020-05-01", 6],
    ["2014-05-01", 12],
    ["2009-01-15", 17],
  ])("makes a never-insured child born %s (aged %i) wait the fixed 3 months, none in the collection period", (born) => {
    expect(wait({ birthDate: born, currentSchoolCode: null })).toBe(3);
    expect(wait({ birthDate: born, currentSchoolCode: null }, asOf, extended)).toBe(0);
  });

  it("charges a never-insured 17-year-old a lapse per year since birth where the province so rules", () => {
    const sinceBirth = withSettings({
      key: "WAITING_PERIOD",
      regionCode: "330000",
      effectiveFrom: "2025-01-01",
      value: {
        fixedMonths: 3,
        monthsPerLapsedYear: 1,
        longLapseYears: 4,
        longLapseMinimumMonths: 6,
        newbornExemption: "FIRST_YEAR",
        neverInsured: "LAPSED_SINCE_BIRTH",
        needyExempt: false,
        lapsesCountFrom: null,
      },
    });
    // Born 2009: 2010–2025 missed, 16 lapsed years.
    expect(wait({ birthDate: "2009-01-15" }, asOf, sinceBirth)).toBe(19);
  });

  it.each([
    ["2026-04-01", "in its window"],
    ["2025-09-01", "overdue, under one"],
  ])("exempts a newborn (born %s, %s)", (born) => {
    expect(wait({ birthDate: born, hasIdNumber: false, currentSchoolCode: null })).toBe(0);
  });

  it("exempts only newborns in their window where the province so rules", () => {
    const windowOnly = withSettings({
      key: "WAITING_PERIOD",
      regionCode: "330000",
      effectiveFrom: "2025-01-01",
      value: {
        fixedMonths: 3,
        monthsPerLapsedYear: 1,
        longLapseYears: 4,
        longLapseMinimumMonths: 6,
        newbornExemption: "NEWBORN_WINDOW",
        neverInsured: "FIXED_ONLY",
        needyExempt: true,
        lapsesCountFrom: 2025,
      },
    });
    expect(wait({ birthDate: "2026-04-01", currentSchoolCode: null }, asOf, windowOnly)).toBe(0);
    expect(wait({ birthDate: "2025-09-01", currentSchoolCode: null }, asOf, windowOnly)).toBe(3);
    expect(wait({ needyCategory: "ORPHAN", enrollments: lastPaid(2022) }, asOf, windowOnly)).toBe(0);
    // Lapses counted from 2025 only: last paid 2020, so 2025 alone counts.
    expect(wait({ enrollments: lastPaid(2020) }, asOf, windowOnly)).toBe(4);
  });

  it.each([
    ["2024-06-30", 0],
    ["2024-12-31", 0],
    ["2025-01-01", 5], // last paid 2022: 2023 and 2024 missed
  ])("has no waiting period before 2025: as of %s, %i months", (date, months) => {
    expect(wait({ enrollments: lastPaid(2022) }, date)).toBe(months);
  });

  it("is null for an insured child", () => {
    expect(wait({ enrollments: lastPaid(2026) })).toBeNull();
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
