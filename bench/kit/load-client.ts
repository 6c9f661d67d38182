/**
 * The load generator of scenario 4, in its own process so that it does not share the
 * server's event loop: autocannon with N connections for D seconds, each request taken in
 * turn from a pool of (headers, body) — mixed roles and operations — and every response body
 * checked for GraphQL errors. Reads its job as JSON from the HUB_BENCH_LOAD environment
 * variable; prints the result as one JSON line.
 */
import autocannon from "autocannon";

export interface LoadJob {
  url: string;
  connections: number;
  duration: number;
  pool: { label: string; headers: Record<string, string>; body: string }[];
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  graphqlErrors: number;
  firstError: string | null;
  byLabel: Record<string, number>;
}

async function main() {
  const job = JSON.parse(process.env.HUB_BENCH_LOAD ?? "") as LoadJob;
  let next = 0;
  let graphqlErrors = 0;
  let firstError: string | null = null;
  const byLabel: Record<string, number> = {};
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    timeout: 30,
    requests: [
      {
        method: "POST",
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          const item = job.pool[next++ % job.pool.length]!;
          context.label = item.label;
          return {
            ...request,
            method: "POST",
            headers: { "content-type": "application/json", ...item.headers },
            body: item.body,
          };
        },
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          const label = String(context.label);
          byLabel[label] = (byLabel[label] ?? 0) + 1;
          if (status !== 200 || body.includes('"errors"')) {
            graphqlErrors++;
            firstError ??= `${label}: HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  const r = result as unknown as {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  };
  const out: LoadResult = {
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    socketErrors: r.errors,
    timeouts: r.timeouts,
    graphqlErrors,
    firstError,
    byLabel,
  };
  console.log(JSON.stringify(out));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
