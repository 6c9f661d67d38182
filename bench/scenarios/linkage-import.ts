import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type BenchContext, type Scenario } from "../kit/context.ts";
import { say } from "../kit/log.ts";
import { benchDatabase, dropBenchDatabase } from "../kit/pg-server.ts";

/**
 * Runs one of the earlier benchmark scripts (bench/linkage.ts, bench/import.ts) as it is, in a
 * child process with the same Node flags, and returns what it printed.
 *
 * Through `sh`, which forks Node rather than exec-ing it: on Linux a process started by
 * fork + exec inherits its parent's resident size at the fork in its peak RSS (getrusage's
 * maxrss), so a script started straight from this process would report this process's
 * gigabytes as its own peak. sh's fork starts from sh's few megabytes.
 */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const command = [process.execPath, ...process.execArgv, file, ...args];
    const child = spawn("sh", ["-c", '"$@"; exit $?', "sh", ...command], {
      env: { ...env, HUB_BENCH_CHILD: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}: ${out.slice(-800)}`)),
    );
  });
}

/** The value after a label in a script's report ("records/second    52,000" → "52,000"), or throws naming the label. */
export function reported(output: string, label: string): string {
  const line = output.split("\n").find((l) => l.startsWith(label));
  if (!line) throw new Error(`the benchmark printed no "${label}" line:\n${output.slice(-800)}`);
  return line.slice(label.length).trim();
}

/** "1,234,567" → 1234567. */
export const numberIn = (text: string): number => Number((/[\d,.]+/.exec(text)?.[0] ?? "NaN").replaceAll(",", ""));

export const linkageAndImport: Scenario = {
  name: "linkage",
  title: "6. linkage and import throughput",
  async run(context: BenchContext) {
    const { linkageChildren, importRows, seed } = context.options;

    // Linkage from scratch: bench/linkage.ts on a database of its own (it drops everything in the one it is given).
    const url = await benchDatabase(context.adminUrl, "hub_bench_linkage");
    try {
      say(`linkage: bench/linkage.ts --children ${linkageChildren}`);
      const out = await runScript("linkage.ts", ["--children", String(linkageChildren), "--seed", String(seed)], {
        ...context.env,
        DATABASE_URL: url,
      });
      const records = numberIn(reported(out, "records "));
      const perSecond = numberIn(reported(out, "records/second"));
      const linkTime = reported(out, "link time");
      context.record({
        scenario:
          `6a linkage from scratch, ${linkageChildren.toLocaleString("en-US")} children ` +
          `(${records.toLocaleString("en-US")} records), PostgreSQL`,
        variant: "linkAll (bench/linkage.ts, unchanged)",
        runs: 1,
        median: numberIn(linkTime) * 1000,
        p95: null,
        throughput: `${perSecond.toLocaleString("en-US")} records/s`,
        peakRss: numberIn(reported(out, "peak memory")) * 1024 * 1024,
        ratio: null,
        against: "—",
        check: `precision ${reported(out, "precision").split(" ")[0]}, recall ${reported(out, "recall").split(" ")[0]}`,
      });
      context.note(
        `6a: bench/linkage.ts run as a child process (peak RSS is its own): link time ${linkTime}; ` +
          `review queue ${reported(out, "review queue")}. Median is the one run's link time.`,
      );
    } finally {
      await dropBenchDatabase(context.adminUrl, "hub_bench_linkage");
    }

    // File import: bench/import.ts makes (and drops) a database of its own on the server.
    say(`import: bench/import.ts --rows ${importRows}`);
    const out = await runScript("import.ts", ["--rows", String(importRows)], {
      ...context.env,
      DATABASE_URL: context.adminUrl,
    });
    const first = reported(out, "first:");
    const seconds = numberIn(/in ([\d.]+) s =/.exec(first)?.[1] ?? "NaN");
    const rowsPerSecond = numberIn(/= ([\d,]+) rows\/s/.exec(first)?.[1] ?? "NaN");
    context.record({
      scenario: `6b import of ${importRows.toLocaleString("en-US")} student registrations (CSV), PostgreSQL`,
      variant: "npm run import's importFile (bench/import.ts, unchanged)",
      runs: 1,
      median: seconds * 1000,
      p95: null,
      throughput: `${rowsPerSecond.toLocaleString("en-US")} rows/s`,
      peakRss: numberIn(/peak RSS ([\d,]+) MB/.exec(first)?.[1] ?? "NaN") * 1024 * 1024,
      ratio: null,
      against: "—",
      check: first.split(" in ")[0]!.slice(0, 80),
    });
    context.note(
      "6b: bench/import.ts run as a child process (its own database, 5,000 rows per chunk: validate, " +
        "write by record id, link, re-assess coverage). Median is the one run's import time.",
    );
  },
};
