import { describe, expect, it } from "vitest";
import { formatMs, formatRatio, resultsPage, resultsTable, type ResultRow } from "../../bench/kit/table.ts";

const row: ResultRow = {
  scenario: "1 lookup",
  variant: "gateway | in process",
  runs: 20,
  median: 12.345,
  p95: 1234.5,
  throughput: "80 /s",
  peakRss: 300 * 1024 * 1024,
  ratio: 2.5,
  against: "hand-written SQL",
  check: "✓ same answer",
};

describe("the results table", () => {
  it("formats durations, ratios and memory for people", () => {
    expect(formatMs(3.14159)).toBe("3.14 ms");
    expect(formatMs(12.345)).toBe("12.3 ms");
    expect(formatMs(1234.5)).toBe("1.23 s");
    expect(formatMs(61_000)).toBe("61.0 s");
    expect(formatMs(null)).toBe("—");
    expect(formatRatio(2.5)).toBe("2.50×");
    expect(formatRatio(0.0019)).toBe("0.0019×");
    expect(formatRatio(null)).toBe("—");
  });

  it("writes one Markdown row per variant, pipes escaped", () => {
    const lines = resultsTable([row]).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      "| scenario | variant | runs | median | p95 | throughput | peak RSS | ratio | against | answer |",
    );
    expect(lines[2]).toBe(
      "| 1 lookup | gateway \\| in process | 20 | 12.3 ms | 1.23 s | 80 /s | 300 MB | 2.50× " +
        "| hand-written SQL | ✓ same answer |",
    );
  });

  it("heads the page with how and where it ran", () => {
    const page = resultsPage(
      {
        date: "2026-11-25",
        command: "npm run bench -- all",
        machine: "2 cores",
        node: "20.20.2",
        engine: "PostgreSQL 15",
        children: 100_000,
        seed: 1,
        wallSeconds: 540,
      },
      [row],
      ["a note"],
    );
    expect(page).toContain("# Benchmark results, 2026-11-25");
    expect(page).toContain("- province: 100,000 children, seed 1");
    expect(page).toContain("- wall time of the whole run: 9.0 min");
    expect(page).toContain("- a note");
  });
});
