/**
 * Issue #6: how long `coverageSummary` takes on a large province, against the same aggregate
 * written by hand as one SQL statement over the departments' raw tables and hub.links.
 *
 *   npx tsx bench/coverage-summary.ts --children 1000000 [--seed 1] [--as-of 2026-06-30] [--keep]
 *     [--link engine|truth] [--runs 7] [--baseline-runs 7] [--explain]
 *
 * Database: DATABASE_URL (a PostgreSQL server) or else an in-memory PGlite. On a server,
 * --keep reuses a province (and its links) a previous run generated with the same size, seed
 * and as-of date; the snapshot is always rebuilt, since its build time is one of the figures.
 * --link engine links with linkAll (what production does); --link truth links from the
 * generator's ground truth (as tests/kit does), faster and with a perfect index. --explain
 * prints EXPLAIN (ANALYZE, BUFFERS) of the statement behind (a). The hand-written statement is
 * in bench/coverage-baseline.ts.
 *
 * Targets: coverageSummary < 1 s on PGlite at a million children, and the API no slower
 * than the hand-written query.
 */
import { cpus, loadavg } from "node:os";
import { resourceUsage } from "node:process";
import { parseArgs } from "node:util";
import { sql, type SQL } from "drizzle-orm";
import { signToken } from "../src/access/identity/tokens.ts";
import type { AuthenticatedViewer } from "../src/access/identity/viewer.ts";
import { loadConfig, type Config } from "../src/config/index.ts";
import { buildSnapshot } from "../src/coverage/store.ts";
import { queryRows, type Db } from "../src/db/client.ts";
import { dropEverything, openMigratedDatabase } from "../src/db/open.ts";
import type { IsoDate } from "../src/domain/dates.ts";
import { lookupDivision } from "../src/domain/division-codes.ts";
import { createGatewayServer } from "../src/gateway/gateway-server.ts";
import { readSupergraph } from "../src/gateway/supergraph.ts";
import { generateProvince } from "../src/generator/index.ts";
import { linkAll } from "../src/linkage/link.ts";
import { linkFromTruth } from "../tests/kit/link-from-truth.ts";
import { handWritten, type Figures } from "./coverage-baseline.ts";
import { relaunchWithFlags } from "./relaunch.ts";
import { benchHardening } from "./kit/hardening.ts";
import { provinceMeta } from "./kit/province-meta.ts";

const SUMMARY = `query Summary($region: String!, $groupBy: CoverageGroupBy!, $asOf: Date) {
  coverageSummary(region: $region, groupBy: $groupBy, asOf: $asOf) {
    total { children insured }
    groups { key label suppressed children insured insuredRate newborns newbornsInsured statusCounts { status count } }
  }
}`;

/** A province-wide insurance officer: statistics scope by residence region, no small-cell suppression. */
const OFFICER: AuthenticatedViewer = { subject: "bench-officer", role: "insurance_officer", scope: { region: "33" } };

interface BenchOptions {
  children: number;
  seed: number;
  asOf: IsoDate;
  keep: boolean;
  link: "engine" | "truth";
  runs: number;
  baselineRuns: number;
  explain: boolean;
}

