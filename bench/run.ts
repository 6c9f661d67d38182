/**
 * The benchmark suite (issue #8): the API against hand-written SQL and against a peer, every
 * figure a ratio to a baseline measured in the same run.
 *
 *   npm run bench -- <scenario|all> [--children 100000] [--seed 1] [--runs 20] [--duration 30]
 *     [--connections 50] [--coverage-children N] [--coverage-engines postgres,pglite]
 *     [--linkage-children 20000] [--import-rows 100000] [--rates 10,25,50] [--batch-rows 5000] [--keep]
 *
 * Scenarios: lookup, roster, overhead, load, coverage, linkage, province-day (see bench/scenarios/). The API
 * scenarios run on PostgreSQL (PostGraphile, the roster's peer, needs it): DATABASE_URL, or a
 * throwaway loopback server when it is unset. The province is prepared once and shared;
 * --keep reuses one an earlier run left on the same server. Prints a Markdown table and writes
 * it to bench/results/<YYYY-MM-DD>.md (`all`) or <YYYY-MM-DD>-<scenario>.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createGatewayServer } from "../src/gateway/gateway-server.ts";
import { readSupergraph } from "../src/gateway/supergraph.ts";
import type { BenchContext, BenchOptions, Scenario } from "./kit/context.ts";
import { say } from "./kit/log.ts";
import { benchDatabase, benchServer } from "./kit/pg-server.ts";
import { prepareProvince } from "./kit/province.ts";
import { resultsPage, resultsTable, type ResultRow } from "./kit/table.ts";
import { relaunchWithFlags } from "./relaunch.ts";
import { SCENARIOS } from "./scenarios/index.ts";
import { benchHardening } from "./kit/hardening.ts";

const USAGE =
  `usage: npm run bench -- <${[...SCENARIOS.map((s) => s.name), "all"].join("|")}> ` +
  "[--children N] [--seed S] [--runs R] [--duration 30] [--keep]";

async function main() {
  // Grafast (PostGraphile's engine) warns at start unless told which mode it runs in.
  process.env.GRAPHILE_ENV ??= "production";
  if (relaunchWithFlags()) return;
  const started = performance.now();
  const { wanted, chosen, options } = readCommandLine();

  const env = {
    ...process.env,
    HUB_JWT_SECRET: process.env.HUB_JWT_SECRET ?? "bench-secret-bench-secret-bench-secret-0123",
  };
  const server = await benchServer(env);
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  let context: BenchContext | null = null;
  try {
    const provinceUrl = await benchDatabase(server.adminUrl, `hub_bench_province`, { keep: options.keep });
    const province = await prepareProvince(
      { ...env, DATABASE_URL: provinceUrl },
      { children: options.children, seed: options.seed, asOf: options.asOf, keep: options.keep },
    );
    const where = server.throwaway ? "a throwaway loopback server, fsync off" : "DATABASE_URL";
    notes.push(
      `province of ${options.children.toLocaleString("en-US")} children on PostgreSQL 15 (${where}): ` +
        `${province.notes.join("; ")}. Linked from the generator's truth (tests/kit/link-from-truth.ts), ` +
        "not by the matching engine: the API scenarios measure reading; scenario 6 measures linking.",
    );
    const gateway = await createGatewayServer(
      readSupergraph(),
      { kind: "in-process", db: province.database.db },
      province.config.auth,
      { hardening: benchHardening(province.config.auth) },
    );
    const pool = new pg.Pool({ connectionString: provinceUrl, max: 10 });
    context = {
      options,
      env,
      adminUrl: server.adminUrl,
      provinceUrl,
      database: province.database,
      config: province.config,
      gateway,
      pool,
      record: (row) => void rows.push(row),
      note: (text) => void notes.push(text),
    };
    for (const scenario of chosen) await runScenario(scenario, context, rows, notes);
  } finally {
    if (context) {
      await context.gateway.stop();
      await context.pool.end();
      await context.database.close();
    }
    server.stop();
  }
  writeResults({ wanted, options, rows, notes, wallSeconds: (performance.now() - started) / 1000 });
}

/** The scenarios asked for and the options, checked (a mistake throws with the usage). */
function readCommandLine(): { wanted: string; chosen: readonly Scenario[]; options: BenchOptions } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      children: { type: "string", default: "100000" },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string", default: "2026-06-30" },
      runs: { type: "string", default: "20" },
      warmup: { type: "string", default: "5" },
      duration: { type: "string", default: "30" },
      connections: { type: "string", default: "50" },
      rates: { type: "string", default: "10,25,50" },
      "batch-rows": { type: "string", default: "5000" },
      "coverage-children": { type: "string" },
      "coverage-engines": { type: "string", default: "postgres,pglite" },
      "linkage-children": { type: "string", default: "20000" },
      "import-rows": { type: "string", default: "100000" },
      keep: { type: "boolean", default: false },
    },
  });
  const wanted = positionals[0] ?? "all";
  const chosen = wanted === "all" ? SCENARIOS : SCENARIOS.filter((s) => s.name === wanted);
  if (chosen.length === 0) throw new Error(`unknown scenario "${wanted}"\n${USAGE}`);
  const options: BenchOptions = {
    children: whole("children", values.children, 100),
    seed: whole("seed", values.seed, 0),
    asOf: values["as-of"],
    runs: whole("runs", values.runs, 1),
    warmup: whole("warmup", values.warmup, 0),
    duration: whole("duration", values.duration, 1),
    connections: whole("connections", values.connections, 1),
    rates: values.rates.split(",").map((r) => whole("rates", r.trim(), 1)),
    batchRows: whole("batch-rows", values["batch-rows"], 0),
    coverageChildren: whole("coverage-children", values["coverage-children"] ?? values.children, 100),
    linkageChildren: whole("linkage-children", values["linkage-children"], 100),
    importRows: whole("import-rows", values["import-rows"], 1),
    coverageEngines: engines(values["coverage-engines"]),
    keep: values.keep,
  };
  return { wanted, chosen, options };
}

