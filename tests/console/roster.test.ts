import { describe, expect, it } from "vitest";
import { todayOnThisComputer } from "../../src/console/logic/dates.ts";
import {
  classesOf,
  countByStatus,
  filterRoster,
  paginate,
  rosterFileName,
  type RosterRow,
} from "../../src/console/logic/roster.ts";

const row = (
  studentNumber: string,
  name: string,
  status: RosterRow["status"],
  reasons: RosterRow["reasons"] = [],
): RosterRow => ({ studentNumber, name, grade: 3, className: "1班", idNumber: null, status, reasons });
const rows = [
  row("G1", "王小明", "INSURED"),
  row("G2", "李华", "UNINSURED", ["NON_LOCAL_HUKOU"]),
  row("L3", "王芳", "LAPSED"),
  row("G4", "Zhao Lei", "DUPLICATE"),
  row("G5", "陈一", null),
];

describe("the school roster", () => {
  it("filters to every uninsured status at once, not DUPLICATE (insured twice) nor unknown", () => {
    expect(filterRoster(rows, { status: "UNINSURED_ANY", reason: "", query: "" }).map((r) => r.studentNumber)).toEqual([
      "G2",
      "L3",
    ]);
  });

  it("filters by one status and by reason", () => {
    expect(filterRoster(rows, { status: "DUPLICATE", reason: "", query: "" }).map((r) => r.studentNumber)).toEqual([
      "G4",
    ]);
    expect(
      filterRoster(rows, { status: "", reason: "NON_LOCAL_HUKOU", query: "" }).map((r) => r.studentNumber),
    ).toEqual(["G2"]);
  });

  it("searches names and student numbers, ignoring case and spaces", () => {
    expect(filterRoster(rows, { status: "", reason: "", query: " 王 " }).map((r) => r.studentNumber)).toEqual([
      "G1",
      "L3",
    ]);
    expect(filterRoster(rows, { status: "", reason: "", query: "l3" }).map((r) => r.studentNumber)).toEqual(["L3"]);
    expect(filterRoster(rows, { status: "", reason: "", query: "zhao" }).map((r) => r.studentNumber)).toEqual(["G4"]);
    expect(
      filterRoster(rows, { status: "UNINSURED_ANY", reason: "", query: "王" }).map((r) => r.studentNumber),
    ).toEqual(["L3"]);
  });

  it("pages, clamping a page past the end", () => {
    expect(paginate(["a", "b", "c"], 2, 2)).toEqual({ rows: ["c"], page: 2, pages: 2, from: 3, to: 3, total: 3 });
    expect(paginate(["a", "b", "c"], 9, 2).page).toBe(2);
    expect(paginate([], 1, 50)).toEqual({ rows: [], page: 1, pages: 1, from: 0, to: 0, total: 0 });
  });

  it("counts students by status", () => {
    expect(countByStatus(rows)).toEqual({
      INSURED: 1,
      NEWBORN_IN_WINDOW: 0,
      NEWBORN_OVERDUE: 0,
      LAPSED: 1,
      UNINSURED: 1,
      DUPLICATE: 1,
    });
  });
});

describe("a school's classes and its exports (#22.5)", () => {
  const pupil = (studentNumber: string, grade: number, className: string): RosterRow => ({
    studentNumber,
    name: studentNumber,
    grade,
    className,
    idNumber: null,
    status: "UNINSURED",
    reasons: [],
  });
  const school = [pupil("a", 3, "2班"), pupil("b", 1, "10班"), pupil("c", 1, "2班"), pupil("d", 3, "2班")];

  it("tells the 2班 of one grade from the 2班 of another", () => {
    expect(classesOf(school)).toEqual([
      { grade: 1, className: "2班" },
      { grade: 1, className: "10班" },
      { grade: 3, className: "2班" },
    ]);
    const filter = { status: "" as const, reason: "" as const, query: "" };
    expect(filterRoster(school, { ...filter, grade: 3, className: "2班" }).map((r) => r.studentNumber)).toEqual([
      "a",
      "d",
    ]);
    expect(filterRoster(school, { ...filter, grade: 1 }).map((r) => r.studentNumber)).toEqual(["b", "c"]);
  });

  it("names an export after school, class, filter and date, as the issue's example", () => {
    expect(rosterFileName(["XX学校", "三年级2班", "未参保"], "2026-12-07")).toBe(
      "XX学校_三年级2班_未参保_2026-12-07.csv",
    );
    // Characters a file system refuses become dashes; empty parts are left out.
    expect(rosterFileName(["A/B 学校", "", "断保"], "2026-12-07")).toBe("A-B-学校_断保_2026-12-07.csv");
  });

  it("dates a file by the computer's own calendar, not UTC", () => {
    expect(todayOnThisComputer(new Date(2026, 11, 8, 0, 30))).toBe("2026-12-08");
    expect(todayOnThisComputer(new Date(2026, 0, 1, 23, 59))).toBe("2026-01-01");
  });
});
