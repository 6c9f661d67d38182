import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "node:https";
import type { RequestListener } from "node:http";

/**
 * Hive Gateway's runtime, loaded by a name TypeScript does not follow: its typings pull in
 * @whatwg-node/fetch, which references the DOM library, and the DOM's Blob and fetch types would
 * then replace Node's for the whole project's type check. Only the little used here is typed.
 */
interface HiveRuntime extends RequestListener {
  dispose(): unknown;
}
const RUNTIME = "@graphql-hive/gateway-runtime";
const { createGatewayRuntime } = (await import(RUNTIME)) as {
  createGatewayRuntime(options: Record<string, unknown>): HiveRuntime;
};

/**
 * A third-party Federation router for the tests: Hive Gateway (MIT) on the hub's checked-in
 * supergraph, configured as the README's "Behind another router" shows an operator: each
 * subgraph at its HTTPS URL, the router's client certificate on every subgraph connection,
 * the subgraphs' certificates checked against the hub's CA, and the caller's Authorization,
 * X-Purpose and X-Request-Id passed on (the subgraphs verify the token themselves). Nothing of
 * the hub's own code: run as its own process (tests/server/processes.ts), it prints its URL.
 *
 *   HIVE_SUPERGRAPH      the supergraph file (schema/supergraph.graphql)
 *   HIVE_SUBGRAPH_URLS   JSON: subgraph name → its https://…/graphql URL
 *   HIVE_TLS_CERT, HIVE_TLS_KEY, HIVE_TLS_CA   PEM files: the router's certificate and key, the CA
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`hive-router: ${name} is not set`);
  return value;
};

const agent = new Agent({
  cert: readFileSync(env("HIVE_TLS_CERT")),
  key: readFileSync(env("HIVE_TLS_KEY")),
  ca: readFileSync(env("HIVE_TLS_CA")),
  keepAlive: true,
});
const urls = JSON.parse(env("HIVE_SUBGRAPH_URLS")) as Record<string, string>;
const FORWARDED = ["authorization", "x-purpose", "x-request-id"];

const gateway = createGatewayRuntime({
  supergraph: env("HIVE_SUPERGRAPH"),
  transportEntries: Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, { location }])),
  customAgent: () => agent,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) =>
      Object.fromEntries(FORWARDED.map((name) => [name, request.headers.get(name)])),
  },
  logging: "error",
  landingPage: false,
  graphiql: false,
});

const server = createServer(gateway);
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`hive gateway at http://127.0.0.1:${port}/graphql`);
});
process.once("SIGTERM", () => {
  server.close();
  void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
});
