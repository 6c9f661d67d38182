import { describe, expect, it } from "vitest";
import * as domain from "../../src/domain/index.ts";

describe("the domain entry point", () => {
  // Other modules import from "src/domain/index.ts"; a name dropped here breaks them.
  it.each([
    "isValidIsoDate",
    "isoDateFromCompact",
    "addDays",
    "addMonths",
    "daysBetween",
    "yearOf",
    "ageInYears",
    "compareIsoDates",
    "parseIdNumber",
    "idNumberCheckCharacter",
    "makeIdNumber",
    "sexOfSequence",
    "sequenceForSex",
    "maskIdNumber",
    "maskPhone",
    "lookupDivision",
    "isKnownDivision",
    "divisionLevel",
    "provinceOf",
    "prefectureOf",
    "childrenOf",
    "countiesOf",
    "provinces",
    "isWithin",
    "regionPrefix",
    "validateDivisionCode",
    "coverageYearOf",
    "coverageYearBounds",
    "newbornDeadline",
    "waitingPeriodMonths",
    "isNeedyCategory",
    "parseBirthCertificateNumber",
    "parseStudentNumber",
    "makeStudentNumberG",
    "makeStudentNumberL",
    "isMobilePhone",
  ])("exports the function %s", (name) => {
    expect(typeof (domain as Record<string, unknown>)[name]).toBe("function");
  });

  it("exports the policy constants", () => {
    expect(domain.NEWBORN_WINDOW_DAYS_DEFAULT).toBe(90);
    expect(domain.needyCategories).toHaveLength(4);
  });
});
