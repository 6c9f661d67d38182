import { describe, expect, it } from "vitest";
import { latencyStats, percentile, ratio } from "../../bench/kit/stats.ts";

describe("bench statistics", () => {
  it("takes the nearest-rank percentile of unsorted values", () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it("refuses an empty series and a p outside (0, 1]", () => {
    expect(() => percentile([], 0.5)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/p must be/);
  });

  it("gives median, p95 and runs per second of a series in milliseconds", () => {
    expect(latencyStats([100, 100, 200, 100])).toEqual({ runs: 4, median: 100, p95: 200, throughput: 4 / 0.5 });
  });

  it("gives no ratio against a missing or zero baseline", () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(30, 0)).toBeNull();
    expect(ratio(30, null)).toBeNull();
  });
});
