import type pg from "pg";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { signToken } from "../../src/access/identity/tokens.ts";
import type { Config } from "../../src/config/index.ts";
import type { Database } from "../../src/db/client.ts";
import type { GatewayServer } from "../../src/gateway/gateway-server.ts";
import type { ResultRow } from "./table.ts";

/** What the command line asked for. */
export interface BenchOptions {
  children: number;
  seed: number;
  asOf: string;
  runs: number;
  warmup: number;
  /** Seconds of the concurrent-load scenario. */
  duration: number;
  connections: number;
  /** Arrival rates (requests/s) of the province-day scenario, each run for `duration` s. */
  rates: number[];
  /** Rows of each department batch sent meanwhile (every 10 s); 0 sends none (reads alone). */
  batchRows: number;
  /** Children of the coverage-summary scenario's own provinces (default: --children). */
  coverageChildren: number;
  /** Children of the linkage run and rows of the import run in scenario 6. */
  linkageChildren: number;
  importRows: number;
  /** Engines of the coverage-summary scenario. */
  coverageEngines: ("postgres" | "pglite")[];
  keep: boolean;
}

/** Everything a scenario needs, prepared once per run and shared. */
export interface BenchContext {
  options: BenchOptions;
  /** The run's environment (with its token secret), for scenarios that open databases of their own. */
  env: NodeJS.ProcessEnv;
  /** The server the run's databases live on, and the API scenarios' province database on it. */
  adminUrl: string;
  provinceUrl: string;
  database: Database;
  config: Config;
  /** The gateway with every subgraph in this process, on `database`. */
  gateway: GatewayServer;
  /** node-postgres straight to the province: the hand-written baselines' connection pool. */
  pool: pg.Pool;
  record(row: ResultRow): void;
  note(text: string): void;
}

/** A bearer header for a viewer, signed with the run's secret. */
export async function bearer(
  context: Pick<BenchContext, "config">,
  viewer: AuthenticatedViewer,
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signToken(viewer, context.config.auth, { expiresIn: "2 hours" })}` };
}

/** A GraphQL answer that must have no errors: the benchmark times only successful work. */
export function dataOf(
  what: string,
  result: { data?: Record<string, unknown> | null; errors?: readonly { message: string }[] },
): Record<string, unknown> {
  if (result.errors?.length)
    throw new Error(`${what} answered with errors: ${JSON.stringify(result.errors.slice(0, 3))}`);
  if (!result.data) throw new Error(`${what} answered without data`);
  return result.data;
}

/** A scenario of the suite: one file under bench/scenarios/. */
export interface Scenario {
  /** The name on the command line (`npm run bench -- <name>`). */
  name: string;
  title: string;
  run(context: BenchContext): Promise<void>;
}
