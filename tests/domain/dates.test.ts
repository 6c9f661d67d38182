import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  ageInYears,
  compareIsoDates,
  dayNumberOf,
  daysBetween,
  isoDateFromCompact,
  isValidIsoDate,
  yearOf,
} from "../../src/domain/dates.ts";

describe("isValidIsoDate", () => {
  it.each([
    ["2024-02-29", true, "29 February in a leap year"],
    ["2000-02-29", true, "29 February in a year divisible by 400"],
    ["2023-02-29", false, "29 February in a common year"],
    ["1900-02-29", false, "29 February in a century year not divisible by 400"],
    ["2024-02-30", false, "30 February"],
    ["2024-04-31", false, "31 April"],
    ["2024-12-31", true, "the last day of the year"],
    ["2024-13-01", false, "month 13"],
    ["2024-00-10", false, "month 0"],
    ["2024-01-00", false, "day 0"],
    ["0000-01-01", false, "year 0"],
    ["0001-01-01", true, "the first representable day"],
    ["9999-12-31", true, "the last representable day"],
    ["2024-1-01", false, "an unpadded month"],
    ["20240101", false, "the compact form"],
    ["2024-01-01T00:00:00Z", false, "a timestamp"],
    [" 2024-01-01", false, "surrounding whitespace"],
    ["", false, "an empty string"],
  ])("%s is %s (%s)", (input, expected) => {
    expect(isValidIsoDate(input)).toBe(expected);
  });
});

describe("isoDateFromCompact", () => {
  it.each([
    ["20240229", "2024-02-29"],
    ["19491231", "1949-12-31"],
    ["20230229", undefined],
    ["20241301", undefined],
    ["2024022", undefined],
    ["2024-02-2", undefined],
  ])("reads %s as %s", (input, expected) => {
    expect(isoDateFromCompact(input)).toBe(expected);
  });
});

describe("addDays", () => {
  it.each([
    ["2024-12-31", 1, "2025-01-01"],
    ["2025-01-01", -1, "2024-12-31"],
    ["2024-02-28", 1, "2024-02-29"],
    ["2023-02-28", 1, "2023-03-01"],
    ["2024-01-01", 365, "2024-12-31"],
    ["2023-01-01", 365, "2024-01-01"],
    ["2025-01-01", 90, "2025-04-01"],
    ["2024-01-01", 90, "2024-03-31"],
    ["2024-07-15", 0, "2024-07-15"],
    ["0001-01-01", 1, "0001-01-02"],
    ["0099-12-31", 1, "0100-01-01"],
  ])("%s + %i days = %s", (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it("does not depend on the process time zone: 10,000 consecutive days each advance by one", () => {
    let d = "1999-01-01";
    for (let i = 0; i < 10_000; i++) {
      const next = addDays(d, 1);
      expect(daysBetween(d, next)).toBe(1);
      expect(compareIsoDates(d, next)).toBe(-1);
      d = next;
    }
    expect(d).toBe("2026-05-19");
  });

  it.each([
    ["2023-02-29", 1, /ISO date .* but got "2023-02-29"/],
    ["2024-01-01", 1.5, /whole number, but got 1.5/],
    ["9999-12-31", 1, /years 1–9999, but reached the year 10000/],
    ["0001-01-01", -1, /years 1–9999, but reached the year 0/],
  ])("rejects %s + %s", (d, n, message) => {
    expect(() => addDays(d, n)).toThrow(message);
  });
});

describe("addMonths", () => {
  it.each([
    ["2025-01-31", 1, "2025-02-28"],
    ["2024-01-31", 1, "2024-02-29"],
    ["2024-11-30", 3, "2025-02-28"],
    ["2024-05-31", 3, "2024-08-31"],
    ["2024-03-15", -3, "2023-12-15"],
    ["2024-12-01", 1, "2025-01-01"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2024-02-29", 48, "2028-02-29"],
  ])("%s + %i months = %s", (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });
});

describe("dayNumberOf", () => {
  it("counts days from 1970-01-01, before it too, and agrees with daysBetween", () => {
    expect([dayNumberOf("1970-01-01"), dayNumberOf("1970-01-02"), dayNumberOf("1969-12-31")]).toEqual([0, 1, -1]);
    expect(dayNumberOf("0001-01-01")).toBe(daysBetween("1970-01-01", "0001-01-01"));
    expect(dayNumberOf("2024-03-01") - dayNumberOf("2024-02-28")).toBe(2);
  });
});

describe("daysBetween", () => {
  it.each([
    ["2024-01-01", "2025-01-01", 366],
    ["2023-01-01", "2024-01-01", 365],
    ["2024-03-01", "2024-02-28", -2],
    ["2024-06-01", "2024-06-01", 0],
    ["1900-01-01", "2000-01-01", 36_524],
  ])("from %s to %s is %i days", (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });
});

describe("yearOf", () => {
  it("reads the calendar year, also on the year's last day", () => {
    expect(yearOf("2024-12-31")).toBe(2024);
    expect(yearOf("2025-01-01")).toBe(2025);
  });

  it("rejects a string that is not a date", () => {
    expect(() => yearOf("31/12/2024")).toThrow(
      'expected an ISO date "YYYY-MM-DD" that exists in the calendar, but got "31/12/2024"',
    );
  });
});

describe("ageInYears", () => {
  it.each([
    ["2019-03-15", "2019-03-15", 0, "on the day of birth"],
    ["2019-03-15", "2024-03-14", 4, "the day before the 5th birthday"],
    ["2019-03-15", "2024-03-15", 5, "on the 5th birthday"],
    ["2006-12-31", "2024-12-30", 17, "the day before turning 18"],
    ["2006-12-31", "2024-12-31", 18, "on the 18th birthday"],
    ["2020-02-29", "2023-02-28", 2, "born 29 Feb: not yet older on 28 Feb of a common year"],
    ["2020-02-29", "2023-03-01", 3, "born 29 Feb: a year older on 1 Mar of a common year"],
    ["2020-02-29", "2024-02-28", 3, "born 29 Feb: not yet older on 28 Feb of a leap year"],
    ["2020-02-29", "2024-02-29", 4, "born 29 Feb: a year older on 29 Feb of a leap year"],
  ])("born %s, on %s: %i (%s)", (birth, asOf, expected) => {
    expect(ageInYears(birth, asOf)).toBe(expected);
  });

  it("refuses an as-of date before the birth", () => {
    expect(() => ageInYears("2024-05-01", "2024-04-30")).toThrow(
      "age needs an as-of date on or after the birth date 2024-05-01, but got 2024-04-30",
    );
  });
});

describe("compareIsoDates", () => {
  it("sorts dates chronologically across year ends", () => {
    const sorted = ["2025-01-01", "2024-12-31", "2024-02-29", "1999-12-31"].sort(compareIsoDates);
    expect(sorted).toEqual(["1999-12-31", "2024-02-29", "2024-12-31", "2025-01-01"]);
  });

  it("returns 0 for equal dates", () => {
    expect(compareIsoDates("2024-06-01", "2024-06-01")).toBe(0);
  });

  it("rejects a date that does not exist rather than ordering it", () => {
    expect(() => compareIsoDates("2024-02-30", "2024-03-01")).toThrow(/but got "2024-02-30"/);
  });
});