/** Runs one scenario; a failure becomes a FAILED row and a note, and the suite goes on. */
async function runScenario(scenario: Scenario, context: BenchContext, rows: ResultRow[], notes: string[]) {
  say(`— ${scenario.title}`);
  const scenarioStarted = performance.now();
  try {
    await scenario.run(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof Error ? error.stack : error);
    notes.push(`${scenario.title}: FAILED — ${message.slice(0, 500)}`);
    rows.push({
      scenario: scenario.title,
      variant: "FAILED (see notes)",
      runs: 0,
      median: null,
      p95: null,
      throughput: "—",
      peakRss: null,
      ratio: null,
      against: "—",
      check: "✗",
    });
  }
  say(`  ${scenario.name} took ${((performance.now() - scenarioStarted) / 1000).toFixed(0)} s`);
}

/** Prints the table and notes and writes them to bench/results/; a failed check sets the exit code. */
function writeResults(run: {
  wanted: string;
  options: BenchOptions;
  rows: ResultRow[];
  notes: string[];
  wallSeconds: number;
}) {
  const { wanted, options, rows, notes } = run;
  const wall = run.wallSeconds;
  const date = new Date().toISOString().slice(0, 10);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  const info = {
    date,
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`,
    machine:
      `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), ${Math.round(totalmem() / 2 ** 30)} GB, ` +
      `load average ${load} at the end (shared with other work)`,
    node: process.versions.node,
    engine: "PostgreSQL 15 (node-postgres pool)",
    children: options.children,
    seed: options.seed,
    wallSeconds: wall,
  };
  console.log(`\n${resultsTable(rows)}\n`);
  for (const n of notes) console.log(`- ${n}`);
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/${date}${wanted === "all" ? "" : `-${wanted}`}.md`;
  writeFileSync(file, resultsPage(info, rows, notes));
  console.log(`\nwall time ${(wall / 60).toFixed(1)} min; written to ${file}`);
  if (rows.some((r) => r.check.startsWith("✗"))) process.exitCode = 1;
}

function whole(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number of at least ${min}, but got "${value}"\n${USAGE}`);
  return n;
}

function engines(value: string): ("postgres" | "pglite")[] {
  const list = value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of list)
    if (e !== "postgres" && e !== "pglite")
      throw new Error(`--coverage-engines takes postgres and/or pglite, but got "${e}"`);
  return list as ("postgres" | "pglite")[];
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
