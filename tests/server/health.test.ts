import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAsOf } from "../../src/coverage/as-of.ts";
import { createReadiness } from "../../src/observability/health.ts";
import type { OperationLogLine } from "../../src/server/log.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { createGatewayServer } from "../../src/gateway/gateway-server.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { testAuth } from "../kit/auth.ts";
import { openTestDatabase } from "../kit/database.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * Issue 23, item 10: liveness and readiness on the gateway's own port (and a subgraph
 * server's), unauthenticated, and never logged as GraphQL operations.
 */
const MIGRATIONS = path.resolve(import.meta.dirname, "../../migrations");

describe("/healthz and /readyz", () => {
  const today = defaultAsOf();
  const lines: OperationLogLine[] = [];
  let hub: TestHub;
  let http: RunningHttpServer | undefined;
  let gateway: { stop(): Promise<void> } | undefined;
  let tmp: string;

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 30, asOf: today });
    tmp = mkdtempSync(path.join(tmpdir(), "hub-health-"));
  });
  afterAll(async () => {
    await http?.close();
    await gateway?.stop();
    await hub?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function listenWith(ready: ReturnType<typeof createReadiness>): Promise<string> {
    await http?.close();
    await gateway?.stop();
    const server = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening: testHardening(),
      logger: (line) => lines.push(line),
      ready,
    });
    gateway = server;
    http = await server.listen(0);
    return http.url.replace(/\/graphql$/, "");
  }

  const get = async (url: string) => {
    const response = await fetch(url);
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  it("answers /healthz without a token, /readyz once database, migrations and today's snapshot are there", async () => {
    const base = await listenWith(createReadiness(hub.database.db, MIGRATIONS, { cacheMs: 0 }));
    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, text: "ok\n" });
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", migrations: "ok", snapshot: "ok" },
    });
    expect(lines).toEqual([]); // probes are no GraphQL operations
  });

  it("answers 503 naming the failing check: today's snapshot missing", async () => {
    const base = await listenWith(
      createReadiness(hub.database.db, MIGRATIONS, { cacheMs: 0, today: () => "2001-01-01" }),
    );
    const answer = await get(`${base}/readyz`);
    expect(answer.status).toBe(503);
    expect(answer.json()).toEqual({
      status: "not ready",
      failing: "snapshot",
      checks: {
        database: "ok",
        migrations: "ok",
        snapshot: "no coverage snapshot for 2001-01-01 (npm run coverage builds it)",
      },
    });
    expect((await get(`${base}/healthz`)).status).toBe(200); // alive all the same
  });

  it("answers 503 naming the failing check: a migration not applied", async () => {
    const dir = path.join(tmp, "migrations");
    mkdirSync(path.join(dir, "meta"), { recursive: true });
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string; when: number }[];
    };
    journal.entries.push({ ...journal.entries.at(-1)!, tag: "9999_not_yet", when: Date.now() + 86_400_000 });
    writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
    const base = await listenWith(createReadiness(hub.database.db, dir, { cacheMs: 0 }));
    const answer = await get(`${base}/readyz`);
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ failing: "migrations", checks: { database: "ok", snapshot: "not checked" } });
    expect(answer.text).toContain("9999_not_yet");
  });

  it("answers 503 naming the failing check: the database unreachable", async () => {
    const gone = await openTestDatabase("pglite");
    await gone.close();
    const base = await listenWith(createReadiness(gone.db, MIGRATIONS, { cacheMs: 0 }));
    const answer = await get(`${base}/readyz`);
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({
      status: "not ready",
      failing: "database",
      checks: { migrations: "not checked", snapshot: "not checked" },
    });
  });

  it("serves both on a subgraph server of its own", async () => {
    const server = await createSubgraphServer(SUBGRAPHS.hub, hub.database.db, testAuth, {
      hardening: testHardening(),
      ready: createReadiness(hub.database.db, MIGRATIONS, { cacheMs: 0 }),
    });
    const running = await server.listen(0);
    try {
      const base = running.url.replace(/\/graphql$/, "");
      expect((await get(`${base}/healthz`)).status).toBe(200);
      expect((await get(`${base}/readyz`)).json()).toMatchObject({ status: "ready" });
    } finally {
      await running.close();
      await server.stop();
    }
  });
});
