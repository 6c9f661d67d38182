import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { generateProvince, type GenerateOptions } from "../../src/generator/index.ts";
import { loadHardening, type HardeningConfig } from "../../src/config/index.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { type ServerOptions } from "../../src/server/apollo-server.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../src/graphql/subgraph.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { openTestDatabase, type Engine, type TestDatabase } from "./database.ts";
import { linkFromTruth } from "./link-from-truth.ts";
import { testAuth } from "./auth.ts";

/** Hardening settings as the environment `env` would give them, without log lines on the test output. */
export function testHardening(env: Record<string, string> = {}): HardeningConfig {
  return loadHardening({ HUB_LOG: "off", ...env }, testAuth);
}

export interface TestHub {
  database: TestDatabase;
  gateway: GatewayServer;
  /** childKey (generator truth) → master child id; empty for a hub the test fills itself. */
  childIds: Map<string, number>;
  /** SQL statements sent since the last `resetStatements()`. */
  statements(): number;
  resetStatements(): void;
  close(): Promise<void>;
}

/**
 * The one harness that boots the hub for a test: a fresh database on the engine, a generated
 * province linked from its truth with the coverage snapshot of its date built, as `npm start`
 * seeds the demo (or, with `province` null, nothing: the test builds what it needs,
 * tests/kit/builders.ts), and the gateway in-process over the checked-in supergraph (with the
 * safe default hardening unless `server.hardening` says otherwise).
 */
export async function startTestHub(
  engine: Engine,
  province: Partial<GenerateOptions> | null = {},
  server: ServerOptions = {},
): Promise<TestHub> {
  let statements = 0;
  const database = await openTestDatabase(engine, { onQuery: () => statements++ });
  let childIds = new Map<string, number>();
  if (province) {
    const options = { children: 1_000, seed: 7, asOf: "2026-06-30", ...province };
    await generateProvince(database.db, options);
    childIds = await linkFromTruth(database.db);
    // A read never builds a snapshot (issue #18, finding 6): the daily job's is there, as in the demo.
    await buildSnapshot(database.db, options.asOf);
  }
  const gateway = await createGatewayServer(
    readSupergraph(),
    { kind: "in-process", db: database.db },
    testAuth,
    server,
  );
  return {
    database,
    gateway,
    childIds,
    statements: () => statements,
    resetStatements: () => void (statements = 0),
    close: async () => {
      await gateway.stop();
      await database.close();
    },
  };
}

/**
 * Every subgraph as its own HTTP service on a loopback port, and a gateway over their URLs.
 * `onSubgraphRequest` puts a recording proxy in front of each subgraph: what really crossed
 * the wire. `hardening` sets the subgraph servers' and the gateway's settings (mutual TLS, say:
 * tests/kit/tls.ts); by default both have the safe defaults, and the gateway signs.
 */
export async function startRemoteHub(
  database: TestDatabase,
  onSubgraphRequest?: (subgraph: SubgraphName, headers: Headers) => void,
  hardening: { subgraphs?: HardeningConfig; gateway?: HardeningConfig } = {},
): Promise<{
  gateway: GatewayServer;
  gatewayHttp: RunningHttpServer;
  /** Where each subgraph server (or its recording proxy) listens. */
  urls: Record<SubgraphName, string>;
  close(): Promise<void>;
}> {
  const running: { stop(): Promise<void>; http: RunningHttpServer }[] = [];
  const urls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) {
    const server = await createSubgraphServer(SUBGRAPHS[name], database.db, testAuth, {
      hardening: hardening.subgraphs,
    });
    const http = await server.listen(0);
    running.push({ stop: server.stop, http });
    urls[name] = http.url;
    if (onSubgraphRequest) {
      const proxy = await recordingProxy(http.url, (headers) => onSubgraphRequest(name, headers));
      running.push({ stop: async () => {}, http: proxy });
      urls[name] = proxy.url;
    }
  }
  const gateway = await createGatewayServer(readSupergraph(), { kind: "remote", urls }, testAuth, {
    hardening: hardening.gateway,
  });
  const gatewayHttp = await gateway.listen(0);
  return {
    gateway,
    gatewayHttp,
    urls,
    close: async () => {
      await gatewayHttp.close();
      await gateway.stop();
      for (const r of running) {
        await r.http.close();
        await r.stop();
      }
    },
  };
}

async function recordingProxy(target: string, record: (headers: Headers) => void): Promise<RunningHttpServer> {
  const server = createServer(async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    record(headers);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    headers.delete("host");
    headers.delete("content-length");
    const response = await fetch(target, {
      method: req.method,
      headers,
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
