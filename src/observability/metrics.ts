import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The hub's Prometheus metrics (prom-client), one registry per process. Every label takes a
 * bounded set of values, so a caller cannot grow the series without end: operation names come
 * from the safelist (or the hub's own operations) and anything else is "other" or "anonymous"
 * (`OperationLabels`), roles and error codes are enumerations, a record kind is one of the
 * registry's.
 *
 * Served on a port of its own (HUB_METRICS_PORT, loopback unless HUB_METRICS_HOST says
 * otherwise: `serveMetrics`), never on the GraphQL port, so publishing the API never publishes
 * the metrics by accident.
 *
 *   hubMetrics.requests.inc({ server: "gateway", operation: "PatientCard", role: "family_doctor" })
 */
export class HubMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "hub_graphql_requests_total",
    help: "GraphQL operations answered, by server (gateway or subgraph), operation name and caller role",
    labelNames: ["server", "operation", "role"] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: "hub_graphql_request_duration_seconds",
    help: "Time from a GraphQL operation's start to its answer, by server, operation name and caller role",
    labelNames: ["server", "operation", "role"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: "hub_graphql_errors_total",
    help: "Errors answered, by server and error code (extensions.code, or the HTTP layer's refusal code)",
    labelNames: ["server", "code"] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: "hub_rate_limit_refusals_total",
    help: "Operations refused because their token subject used its budget for the minute, by budget",
    labelNames: ["budget"] as const,
    registers: [this.registry],
  });

  readonly ingestRows = new Counter({
    name: "hub_ingest_rows_total",
    help: "Rows of submitted record batches, by record kind and outcome (accepted, updated, unchanged, rejected)",
    labelNames: ["kind", "outcome"] as const,
    registers: [this.registry],
  });

  readonly snapshotBuild = new Histogram({
    name: "hub_snapshot_build_seconds",
    help: "Time to build a whole coverage snapshot in this process",
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  private readonly pools = new Set<pg.Pool>();

  constructor() {
    const pools = this.pools;
    new Gauge({
      name: "hub_db_pool_connections",
      help: "PostgreSQL pool connections: total open, idle, and requests waiting for one",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        let total = 0;
        let idle = 0;
        let waiting = 0;
        for (const pool of pools) {
          total += pool.totalCount;
          idle += pool.idleCount;
          waiting += pool.waitingCount;
        }
        this.set({ state: "total" }, total);
        this.set({ state: "idle" }, idle);
        this.set({ state: "waiting" }, waiting);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "hub_" });
  }

  /** Reports this pool's use in hub_db_pool_connections (PostgreSQL; PGlite has no pool). */
  watchPool(pool: pg.Pool): () => void {
    this.pools.add(pool);
    return () => void this.pools.delete(pool);
  }

  /** Times a snapshot build into hub_snapshot_build_seconds. */
  async timeSnapshotBuild<T>(build: () => Promise<T>): Promise<T> {
    const end = this.snapshotBuild.startTimer();
    const result = await build();
    end();
    return result;
  }

  /** Counts a submitted batch's rows by outcome. */
  countIngest(
    kind: string,
    report: { accepted: number; updated: number; unchanged: number; rejectedRows: number },
  ): void {
    if (report.accepted) this.ingestRows.inc({ kind, outcome: "accepted" }, report.accepted);
    if (report.updated) this.ingestRows.inc({ kind, outcome: "updated" }, report.updated);
    if (report.unchanged) this.ingestRows.inc({ kind, outcome: "unchanged" }, report.unchanged);
    if (report.rejectedRows) this.ingestRows.inc({ kind, outcome: "rejected" }, report.rejectedRows);
  }
}

/** The process's metrics: every server of the process reports here, and /metrics serves them. */
export const hubMetrics = new HubMetrics();

/**
 * Maps a client's operation name to a label: the name itself when it is a known one (the
 * safelist's, or the hub's own operations), "anonymous" without a name, "other" otherwise. A
 * client choosing names freely cannot add series.
 */
export class OperationLabels {
  constructor(private readonly known: ReadonlySet<string>) {}

  label(name: string | null | undefined): string {
    if (!name) return "anonymous";
    return this.known.has(name) ? name : "other";
  }
}

/** Error codes are an enumeration, but a subgraph of another make could answer any: beyond these, "OTHER". */
export function errorCodeLabel(code: unknown, known: ReadonlySet<string>): string {
  return typeof code === "string" && known.has(code) ? code : "OTHER";
}

export interface RunningMetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics in Prometheus's text format on `host:port`, and nothing else (404). The scraper's
 * port: keep it on loopback or a private network (HUB_METRICS_HOST).
 */
export async function serveMetrics(
  options: { port: number; host: string },
  metrics: HubMetrics = hubMetrics,
): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at GET /metrics\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics could not be collected\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
