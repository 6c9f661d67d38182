import { parseArgs } from "node:util";
import { demoAnchorFromDatabase, demoTokens, offersDemoIdentities } from "../access/identity/demo.ts";
import { loadConfig, redactUrl, type Config } from "../config/index.ts";
import type { Database } from "../db/client.ts";
import { countRecords } from "../db/counts.ts";
import { asOwner, openMigratedDatabase } from "../db/open.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../graphql/subgraph.ts";
import { consoleRoute, CONSOLE_PATH, type DemoIdentity } from "../gateway/console-route.ts";
import { EXAMPLE_QUERY, EXAMPLE_ROLE } from "../server/examples.ts";
import { createGatewayServer } from "../gateway/gateway-server.ts";
import { stopOnSignals } from "../server/shutdown.ts";
import { createSubgraphServer } from "../server/subgraph-server.ts";
import { readSupergraph } from "../gateway/supergraph.ts";
import { SUBGRAPHS } from "../gateway/subgraphs.ts";
import { configureLogging, log } from "../log.ts";
import { createReadiness } from "../observability/health.ts";
import { hubMetrics, serveMetrics } from "../observability/metrics.ts";
import { startTracing } from "../observability/tracing.ts";
import { seedDemoProvince, unlinkedRecords } from "./demo.ts";

const USAGE = `usage:
  npm start                                   gateway and every subgraph in one process (default)
  npm start -- --tokens                       the same, printing a demo bearer token for every role
  npm start -- --subgraph insurance --port 4104   one subgraph as its own HTTP service
  npm start -- --remote household=http://127.0.0.1:4101/graphql,health=…,education=…,insurance=…,hub=…
                                              the gateway against subgraphs running elsewhere
A subgraph answers only requests the gateway signed: start both with the same HUB_GATEWAY_SECRET
(required in production; unset outside production, both derive it from HUB_JWT_SECRET or the demo
secret, so the demo works as it is).`;

