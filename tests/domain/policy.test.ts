import { describe, expect, it } from "vitest";
import {
  CHILD_MAX_AGE_EXCLUSIVE,
  coverageYearBounds,
  isNeedyCategory,
  NEWBORN_CODE_WINDOW_DAYS,
  NEWBORN_WINDOW_DAYS_DEFAULT,
  NEEDY_CATEGORIES,
  needyCategoryLabels,
  RESIDENT_INSURANCE_TYPE_CODE,
  SMALL_CELL_SUPPRESSION_THRESHOLD,
  TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR,
  TARGET_OVERALL_COVERAGE,
  waitingPeriodMonths,
} from "../../src/domain/insurance-policy.ts";

describe("policy constants", () => {
  it("hold the numbers of the 2024 notice and its neighbours", () => {
    expect({
      NEWBORN_WINDOW_DAYS_DEFAULT,
      NEWBORN_CODE_WINDOW_DAYS,
      TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR,
      TARGET_OVERALL_COVERAGE,
      RESIDENT_INSURANCE_TYPE_CODE,
      CHILD_MAX_AGE_EXCLUSIVE,
      SMALL_CELL_SUPPRESSION_THRESHOLD,
    }).toEqual({
      NEWBORN_WINDOW_DAYS_DEFAULT: 90,
      NEWBORN_CODE_WINDOW_DAYS: 180,
      TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR: 0.8,
      TARGET_OVERALL_COVERAGE: 0.95,
      RESIDENT_INSURANCE_TYPE_CODE: "390",
      CHILD_MAX_AGE_EXCLUSIVE: 18,
      SMALL_CELL_SUPPRESSION_THRESHOLD: 5,
    });
  });
});

describe("coverage year", () => {
  it("runs from 1 January to 31 December inclusive", () => {
    expect(coverageYearBounds(2024)).toEqual({ start: "2024-01-01", end: "2024-12-31" });
  });

  it.each([2024.5, 0, 10_000, Number.NaN])("refuses the year %s", (year) => {
    expect(() => coverageYearBounds(year)).toThrow(
      `coverage year must be a whole year from 1 to 9999, but got ${year}`,
    );
  });
});

describe("waitingPeriodMonths (国办发〔2024〕38号)", () => {
  it.each([
    [0, 0, true, 0, "continuously insured, paying in the collection period: no wait"],
    [0, 0, false, 3, "outside the collection period without a lapse: the fixed 3 months"],
    [1, 0, true, 4, "a lapsed year waits even in the collection period: 3 + 1"],
    [1, 0, false, 4, "one lapsed year adds a month"],
    [3, 0, false, 6, ""],
    [4, 0, false, 7, "the 6-month floor does not bind without a repair"],
    [10, 0, false, 13, ""],
    [3, 3, false, 3, "fewer than 4 lapsed years can be repaired down to 3"],
    [3, 1, false, 5, "a partial repair"],
    [4, 4, false, 6, "4 lapsed years, fully repaired: floored at 6"],
    [6, 2, false, 7, "6 lapsed years, 2 repaired: above the floor"],
    [6, 5, false, 6, "6 lapsed years, 5 repaired: floored at 6"],
    [2, 9, false, 3, "repairing more years than lapsed removes only the variable part"],
  ])("%i lapsed, %i repaired, in the collection period %s: %i months (%s)", (lapsed, repaired, inPeriod, expected) => {
    expect(waitingPeriodMonths({ lapsedYears: lapsed, repairedYears: repaired, inCollectionPeriod: inPeriod })).toBe(
      expected,
    );
  });

  it("defaults to no repair, outside the collection period, and the guideline's numbers", () => {
    expect(waitingPeriodMonths({ lapsedYears: 5 })).toBe(8);
  });

  it("takes a province's own numbers", () => {
    const rule = { fixedMonths: 2, monthsPerLapsedYear: 2, longLapseYears: 3, longLapseMinimumMonths: 9 };
    expect(waitingPeriodMonths({ lapsedYears: 2 }, rule)).toBe(6);
    expect(waitingPeriodMonths({ lapsedYears: 3, repairedYears: 3 }, rule)).toBe(9);
  });

  it.each([
    [-1, 0, "lapsed years must be a whole number from 0, but got -1"],
    [1.5, 0, "lapsed years must be a whole number from 0, but got 1.5"],
    [2, -1, "repaired years must be a whole number from 0, but got -1"],
  ])("refuses %s lapsed, %s repaired", (lapsed, repaired, message) => {
    expect(() => waitingPeriodMonths({ lapsedYears: lapsed, repairedYears: repaired })).toThrow(message);
  });
});

describe("needy categories", () => {
  it("lists the four categories, each with its Chinese label", () => {
    expect(NEEDY_CATEGORIES.map((c) => `${c} ${needyCategoryLabels[c]}`)).toEqual([
      "EXTREMELY_POOR 特困",
      "MIN_LIVING 低保",
      "ORPHAN 孤儿",
      "DISABLED 残疾",
    ]);
  });

  it.each([
    ["ORPHAN", true],
    ["MIN_LIVING", true],
    ["orphan", false],
    ["低保", false],
    ["", false],
  ])("isNeedyCategory(%j) is %s", (s, expected) => {
    expect(isNeedyCategory(s)).toBe(expected);
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(needyCategoryLabels)).toBe(true);
  });
});
