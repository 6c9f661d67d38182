import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import type { Database } from "../../src/db/client.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { handWritten, type Figures } from "../coverage-baseline.ts";
import { assertSameAnswer } from "../kit/compare.ts";
import { bearer, dataOf, type BenchContext, type Scenario } from "../kit/context.ts";
import { say } from "../kit/log.ts";
import { startRssSampler } from "../kit/memory.ts";
import { benchDatabase, dropBenchDatabase } from "../kit/pg-server.ts";
import { prepareProvince } from "../kit/province.ts";
import { ratio } from "../kit/stats.ts";
import { timeRuns } from "../kit/timing.ts";
import { benchHardening } from "../kit/hardening.ts";

/** The same question as bench/coverage-summary.ts (issue #6): the province by prefecture. */
const SUMMARY = `query Summary($asOf: Date) {
  coverageSummary(region: "33", groupBy: REGION, asOf: $asOf) {
    total { children insured }
    groups { key label suppressed children insured insuredRate newborns newbornsInsured statusCounts { status count } }
  }
}`;

/** A province-wide insurance officer: statistics by residence region, no small-cell suppression. */
const OFFICER: AuthenticatedViewer = { subject: "bench-officer", role: "insurance_officer", scope: { region: "33" } };

/**
 * The prefectures' children and insured children from the API's answer, for comparing with the
 * hand-written aggregate.
 */
export function figuresOf(groups: readonly { key: string | null; children: number; insured: number }[]): Figures[] {
  return groups
    .map((g) => ({ key: g.key ?? "(none)", children: g.children, insured: g.insured }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export const coverageSummary: Scenario = {
  name: "coverage",
  title: "5. coverage summary of a region",
  async run(context: BenchContext) {
    const { asOf, coverageChildren, children } = context.options;
    for (const engine of context.options.coverageEngines) {
      // The API scenarios' province when the size is the same on PostgreSQL; else one of its own.
      let database: Database;
      let gateway: GatewayServer;
      let cleanup: () => Promise<void>;
      if (engine === "postgres" && coverageChildren === children) {
        database = context.database;
        gateway = context.gateway;
        cleanup = async () => {};
      } else {
        say(`coverage: preparing ${coverageChildren.toLocaleString("en-US")} children on ${engine}`);
        const env: NodeJS.ProcessEnv = { ...context.env };
        delete env.DATABASE_URL;
        if (engine === "postgres")
          env.DATABASE_URL = await benchDatabase(context.adminUrl, "hub_bench_coverage", {
            keep: context.options.keep,
          });
        else env.HUB_DATA_DIR = "memory";
        const prepared = await prepareProvince(env, {
          children: coverageChildren,
          seed: context.options.seed,
          asOf,
          keep: context.options.keep && engine === "postgres",
        });
        database = prepared.database;
        gateway = await createGatewayServer(
          readSupergraph(),
          { kind: "in-process", db: database.db },
          prepared.config.auth,
          { hardening: benchHardening(prepared.config.auth) },
        );
        context.note(`5 (${engine}): ${prepared.notes.join("; ")}`);
        cleanup = async () => {
          await gateway.stop();
          await database.close();
          if (engine === "postgres" && !context.options.keep)
            await dropBenchDatabase(context.adminUrl, "hub_bench_coverage");
        };
      }
      try {
        const headers = await bearer(context, OFFICER);
        const viaApi = async () => {
          const data = dataOf("coverageSummary", await gateway.execute(SUMMARY, { asOf }, headers));
          return figuresOf(
            (data.coverageSummary as { groups: { key: string | null; children: number; insured: number }[] }).groups,
          );
        };
        const bySql = () => handWritten(database.db, asOf);
        assertSameAnswer(`coverage (${engine}): API vs the hand-written aggregate`, await viaApi(), await bySql());
        say(`coverage (${engine}): the API's prefectures equal the hand-written aggregate's`);
        const memory = startRssSampler();
        // The aggregate takes seconds: three runs (the check above warmed it); the API all of --runs.
        const stats = {
          sql: await timeRuns(bySql, { runs: 3, warmup: 0 }),
          api: await timeRuns(viaApi, { runs: context.options.runs, warmup: context.options.warmup }),
        };
        const peak = memory.stop();
        const engineName = engine === "postgres" ? "PostgreSQL" : "PGlite";
        const scenario = `5 coverage summary, ${coverageChildren.toLocaleString("en-US")} children, ${engineName}`;
        context.record({
          scenario,
          variant: "hand-written aggregate over raw tables (bench/coverage-baseline.ts)",
          runs: stats.sql.runs,
          median: stats.sql.median,
          p95: stats.sql.p95,
          throughput: `${stats.sql.throughput.toFixed(2)} /s`,
          peakRss: peak,
          ratio: 1,
          against: "baseline",
          check: "baseline",
        });
        context.record({
          scenario,
          variant: 'coverageSummary("33", REGION) through the gateway',
          runs: stats.api.runs,
          median: stats.api.median,
          p95: stats.api.p95,
          throughput: `${stats.api.throughput.toFixed(1)} /s`,
          peakRss: peak,
          ratio: ratio(stats.api.median, stats.sql.median),
          against: "hand-written aggregate",
          check: "✓ children and insured per prefecture equal",
        });
      } finally {
        await cleanup();
      }
    }
    context.note(
      "5: as issue #6's bench/coverage-summary.ts: the API reads the maintained snapshot (built once per as-of " +
        "date, its build time in the province notes); the baseline derives every child's residence and insurance " +
        "from the departments' raw tables in one statement, so the ratio shows what the snapshot buys. " +
        "Peak RSS on PGlite includes the embedded database. At 1,000,000 children run " +
        "`npm run bench -- coverage --coverage-children 1000000 --coverage-engines postgres` " +
        "(PGlite at 1M needs ~23 GB).",
    );
  },
};