async function main() {
  const { values } = parseArgs({
    options: {
      subgraph: { type: "string" },
      port: { type: "string" },
      remote: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      tokens: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const config = loadConfig(process.env, process.cwd(), (m) => log().warn(m));
  configureLogging({ level: config.observability.logLevel });
  const port = values.port ? Number(values.port) : config.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, but got "${values.port}"\n${USAGE}`);
  // SIGTERM/SIGINT: stop accepting, drain, stop Apollo, close the database, exit 0 (shutdown.ts).
  const grace = config.shutdownGraceMs;
  const stopping = stopOnSignals({ graceMs: grace });
  await startObservability(config, stopping);

  if (values.remote) {
    const urls = parseRemote(values.remote);
    const gateway = await createGatewayServer(readSupergraph(), { kind: "remote", urls }, config.auth, {
      hardening: config.hardening,
    });
    stopping.defer("gateway", () => gateway.stop());
    const running = await gateway.listen(port, values.host, [consoleRoute({ dir: CONSOLE_DIR })]);
    stopping.defer("http", () => running.close(grace));
    stopping.ready();
    const consoleUrl = `${running.url.replace(/\/graphql$/, CONSOLE_PATH)}/`;
    log().info(`gateway (remote subgraphs) at ${running.url}, web console at ${consoleUrl}`);
    return;
  }

  const where =
    config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
  log().info(`database: ${config.database.kind} (${where}); migrating…`);
  const database = await openMigratedDatabase(config, {
    traceSql: config.observability.otlpEndpoint !== null,
    warn: (m) => log().warn(m),
  });
  stopping.defer("database", () => database.close());
  if (database.pool) hubMetrics.watchPool(database.pool);
  // /readyz: the database answers, the migrations are applied, today's snapshot is built.
  const ready = createReadiness(database.db, config.migrationsDir);

  if (values.subgraph) {
    const name = values.subgraph as SubgraphName;
    if (!SUBGRAPH_NAMES.includes(name))
      throw new Error(`--subgraph must be one of ${SUBGRAPH_NAMES.join(", ")}, but got "${values.subgraph}"`);
    const server = await createSubgraphServer(SUBGRAPHS[name], database.db, config.auth, {
      hardening: config.hardening,
      ready,
    });
    stopping.defer(`subgraph ${name}`, () => server.stop());
    const running = await server.listen(port, values.host);
    stopping.defer("http", () => running.close(grace));
    stopping.ready();
    log().info(`subgraph ${name} at ${running.url}`);
    return;
  }

  // A bulk load (the generator creates a schema, a first link rebuilds indexes): the owner's work.
  await asOwner(config, database, seedDemoProvince);
  const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, config.auth, {
    hardening: config.hardening,
    ready,
  });
  stopping.defer("gateway", () => gateway.stop());
  const running = await gateway.listen(port, values.host, [
    consoleRoute({ dir: CONSOLE_DIR, demoIdentities: demoIdentitiesFor(database, config) }),
  ]);
  stopping.defer("http", () => running.close(grace));
  await printWelcome(database, running.url, config, values.tokens);
  stopping.ready();
}

/**
 * Tracing when HUB_OTLP_ENDPOINT is set (before anything that makes spans is built), and the
 * metrics port when HUB_METRICS_PORT is; both stop last, after the servers and the database.
 */
async function startObservability(config: Config, stopping: ReturnType<typeof stopOnSignals>): Promise<void> {
  const { otlpEndpoint, serviceName, metrics } = config.observability;
  if (otlpEndpoint) {
    const tracing = startTracing({ endpoint: otlpEndpoint, serviceName });
    stopping.defer("tracing", () => tracing.shutdown());
    log().info(`tracing: spans go to ${redactUrl(otlpEndpoint)}/v1/traces`);
  }
  if (metrics) {
    const served = await serveMetrics(metrics);
    stopping.defer("metrics", () => served.close());
    log().info(`metrics at ${served.url}`);
  }
}

/** Built by `npm run build:console` (npm start runs it first). */
const CONSOLE_DIR = "dist/console";

/**
 * The console's demo sign-in list: only while tokens are signed with the public demo secret,
 * and never in production; otherwise the console asks for a token (and the list is not served).
 */
function demoIdentitiesFor(database: Database, config: Config): (() => Promise<DemoIdentity[]>) | undefined {
  const auth = config.auth;
  if (!offersDemoIdentities(config)) return undefined;
  return async () =>
    (await demoTokens(database.db, auth, { expiresIn: 12 * 3_600 })).map((t) => ({
      role: t.role,
      subject: t.viewer.subject,
      scope: { ...t.viewer.scope },
      token: t.token,
    }));
}

function parseRemote(value: string): Record<SubgraphName, string> {
  const urls: Partial<Record<SubgraphName, string>> = {};
  for (const part of value.split(",")) {
    const [name, url] = part.split("=", 2) as [string, string | undefined];
    if (!SUBGRAPH_NAMES.includes(name as SubgraphName) || !url || !/^https?:\/\//.test(url)) {
      throw new Error(`--remote takes name=url pairs for ${SUBGRAPH_NAMES.join(", ")}, but got "${part}"\n${USAGE}`);
    }
    urls[name as SubgraphName] = url;
  }
  const missing = SUBGRAPH_NAMES.filter((n) => !urls[n]);
  if (missing.length > 0) throw new Error(`--remote is missing ${missing.join(", ")}\n${USAGE}`);
  return urls as Record<SubgraphName, string>;
}

/**
 * The banner for the person who ran `npm start` (plain text, not a log line): what the hub holds,
 * one request to try, and where everything is, ending with the console and how to stop. A
 * database with records but no children (a first start stopped while seeding) says how to recover.
 */
async function printWelcome(database: Database, url: string, config: Config, allTokens: boolean) {
  const auth = config.auth;
  const counts = await countRecords(database.db);
  const n = (name: string) => counts[name]!.toLocaleString("en-US");
  const unlinked = unlinkedRecords(counts);
  if (unlinked) log().warn(unlinked);
  // Production prints no token and no child's ID number: stdout ends up in log files.
  const demo = !config.production;
  const tokens = demo && auth.kind === "secret" ? await demoTokens(database.db, auth) : [];
  const officer = tokens.find((t) => t.role === EXAMPLE_ROLE);
  const lines = [
    "",
    `child coverage hub: ${n("children")} children linked from ${n("persons")} persons, ` +
      `${n("studentRegistrations")} student registrations, ${n("enrollments")} enrollments`,
  ];
  if (unlinked) lines.push("", `!! ${unlinked}`);
  if (demo) {
    // The demo child: inside the row scope of every demo token that reads individual children.
    const idNumber = (await demoAnchorFromDatabase(database.db)).idNumber ?? "330106201501010011";
    // Every field is denied without a token; with one, the policy table decides field by field,
    // so the example asks only what its role may read (tests/gateway/http.test.ts checks that).
    const body = JSON.stringify({ query: EXAMPLE_QUERY, variables: { idNumber } });
    const authorization = ` -H 'authorization: Bearer ${officer ? officer.token : `<an ${EXAMPLE_ROLE} token>`}'`;
    const others =
      tokens.length === 0
        ? ""
        : allTokens
          ? ""
          : "; every role's demo token: GraphiQL's token picker, or npm start -- --tokens";
    lines.push(
      "",
      `try it (as ${EXAMPLE_ROLE}${others}):`,
      `  curl -s ${url} -H 'content-type: application/json'${authorization} --data '${body.replaceAll("'", "'\\''")}'`,
    );
    if (allTokens && tokens.length > 0) {
      const lifetime = `${Math.round(auth.maxLifetimeSeconds / 360) / 10} h`;
      lines.push("", `demo bearer tokens (${lifetime}, HS256 with the configured secret), one per role:`);
      for (const t of tokens) lines.push(`  ${t.role.padEnd(18)} ${t.token}`);
    }
  }
  const graphiql = config.hardening.production
    ? "  GraphiQL  off (production mode)"
    : `  GraphiQL  ${url.replace(/\/graphql$/, "/graphiql")}   (served locally, no CDN)`;
  const demoSignIn = offersDemoIdentities(config) ? "; sign in with a demo identity" : "";
  const consoleUrl = `${url.replace(/\/graphql$/, CONSOLE_PATH)}/`;
  lines.push(
    "",
    `  GraphQL   ${url}`,
    graphiql,
    `  Console   ${consoleUrl}   (schools, family doctors, insurance offices${demoSignIn})`,
    "",
    "Ctrl-C to stop",
    "",
  );
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  log().fatal({ err: error }, `could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