/** The command line, checked: every problem is a thrown Error naming the flag. */
function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      children: { type: "string", default: "20000" },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string", default: "2026-06-30" },
      keep: { type: "boolean", default: false },
      link: { type: "string", default: "engine" },
      runs: { type: "string", default: "7" },
      "baseline-runs": { type: "string", default: "7" },
      explain: { type: "boolean", default: false },
    },
  });
  const children = Number(values.children);
  const seed = Number(values.seed);
  const asOf = values["as-of"];
  const runs = Number(values.runs);
  const baselineRuns = Number(values["baseline-runs"]);
  if (!Number.isInteger(children) || children < 1)
    throw new Error(`--children must be a whole number of at least 1, but got "${values.children}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, but got "${values.seed}"`);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number of at least 1, but got "${values.runs}"`);
  if (!Number.isInteger(baselineRuns) || baselineRuns < 1)
    throw new Error(`--baseline-runs must be a whole number of at least 1, but got "${values["baseline-runs"]}"`);
  if (values.link !== "engine" && values.link !== "truth")
    throw new Error(`--link must be "engine" or "truth", but got "${values.link}"`);
  return { children, seed, asOf, keep: values.keep, link: values.link, runs, baselineRuns, explain: values.explain };
}

async function main() {
  if (relaunchWithFlags()) return;
  const options = readOptions();
  const { asOf, runs, baselineRuns } = options;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const config = loadConfig({ ...process.env, HUB_DATA_DIR: process.env.HUB_DATA_DIR ?? "memory" });
  const { database, linkNote } = await prepareProvince(config, options);
  const db = () => database.db;

  // --- the snapshot ---------------------------------------------------------------------------
  let started = performance.now();
  const stored = await buildSnapshot(db(), asOf);
  const snapshotMs = performance.now() - started;
  await db().execute(sql`analyze hub.coverage_status`);
  const storedChildren = stored.toLocaleString("en-US");
  say(`snapshot of ${asOf}: ${storedChildren} children in ${secs(snapshotMs)} (${perSecond(stored, snapshotMs)})`);

  // --- the API through the gateway, as an insurance officer of the province ------------------
  const hardening = benchHardening(config.auth);
  const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, config.auth, {
    hardening,
  });
  const headers = { authorization: `Bearer ${await signToken(OFFICER, config.auth)}` };
  const summary = async (region: string, groupBy: string) => {
    const result = await gateway.execute(SUMMARY, { region, groupBy, asOf }, headers);
    if (result.errors?.length)
      throw new Error(`coverageSummary(${region}, ${groupBy}) failed: ${JSON.stringify(result.errors)}`);
    return (result.data!.coverageSummary as { groups: { key: string | null; children: number; insured: number }[] })
      .groups;
  };
  const apiGroups = (await summary("33", "REGION")).map((g) => ({
    key: g.key ?? "(none)",
    children: g.children,
    insured: g.insured,
  }));
  // The largest prefecture, for the county and age-band groupings.
  const prefecture = [...apiGroups].sort((a, b) => b.children - a.children)[0]!.key.slice(0, 4);

  // --- timings --------------------------------------------------------------------------------
  const measured: Measured[] = [];
  const time = async (what: string, n: number, run: () => Promise<unknown>, warm = false) => {
    if (!warm) await run(); // warm-up: plans cached, pages in memory
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    measured.push({ what, times });
    say(`timed ${what}: median ${ms(percentile(times, 0.5))}`);
  };
  await time(`(a) API coverageSummary("33", REGION)`, runs, () => summary("33", "REGION"));
  await time(`(b) API coverageSummary("${prefecture}", REGION) → counties`, runs, () => summary(prefecture, "REGION"));
  await time(`(b) API coverageSummary("${prefecture}", AGE_BAND)`, runs, () => summary(prefecture, "AGE_BAND"));
  await time(`(a') groupCounts statement alone, "33" REGION`, runs, () => groupCountsAlone(db(), asOf));
  if (options.explain)
    console.log(`\nEXPLAIN ANALYZE of groupCounts for (a):\n${await explainGroupCounts(db(), asOf)}`);

  // --- correctness, then the baseline's timings: at a million children one run takes minutes,
  // so the API's figures are printed first, and the check is the baseline's warm-up.
  started = performance.now();
  const baseline = await handWritten(db(), asOf);
  say(`hand-written statement, first run: ${secs(performance.now() - started)}`);
  const matched = compare(apiGroups, baseline);

  await time(
    `(c) hand-written SQL on raw tables, "33" by prefecture`,
    baselineRuns,
    () => handWritten(db(), asOf),
    true,
  );
  await gateway.stop();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, resourceUsage().maxRSS * 1024);
  printReport({ options, engine: database.kind, linkNote, snapshotMs, stored, matched, peakRss, measured });
  await database.close();
}

/** One timed query: its label and each run's milliseconds. */
interface Measured {
  what: string;
  times: number[];
}

/**
 * The province: generated and linked, or on a server with --keep the one an earlier run
 * generated and linked with the same size, seed, as-of date and --link. Returns the database
 * (reopened after a reset) and how the province was linked.
 */
async function prepareProvince(config: Config, options: BenchOptions) {
  const { children, seed, asOf } = options;
  let database = await openMigratedDatabase(config);
  const existing = await provinceMeta(database.db);
  const linkedAlready =
    options.keep &&
    existing.children === String(children) &&
    existing.seed === String(seed) &&
    existing.as_of === asOf &&
    existing.bench_link === options.link;
  let linkNote: string;
  if (linkedAlready) {
    linkNote = `reused (linked by ${options.link} in an earlier run)`;
    say(
      `reusing the linked province of ${children.toLocaleString("en-US")} children (seed ${seed}) ` +
        "already in the database",
    );
  } else {
    await dropEverything(database);
    await database.close();
    database = await openMigratedDatabase(config);
    let started = performance.now();
    await generateProvince(database.db, { children, seed, asOf });
    say(`generated ${children.toLocaleString("en-US")} children in ${secs(performance.now() - started)}`);
    started = performance.now();
    if (options.link === "engine") await linkAll(database.db);
    else await linkFromTruth(database.db);
    const how =
      options.link === "engine"
        ? "linkAll (the matching engine)"
        : "from the generator's truth (tests/kit/link-from-truth.ts)";
    linkNote = `${how}, ${secs(performance.now() - started)}`;
    say(`linked: ${linkNote}`);
    await database.db.execute(sql`insert into truth.meta (key, value) values ('bench_link', ${options.link})`);
  }
  return { database, linkNote };
}

