import { describe, expect, it } from "vitest";
import { countByStatus, filterRoster, paginate, type RosterRow } from "../../src/console/logic/roster.ts";

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
