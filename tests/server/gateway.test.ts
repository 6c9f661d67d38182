import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers, type DemoAnchor } from "../../src/access/identity/demo.ts";
import { setLogDestination } from "../../src/log.ts";
import { serveHttp } from "../../src/server/http.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { type ServerOptions } from "../../src/server/apollo-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import type { OperationLogLine } from "../../src/server/log.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { runOnGateway } from "./run.ts";

/**
 * Production mode, the safelist, the rate limits and the operation log, each on a gateway of its
 * own over one province.
 */
describe("the hardened gateway", () => {
  let hub: TestHub;
  let anchor: DemoAnchor;
  const gateways: GatewayServer[] = [];
  const officer = () => headersFor({ subject: "officer-1", role: "insurance_officer", scope: { region: "33" } });

  async function gatewayWith(env: Record<string, string>, options: ServerOptions = {}) {
    const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening: testHardening(env),
      ...options,
    });
    gateways.push(gateway);
    return gateway;
  }

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200 });
    anchor = await demoAnchorFromDatabase(hub.database.db);
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await hub?.close();
  });

  describe("in production mode", () => {
    it("gives no field suggestions and no stack traces, where development mode gives suggestions", async () => {
      const production = await gatewayWith({ HUB_PRODUCTION: "true" });
      const query = `{ childrenInRegon(region: "33") { totalCount } }`;
      const dev = await runOnGateway(hub.gateway, query, {}, await officer());
      expect(dev.errors![0]!.message).toMatch(/Did you mean "childrenInRegion"\?/);
      // #18.23: stack traces only with the explicit development flag, not merely outside production.
      expect(dev.errors![0]!.extensions?.stacktrace).toBeUndefined();
      const prod = await runOnGateway(production, query, {}, await officer());
      expect(prod.errors![0]!.message).toBe(`Cannot query field "childrenInRegon" on type "Query".`);
      expect(JSON.stringify(prod)).not.toMatch(/stacktrace|Did you mean|childrenInRegion/);
    });

    it("serves no GraphiQL and refuses introspection", async () => {
      const production = await gatewayWith({ HUB_PRODUCTION: "true" });
      const http = await production.listen(0);
      try {
        expect((await fetch(http.url.replace(/graphql$/, "graphiql"))).status).toBe(404);
        // Nor Apollo's landing page (an embedded schema explorer).
        const landing = await fetch(http.url, { headers: { accept: "text/html" } });
        expect(await landing.text()).not.toMatch(/<html|sandbox/i);
        const response = await fetch(http.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __schema { types { name } } }" }),
        });
        expect(response.status).toBe(400);
        expect(JSON.stringify(await response.json())).toMatch(/introspection is not allowed/);
      } finally {
        await http.close();
      }
      const development = await hub.gateway.listen(0);
      try {
        expect((await fetch(development.url.replace(/graphql$/, "graphiql"))).status).toBe(200);
      } finally {
        await development.close();
      }
    });

    it(
      "masks an unexpected error (here SQL on a missing table) to a code and an id, " +
        "and logs the whole error under that id",
      async () => {
        const reported: { id: string; error: unknown }[] = [];
        const production = await gatewayWith(
          { HUB_PRODUCTION: "true" },
          { reportInternal: (id, error) => reported.push({ id, error }) },
        );
        const stderrLines: string[] = [];
        setLogDestination({ write: (line: string) => void stderrLines.push(line) });
        await hub.database.db.execute(sql`alter table hub.children rename to children_gone`);
        let answer;
        try {
          answer = await runOnGateway(
            production,
            `{ childrenInRegion(region: "33", first: 2) { edges { node { id name } } } }`,
            {},
            await officer(),
          );
        } finally {
          await hub.database.db.execute(sql`alter table hub.children_gone rename to children`);
          setLogDestination(null);
        }
        expect(answer.status).toBeLessThan(500);
        const [error] = answer.errors!;
        expect(error!.extensions).toEqual({
          code: "INTERNAL_SERVER_ERROR",
          errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
        expect(error!.message).toBe(`internal error ${error!.extensions!.errorId}: the details are in the server log`);
        expect(JSON.stringify(answer)).not.toMatch(/select |from "|relation|children_gone|stack/i);
        // The subgraph's shield logged the driver's error under the id; the gateway reported what it
        // saw under the same id.
        const errorId = error!.extensions!.errorId as string;
        const logLines = stderrLines.filter((line) => line.includes(errorId));
        expect(logLines.join("\n")).toMatch(/relation .*children.* does not exist/);
        expect(reported.map((r) => r.id)).toContain(errorId);
      },
    );

    it("answers a request still running at the execution timeout with 504 and the limit named", async () => {
      const never = { executeHTTPGraphQLRequest: () => new Promise(() => {}) } as never;
      const http = await serveHttp(never, {
        port: 0,
        host: "127.0.0.1",
        context: () => ({}),
        graphiql: false,
        executionTimeoutMs: 150,
      });
      try {
        const response = await fetch(http.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        expect(response.status).toBe(504);
        expect(
          ((await response.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0],
        ).toEqual({
          message: "the operation ran longer than the limit of 150 ms (HUB_EXECUTION_TIMEOUT_MS)",
          extensions: { code: "TIMEOUT", limit: "HUB_EXECUTION_TIMEOUT_MS", max: 150 },
        });
      } finally {
        await http.close();
      }
    });
  });

  describe("batching", () => {
    it(
      "answers a batch up to HUB_MAX_BATCH operations, each one counted and limited like any other, " +
        "and refuses a larger one",
      async () => {
        const gateway = await gatewayWith({ HUB_MAX_BATCH: "3" });
        const http = await gateway.listen(0);
        const analyst = await headersFor(demoViewers(anchor).analyst);
        const send = (operations: string[]) =>
          fetch(http.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...analyst },
            body: JSON.stringify(operations.map((query) => ({ query }))),
          });
        try {
          const ok = await send([
            `{ schools(region: "33", first: 1) { edges { node { code } } } }`,
            `{ __typename }`,
            `{ __typename }`,
          ]);
          expect(ok.status).toBe(200);
          expect(((await ok.json()) as unknown[]).length).toBe(3);
          // Apollo gives a batch one HTTP status, so an operation refused inside makes it 400; the others still answer.
          const mixed = await send([
            `{ schools(region: "33", first: 1) { edges { node { code } } } }`,
            `{ schools(region: "33", first: 501) { totalCount } }`,
            `{ __typename }`,
          ]);
          expect(mixed.status).toBe(400);
          const answers = (await mixed.json()) as { data?: unknown; errors?: { extensions: { limit?: string } }[] }[];
          expect(answers).toHaveLength(3);
          expect(answers[0]!.errors).toBeUndefined();
          expect(answers[1]!.errors![0]!.extensions.limit).toBe("HUB_MAX_PAGE_SIZE");
          expect(answers[2]!.data).toEqual({ __typename: "Query" });
          const tooMany = await send(Array.from({ length: 4 }, () => "{ __typename }"));
          expect(tooMany.status).toBe(400);
          expect(JSON.stringify(await tooMany.json())).toContain(
            "number of operations in a batch 4 exceeds the limit of 3 (HUB_MAX_BATCH)",
          );
        } finally {
          await http.close();
        }
      },
    );
  });

  describe("with a safelist", () => {
    const regionCoverage = readFileSync(path.resolve("tests/operations/region-coverage.graphql"), "utf8");

    it("runs a registered operation, by its text or by its id, and refuses any other before it runs", async () => {
      const gateway = await gatewayWith({ HUB_SAFELIST: "tests/operations" });
      const analyst = await headersFor(demoViewers(anchor).analyst);
      const registered = await runOnGateway(gateway, regionCoverage, { region: "33", groupBy: "REGION" }, analyst);
      expect(registered.errors).toBeUndefined();
      expect(registered.data).toMatchObject({ coverageSummary: { total: { children: expect.any(Number) } } });

      hub.resetStatements();
      const other = await runOnGateway(
        gateway,
        `{ coverageSummary(region: "33", groupBy: REGION) { total { childern } } }`,
        {},
        analyst,
      );
      expect(other.status).toBe(400);
      expect(other.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/not one of the registered operations.*\(HUB_SAFELIST\)/),
          extensions: expect.objectContaining({ code: "OPERATION_NOT_SAFELISTED" }),
        }),
      ]);
      expect(hub.statements()).toBe(0);

      const http = await gateway.listen(0);
      try {
        const byId = async (hash: string) =>
          (await fetch(http.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...analyst },
            body: JSON.stringify({
              variables: { region: "33", groupBy: "REGION" },
              extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
            }),
          }).then((r) => r.json())) as { data?: unknown; errors?: { extensions: { code: string } }[] };
        expect((await byId(createHash("sha256").update(regionCoverage).digest("hex"))).data).toMatchObject({
          coverageSummary: { total: { children: expect.any(Number) } },
        });
        expect((await byId("0".repeat(64))).errors?.[0]?.extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
      } finally {
        await http.close();
      }
    });
  });

  describe("rate limits per token subject", () => {
    it(
      "refuses the operation over the per-minute budget with RATE_LIMITED, 429 and Retry-After; " +
        "other subjects go on",
      async () => {
        const gateway = await gatewayWith({
          HUB_RATE_OPERATIONS_PER_MINUTE: "3",
          HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0",
        });
        const query = `{ schools(region: "33", first: 1) { edges { node { code } } } }`;
        const a = await headersFor({ subject: "busy", role: "analyst", scope: { region: "33" } });
        for (let i = 0; i < 3; i++) expect((await runOnGateway(gateway, query, {}, a)).errors).toBeUndefined();
        const http = await gateway.listen(0);
        try {
          const response = await fetch(http.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...a },
            body: JSON.stringify({ query }),
          });
          expect(response.status).toBe(429);
          expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
          const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
          expect(body.errors[0]!.extensions.code).toBe("RATE_LIMITED");
          expect(body.errors[0]!.message).toMatch(
            /budget of 3 operations per minute \(HUB_RATE_OPERATIONS_PER_MINUTE\); retry in \d+ s/,
          );
        } finally {
          await http.close();
        }
        const b = await headersFor({ subject: "quiet", role: "analyst", scope: { region: "33" } });
        expect((await runOnGateway(gateway, query, {}, b)).errors).toBeUndefined();
      },
    );

    it("counts the child records answers return, and refuses the next operation once the budget is spent", async () => {
      const gateway = await gatewayWith({
        HUB_RATE_OPERATIONS_PER_MINUTE: "0",
        HUB_RATE_CHILD_RECORDS_PER_MINUTE: "10",
      });
      const headers = await officer();
      const first = await runOnGateway(
        gateway,
        `{ childrenInRegion(region: "33", first: 12) { edges { node { id } } } }`,
        {},
        headers,
      );
      expect((first.data as { childrenInRegion: { edges: unknown[] } }).childrenInRegion.edges).toHaveLength(12);
      hub.resetStatements();
      const next = await runOnGateway(
        gateway,
        `{ childrenInRegion(region: "33", first: 1) { edges { node { id } } } }`,
        {},
        headers,
      );
      expect(next.status).toBe(429);
      expect(next.errors![0]!.message).toMatch(
        /budget of 10 child records per minute \(HUB_RATE_CHILD_RECORDS_PER_MINUTE\)/,
      );
      expect(hub.statements()).toBe(0);
    });
  });

  describe("the operation log", () => {
    it(
      "writes one line per operation with name, role, duration, size and error codes, " + "and no personal data",
      async () => {
        const lines: OperationLogLine[] = [];
        const gateway = await gatewayWith({}, { logger: (line) => lines.push(line) });
        const doctor = demoViewers(anchor).family_doctor;
        const headers: Record<string, string> = {
          ...(await headersFor(doctor)),
          "x-purpose": `check ${anchor.idNumber}`,
        };
        const patient = await runOnGateway(
          gateway,
          `query PatientCard($idNumber: String!) {
          childByIdNumber(idNumber: $idNumber) { id name idNumber guardians { name phone } } }`,
          { idNumber: anchor.idNumber },
          headers,
        );
        const child = (
          patient.data as { childByIdNumber: { name: string; guardians: { name: string; phone: string | null }[] } }
        ).childByIdNumber;
        expect(child.name).toBeTruthy();
        await runOnGateway(
          gateway,
          `query Q${anchor.idNumber} { childByIdNumber(idNumber: "${anchor.idNumber}") { id } }`,
          {},
          headers,
        );
        await runOnGateway(gateway, `{ nothing }`, {}, headers);

        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatchObject({
          kind: "operation",
          server: "gateway",
          operationName: "PatientCard",
          role: "family_doctor",
          childRecords: 1,
          errorCodes: [],
        });
        expect(lines[0]!.durationMs).toBeGreaterThanOrEqual(0);
        expect(lines[0]!.resultBytes).toBe(Buffer.byteLength(JSON.stringify({ data: patient.data })));
        expect(lines[1]!.operationName).toBe("(unloggable name)");
        expect(lines[2]).toMatchObject({ role: "unidentified", errorCodes: ["GRAPHQL_VALIDATION_FAILED"] });
        const text = JSON.stringify(lines);
        const personal = [
          anchor.idNumber!,
          anchor.idNumber!.slice(0, 14),
          child.name,
          // A guardian the registry has no phone for has none to leak.
          ...child.guardians.flatMap((g) => [g.name, g.phone]).filter((v): v is string => v !== null),
          doctor.subject,
          headers.authorization!.slice(7, 40),
          "check ",
        ];
        for (const value of personal) expect(text).not.toContain(value);
      },
    );
  });
});
