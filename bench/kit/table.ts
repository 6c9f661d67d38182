/** One line of the results: a variant of a scenario, with its figures and its ratio to the baseline. */
export interface ResultRow {
  scenario: string;
  variant: string;
  /** Timed runs, or a description such as "30 s × 50 clients". */
  runs: number | string;
  /** Milliseconds; null when the figure does not apply (a throughput-only scenario). */
  median: number | null;
  p95: number | null;
  /** Already formatted with its unit ("41.2 req/s", "52,000 records/s"). */
  throughput: string;
  /** Peak resident set size of the bench process during the scenario, in bytes. */
  peakRss: number | null;
  /** This variant's median over the baseline's median (1 for the baseline itself). */
  ratio: number | null;
  /** The variant the ratio is against. */
  against: string;
  /** "✓ same answer", "baseline", or what was checked. */
  check: string;
}

export interface RunInfo {
  date: string;
  command: string;
  machine: string;
  node: string;
  engine: string;
  children: number;
  seed: number;
  wallSeconds: number | null;
}

/** Milliseconds as the table shows them: "12.3 ms", "4.56 s". */
export function formatMs(value: number | null): string {
  if (value === null) return "—";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function formatRatio(value: number | null): string {
  if (value === null) return "—";
  if (value < 0.1) return `${value.toPrecision(2)}×`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`;
}

export function formatMb(bytes: number | null): string {
  return bytes === null ? "—" : `${Math.round(bytes / 1024 / 1024).toLocaleString("en-US")} MB`;
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
export function cell(text: string | number): string {
  return String(text).replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** The results as one Markdown table, a row per variant. */
export function resultsTable(rows: readonly ResultRow[]): string {
  const header = [
    "scenario",
    "variant",
    "runs",
    "median",
    "p95",
    "throughput",
    "peak RSS",
    "ratio",
    "against",
    "answer",
  ];
  const lines = [`| ${header.join(" | ")} |`, "|---|---|---:|---:|---:|---:|---:|---:|---|---|"];
  for (const r of rows) {
    const cells = [
      r.scenario,
      r.variant,
      r.runs,
      formatMs(r.median),
      formatMs(r.p95),
      r.throughput,
      formatMb(r.peakRss),
      formatRatio(r.ratio),
      r.against,
      r.check,
    ];
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The whole results page: how and where it ran, the table, then each scenario's notes. */
export function resultsPage(info: RunInfo, rows: readonly ResultRow[], notes: readonly string[]): string {
  return [
    `# Benchmark results, ${info.date}`,
    "",
    `- command: \`${info.command}\``,
    `- machine: ${info.machine}`,
    `- Node ${info.node}; engine of the API scenarios: ${info.engine}`,
    `- province: ${info.children.toLocaleString("en-US")} children, seed ${info.seed}`,
    ...(info.wallSeconds === null ? [] : [`- wall time of the whole run: ${(info.wallSeconds / 60).toFixed(1)} min`]),
    "",
    "Every ratio is a median over the median of the baseline named in `against`, both measured in this run",
    "(interleaved run by run where they share a database), so a busy neighbour on the machine moves both.",
    "",
    resultsTable(rows),
    "",
    "## Notes",
    "",
    ...notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}