/** The figures, then a Markdown table of every timed query against the hand-written one (c). */
function printReport(report: {
  options: BenchOptions;
  engine: string;
  linkNote: string;
  snapshotMs: number;
  stored: number;
  matched: boolean;
  peakRss: number;
  measured: Measured[];
}) {
  const { options, engine, snapshotMs, stored, measured } = report;
  const { children, seed, asOf } = options;
  const baselineMedian = percentile(measured.at(-1)!.times, 0.5);
  const memoryNote = engine === "pglite" ? ", which includes PGlite" : "; the server's memory is not in it";
  console.log("");
  console.log(`engine            ${engine}`);
  console.log(`children          ${children.toLocaleString("en-US")} generated, seed ${seed}, as of ${asOf}`);
  console.log(`linking           ${report.linkNote}`);
  const storedChildren = stored.toLocaleString("en-US");
  console.log(
    `snapshot build    ${secs(snapshotMs)} for ${storedChildren} children (${perSecond(stored, snapshotMs)})`,
  );
  console.log(
    `answers           ${report.matched ? "MATCH" : "DIFFER (see above)"}: ` +
      "API (a) vs hand-written (c), children and insured per prefecture",
  );
  const peakMb = Math.round(report.peakRss / 1024 / 1024).toLocaleString("en-US");
  console.log(`peak memory       ${peakMb} MB (RSS of this process${memoryNote})`);
  console.log(`load              ${loadavg()[0]!.toFixed(2)} (1-minute load average, ${cpus().length} cores)`);
  console.log("");
  console.log(`| query | runs | median | p95 | ratio to (c) |`);
  console.log(`|---|---:|---:|---:|---:|`);
  for (const m of measured) {
    const median = percentile(m.times, 0.5);
    const p95 = percentile(m.times, 0.95);
    console.log(
      `| ${m.what} | ${m.times.length} | ${ms(median)} | ${ms(p95)} | ${(median / baselineMedian).toFixed(4)} |`,
    );
  }
}

/**
 * The plan of (a)'s statement, run through the resolver's own `groupCounts` with a database
 * handle that prefixes what it executes with EXPLAIN: the statement explained is the one the
 * API sends.
 */
async function explainGroupCounts(db: Db, asOf: IsoDate): Promise<string> {
  let plan = "";
  const explaining = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver);
      return async (query: SQL) => {
        const rows = await queryRows<Record<string, string>>(target, sql`explain (analyze, buffers) ${query}`);
        plan = rows.map((r) => Object.values(r)[0]).join("\n");
        return { rows: [] };
      };
    },
  });
  await groupCountsAlone(explaining, asOf);
  return plan;
}

/**
 * The resolver's statement for (a), without GraphQL, gateway, token or audit: what the API
 * costs above it.
 */
async function groupCountsAlone(db: Db, asOf: IsoDate) {
  const { groupCounts } = await import("../src/subgraphs/hub/coverage.queries.ts");
  return groupCounts(
    db,
    asOf,
    sql`left(residence_region_code, 4) || '00'`,
    sql`residence_region_code between '330000' and '339999'`,
    "rollup",
  );
}

/** Prints every prefecture's figures side by side and returns whether all agree. */
function compare(api: Figures[], baseline: Figures[]): boolean {
  const keys = [...new Set([...api.map((g) => g.key), ...baseline.map((g) => g.key)])].sort();
  let same = true;
  console.log("");
  console.log("| prefecture | API children | SQL children | Δ | API insured | SQL insured | Δ |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const sum = (list: Figures[], f: (g: Figures) => number) => list.reduce((n, g) => n + f(g), 0);
  for (const key of keys) {
    const a = api.find((g) => g.key === key) ?? { key, children: 0, insured: 0 };
    const b = baseline.find((g) => g.key === key) ?? { key, children: 0, insured: 0 };
    if (a.children !== b.children || a.insured !== b.insured) same = false;
    const name = lookupDivision(key)?.name ?? "";
    console.log(
      `| ${key} ${name} | ${a.children} | ${b.children} | ${a.children - b.children} ` +
        `| ${a.insured} | ${b.insured} | ${a.insured - b.insured} |`,
    );
  }
  const [ac, bc, ai, bi] = [
    sum(api, (g) => g.children),
    sum(baseline, (g) => g.children),
    sum(api, (g) => g.insured),
    sum(baseline, (g) => g.insured),
  ];
  console.log(`| total | ${ac} | ${bc} | ${ac - bc} | ${ai} | ${bi} | ${ai - bi} |`);
  console.log("");
  return same;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const perSecond = (count: number, milliseconds: number) =>
  `${Math.round(count / (milliseconds / 1000)).toLocaleString("en-US")} children/s`;
const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(1)} ms`);
const secs = (value: number) => `${(value / 1000).toFixed(1)} s`;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
