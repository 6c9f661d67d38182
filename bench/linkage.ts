/**
 * Links a synthetic province from scratch and reports speed, memory and accuracy.
 *
 *   npx tsx bench/linkage.ts --children 1000000 [--seed 1] [--as-of 2026-06-30] [--keep] [--runs 3]
 *
 * --runs links the province that many times (the hub's index emptied before each) and prints
 * every run and their median: on a shared machine one run can be a fifth slower than the next.
 * Database: DATABASE_URL (a PostgreSQL server) or else an in-memory PGlite. On a server,
 * --keep reuses a province a previous run generated with the same size and seed (the hub's
 * tables are emptied first), so the linking can be measured again without regenerating.
 */
import { resourceUsage } from "node:process";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config/index.ts";
import { dropEverything, openMigratedDatabase } from "../src/db/open.ts";
import { generateProvince } from "../src/generator/index.ts";
import { arenaUse } from "../src/linkage/arena.ts";
import { linkAll, type LinkRunSummary } from "../src/linkage/link.ts";
import { measurePairAccuracy } from "./pair-accuracy.ts";
import { relaunchWithFlags } from "./relaunch.ts";
import { provinceMeta } from "./kit/province-meta.ts";

async function main() {
  if (relaunchWithFlags()) return;
  const { values } = parseArgs({
    options: {
      children: { type: "string", default: "100000" },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string", default: "2026-06-30" },
      keep: { type: "boolean", default: false },
      runs: { type: "string", default: "1" },
    },
  });
  const children = Number(values.children);
  const seed = Number(values.seed);
  if (!Number.isInteger(children) || children < 1)
    throw new Error(`--children must be a whole number of at least 1, but got "${values.children}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, but got "${values.seed}"`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number of at least 1, but got "${values.runs}"`);

  const config = loadConfig({ ...process.env, HUB_DATA_DIR: process.env.HUB_DATA_DIR ?? "memory" });
  let database = await openMigratedDatabase(config);
  const existing = await provinceMeta(database.db);
  const reusable =
    values.keep &&
    existing.children === String(children) &&
    existing.seed === String(seed) &&
    existing.as_of === values["as-of"];
  if (reusable) {
    console.log(
      `reusing the province of ${children.toLocaleString("en-US")} children (seed ${seed}) already in the database; ` +
        "emptying the hub's index",
    );
    await database.db.execute(
      sql`truncate hub.unresolved_children, hub.link_reviews, hub.links, hub.child_events, hub.children
        restart identity`,
    );
  } else {
    await dropEverything(database);
    await database.close();
    database = await openMigratedDatabase(config);
    const started = performance.now();
    await generateProvince(database.db, { children, seed, asOf: values["as-of"] });
    const took = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`generated ${children.toLocaleString("en-US")} children in ${took} s`);
  }

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const load = (await import("node:os")).loadavg()[0]!;
  const timed: { seconds: number; cpu: number; summary: LinkRunSummary }[] = [];
  for (let run = 0; run < runs; run++) {
    if (run > 0)
      await database.db.execute(
        sql`truncate hub.unresolved_children, hub.link_reviews, hub.links, hub.child_events, hub.children
        restart identity`,
      );
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const summary = await linkAll(database.db);
    const cpu = process.cpuUsage(cpuBefore);
    timed.push({ seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6, summary });
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, resourceUsage().maxRSS * 1024);
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const line = ({ seconds, summary: { timings } }: (typeof timed)[number]) =>
    `${seconds.toFixed(1)} s (read ${secs(timings.read)}, match ${secs(timings.match)}, write ${secs(timings.write)})`;
  const median = [...timed].sort((a, b) => a.seconds - b.seconds)[Math.floor((timed.length - 1) / 2)]!;
  const { seconds, summary, cpu } = median;

  const accuracy = await measurePairAccuracy(database.db);
  const mb = (b: number) => `${Math.round(b / 1024 / 1024).toLocaleString("en-US")} MB`;
  console.log(`engine            ${database.kind}`);
  console.log(`children          ${children.toLocaleString("en-US")}`);
  console.log(`records           ${summary.records.toLocaleString("en-US")}`);
  if (runs > 1) timed.forEach((run, k) => console.log(`run ${k + 1}             ${line(run)}`));
  console.log(`link time         ${line(median)}${runs > 1 ? ` (median of ${runs} runs)` : ""}`);
  console.log(`records/second    ${Math.round(summary.records / seconds).toLocaleString("en-US")}`);
  console.log(`node CPU          ${cpu.toFixed(1)} s (this process only; the database server's work is not in it)`);
  console.log(`peak memory       ${mb(peakRss)} (RSS)`);
  console.log(
    `matcher arrays    ${mb(arenaUse.takenBytes / runs)} from one buffer, ` +
      `${mb(arenaUse.overflowBytes / runs)} outside it, a run (see src/linkage/arena.ts)`,
  );
  console.log(
    `load before       ${load.toFixed(2)} (1-minute load average, ${(await import("node:os")).cpus().length} cores)`,
  );
  console.log(`children found    ${summary.children.toLocaleString("en-US")}`);
  const percent = (share: number) => `${(share * 100).toFixed(3)}%`;
  const count = (n: number) => n.toLocaleString("en-US");
  console.log(`precision         ${percent(accuracy.precision)} of ${count(accuracy.predictedPairs)} linked pairs`);
  console.log(`recall            ${percent(accuracy.recall)} of ${count(accuracy.truePairs)} true pairs`);
  console.log(`review queue      ${count(accuracy.openReviews)} (${percent(accuracy.reviewShare)} of records)`);
  console.log(
    `unresolved        ${count(summary.unresolvedChildren)} children (held out of coverage until a person decides)`,
  );
  const { stageMs, ...stats } = summary.stats;
  console.log(
    `match stages      ${Object.entries(stageMs)
      .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`)
      .join(", ")}`,
  );
  console.log(`stats             ${JSON.stringify({ ...stats, skippedBlocks: stats.skippedBlocks.length })}`);
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
