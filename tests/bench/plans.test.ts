import { describe, expect, it } from "vitest";
import { figuresOf } from "../../bench/scenarios/coverage-summary.ts";
import { numberIn, reported } from "../../bench/scenarios/linkage-import.ts";
import { planRoster } from "../../bench/scenarios/school-roster.ts";

describe("the scenarios' pure parts", () => {
  it("plans a roster from the largest schools, the last one cut to size", () => {
    const plan = planRoster(
      [
        { code: "B", schoolYear: 2025, students: 900 },
        { code: "A", schoolYear: 2025, students: 1500 },
        { code: "C", schoolYear: 2025, students: 100 },
      ],
      2000,
    );
    expect(plan).toEqual({
      schools: [
        { code: "A", schoolYear: 2025, take: 1500 },
        { code: "B", schoolYear: 2025, take: 500 },
      ],
      total: 2000,
    });
  });

  it("plans what there is when the province has fewer students than asked", () => {
    expect(planRoster([{ code: "A", schoolYear: 2025, students: 30 }], 2000).total).toBe(30);
  });

  it("reads figures out of the earlier benchmarks' reports", () => {
    const out = "engine            postgres\nrecords           131,369\nrecords/second    18,216\n";
    expect(numberIn(reported(out, "records "))).toBe(131_369);
    expect(numberIn(reported(out, "records/second"))).toBe(18_216);
    expect(() => reported(out, "precision")).toThrow(/no "precision" line/);
  });

  it("sorts the API's prefectures by key for the comparison", () => {
    expect(
      figuresOf([
        { key: "330200", children: 2, insured: 1 },
        { key: null, children: 1, insured: 0 },
        { key: "330100", children: 3, insured: 3 },
      ]).map((f) => f.key),
    ).toEqual(["(none)", "330100", "330200"]);
  });
});
