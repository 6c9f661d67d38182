import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase } from "../../src/access/identity/demo.ts";
import { startTracing, tracingOn, type Tracing } from "../../src/observability/tracing.ts";
import { headersFor } from "../kit/auth.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { startRemoteHub } from "../kit/gateway.ts";
import { seedSmallProvince } from "./processes.ts";

/**
 * Issue 23, item 10: a trace from the gateway through a subgraph server to SQL, exported over
 * OTLP/HTTP (JSON) to a collector stand-in on loopback. The subgraphs run as their own HTTP
 * servers, so the trace crosses a real HTTP hop on `traceparent`.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;

/** A collector stand-in: POST /v1/traces with an OTLP JSON body; keeps every span it is sent. */
async function startCollector(): Promise<{ url: string; spans: OtlpSpan[]; bodies: string[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces" || !/json/.test(req.headers["content-type"] ?? "")) {
        res.writeHead(415).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      bodies.push(body);
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const r of parsed.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, bodies, server };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

describe("tracing to an OTLP collector", () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: Tracing;
  let database: TestDatabase;
  let hub: Awaited<ReturnType<typeof startRemoteHub>>;

  beforeAll(async () => {
    expect(tracingOn()).toBe(false); // nothing registered until an endpoint is configured
    collector = await startCollector();
    tracing = startTracing({ endpoint: collector.url, serviceName: "hub-under-test", delayMs: 100 });
    database = await openTestDatabase("pglite", { traceSql: true });
    await seedSmallProvince(database.db);
    hub = await startRemoteHub(database);
  });
  afterAll(async () => {
    await hub?.close();
    await tracing?.shutdown();
    await database?.close();
    collector?.server.close();
  });

  it("exports one trace of the gateway's, a subgraph server's and SQL spans, without parameter values", async () => {
    const anchor = await demoAnchorFromDatabase(database.db);
    collector.spans.length = 0;
    const response = await fetch(hub.gatewayHttp.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await headersFor(OFFICER)) },
      body: JSON.stringify({
        query: "query TraceProbe($id: String!) { childByIdNumber(idNumber: $id) { id name } }",
        variables: { id: anchor.idNumber },
      }),
    });
    expect(response.status).toBe(200);
    await response.text(); // the server span ends once the body is sent
    // An export the batch timer started may still be on its way when flush returns (a busy
    // machine): wait for the root span to arrive rather than read the collector once.
    const rootSpan = () => collector.spans.find((s) => s.name === "gateway POST /graphql" && !s.parentSpanId);
    for (const deadline = Date.now() + 10_000; !rootSpan() && Date.now() < deadline;) {
      await tracing.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The gateway's server span is the root; every other span of the request shares its trace.
    const root = rootSpan();
    expect(root, collector.spans.map((s) => s.name).join(", ")).toBeDefined();
    const trace = collector.spans.filter((s) => s.traceId === root!.traceId);
    const names = trace.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["gateway.request", "gateway.plan", "gateway.fetch"]));

    // A subgraph server continued the trace from the traceparent of a gateway fetch.
    const fetches = new Set(trace.filter((s) => s.name === "gateway.fetch").map((s) => s.spanId));
    const subgraph = trace.find((s) => / POST \/graphql$/.test(s.name) && s.name !== root!.name);
    expect(subgraph, names.join(", ")).toBeDefined();
    expect(fetches.has(subgraph!.parentSpanId!)).toBe(true);
    expect(attribute(subgraph!, "graphql.operation.name")).toBeDefined();

    // SQL statements ran under the subgraph's span, with their text and nothing of their values.
    const sql = trace.filter((s) => attribute(s, "db.query.text") !== undefined);
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.map((s) => s.name)).toContain("SELECT");
    expect(sql.every((s) => attribute(s, "db.system.name") === "postgresql")).toBe(true);
    const spanIds = new Set(trace.map((s) => s.spanId));
    expect(sql.every((s) => spanIds.has(s.parentSpanId!))).toBe(true);
    expect(collector.bodies.join("\n")).not.toContain(anchor.idNumber!);
  });
});
