import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { sql } from "drizzle-orm";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { limitViolations } from "../../src/server/limits.ts";
import { DEFAULT_LIMITS } from "../../src/config/limits.ts";
import { measureOperation } from "../../src/server/measure.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { introspectionCorpus, maliciousCorpus, type Attack, type Category } from "./corpus.ts";
import { runOnGateway, type Answer } from "./run.ts";

/**
 * The malicious corpus against the gateway with its default limits, sent with a valid token
 * (every caller may be an attacker): each operation is refused with the limit it breaks, and
 * refused before execution — no SQL statement is sent and no access-log row is written.
 */
const OFFICER = { subject: "corpus-attacker", role: "insurance_officer", scope: { region: "33" } } as const;

describe("the malicious corpus", () => {
  let hub: TestHub;
  let production: GatewayServer;
  let http: RunningHttpServer;
  let headers: Record<string, string>;
  const counts: Partial<Record<Category, number>> = {};

  const auditRows = async () =>
    (await queryRows<{ n: number }>(hub.database.db, sql`select count(*)::int as n from audit.access_log`))[0]!.n;

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200 });
    production = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening: testHardening({ HUB_PRODUCTION: "true" }),
    });
    http = await hub.gateway.listen(0);
    headers = await headersFor(OFFICER);
  }, 120_000);
  afterAll(async () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`malicious corpus: ${total} operations refused before execution: ${JSON.stringify(counts)}`);
    await http?.close();
    await production?.stop();
    await hub?.close();
  });

  function problemWith(attack: Attack, answer: Answer): string | null {
    if (answer.status !== 400) return `status ${answer.status}`;
    if (answer.data != null) return "data came back";
    const errors = answer.errors ?? [];
    const { limits, validation } = attack.refusedBy;
    const byLimit =
      limits &&
      errors.some(
        (e) =>
          e.extensions?.code === "OPERATION_LIMIT_EXCEEDED" &&
          limits.includes(String(e.extensions?.limit)) &&
          / exceeds the limit of \d+ \(HUB_[A-Z_]+\)/.test(e.message),
      );
    const byValidation = validation && errors.some((e) => validation.test(e.message));
    return byLimit || byValidation ? null : `refused otherwise: ${JSON.stringify(errors.slice(0, 2)).slice(0, 300)}`;
  }

  async function expectRefused(gateway: GatewayServer, attacks: Attack[]) {
    const before = await auditRows();
    hub.resetStatements();
    const failures: string[] = [];
    for (const attack of attacks) {
      const problem = problemWith(attack, await runOnGateway(gateway, attack.query, attack.variables, headers));
      if (problem) failures.push(`${attack.category}: ${attack.query.slice(0, 100)}…: ${problem}`);
      counts[attack.category] = (counts[attack.category] ?? 0) + 1;
    }
    expect(failures).toEqual([]);
    expect(hub.statements()).toBe(0);
    expect(await auditRows()).toBe(before);
  }

  it(
    "refuses every deep, wide, aliased, directive- and token-heavy, cyclic, " +
      "over-paged and over-costly operation before executing it",
    async () => {
      const attacks = maliciousCorpus(DEFAULT_LIMITS.maxDepth);
      expect(attacks.length).toBeGreaterThanOrEqual(500);
      await expectRefused(hub.gateway, attacks);
    },
    120_000,
  );

  it("refuses introspection in production, disguised or not, before executing it", async () => {
    await expectRefused(production, introspectionCorpus());
  });

  it("refuses batches of 2 to 1,000 operations and oversized bodies over HTTP, with the limit named", async () => {
    hub.resetStatements();
    const sizes = [...Array.from({ length: 19 }, (_, i) => i + 2), 50, 100, 250, 500, 750, 1_000];
    for (const size of sizes) {
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(
          Array.from({ length: size }, () => ({ query: '{ schools(region: "33") { totalCount } }' })),
        ),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        errors: { message: string; extensions: { code: string; limit: string } }[];
      };
      expect(body.errors[0]!.message).toBe(
        `number of operations in a batch ${size} exceeds the limit of 1 (HUB_MAX_BATCH)`,
      );
      expect(body.errors[0]!.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "HUB_MAX_BATCH" });
      counts.batches = (counts.batches ?? 0) + 1;
    }
    for (const bytes of [1_000_001, 2_000_000, 7_000_000]) {
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: `{ childByIdNumber(idNumber: "${"1".repeat(bytes)}") { id } }` }),
      });
      expect(response.status).toBe(413);
      expect(
        ((await response.json()) as { errors: { extensions: { limit: string } }[] }).errors[0]!.extensions.limit,
      ).toBe("HUB_MAX_BODY_BYTES");
      counts["body size"] = (counts["body size"] ?? 0) + 1;
    }
    expect(hub.statements()).toBe(0);
    // A batch within the limit still answers (a JSON array of one).
    const one = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify([{ query: '{ schools(region: "33", first: 1) { edges { node { code } } } }' }]),
    });
    expect(one.status).toBe(200);
    const [answer] = (await one.json()) as { data: { schools: { edges: unknown[] } }; errors?: unknown }[];
    expect(answer!.errors).toBeUndefined();
    expect(answer!.data.schools.edges).toHaveLength(1);
  });

  describe("graphql-armor's known bypasses stay closed", () => {
    const refusedBy = async (gateway: GatewayServer, query: string) => {
      hub.resetStatements();
      const answer = await runOnGateway(gateway, query, {}, headers);
      expect(hub.statements()).toBe(0);
      expect(answer.status).toBe(400);
      return (answer.errors ?? []).map((e) => String(e.extensions?.limit ?? e.message));
    };
    const deep =
      `enrollment { child { enrollment { child { enrollment { child { enrollment { child { ` +
      `enrollment { recordId } } } } } } } } }`;

    it("counts depth hidden in a fragment named __schema (max-depth once skipped it as introspection)", async () => {
      expect(
        await refusedBy(
          hub.gateway,
          `{ ...__schema } fragment __schema on Query { childByIdNumber(idNumber: "1") { ${deep} } }`,
        ),
      ).toContain("HUB_MAX_DEPTH");
    });

    it(
      "refuses introspection in production however it is disguised: " +
        "aliased, in a fragment named __schema, in an inline fragment",
      async () => {
        for (const query of [
          `{ s: __schema { types { name } } }`,
          `{ ...__schema } fragment __schema on Query { __schema { types { name } } }`,
          `{ ... on Query { __type(name: "Child") { name } } }`,
        ]) {
          expect((await refusedBy(production, query)).join(" ")).toMatch(/introspection is not allowed/);
        }
      },
    );

    it("ends on fragment cycles at once and refuses them", async () => {
      const started = performance.now();
      const errors = await refusedBy(
        hub.gateway,
        `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }`,
      );
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(errors.join(" ")).toMatch(/Cannot spread fragment "A" within itself/);
    });

    it(
      "counts aliases and directives inside fragments, " + "and an alias of an expensive connection at its full cost",
      async () => {
        const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(" ");
        expect(await refusedBy(hub.gateway, `{ ...A } fragment A on Query { ${aliases} }`)).toContain(
          "HUB_MAX_ALIASES",
        );
        expect(
          await refusedBy(
            hub.gateway,
            `{ ...A } fragment A on Query { __typename ${"@include(if: true) ".repeat(11)} }`,
          ),
        ).toContain("HUB_MAX_DIRECTIVES");
        const page =
          `schools(region: "33", first: 500) { edges { node { ` +
          `students(first: 500) { edges { node { name } } } } } }`;
        expect(await refusedBy(hub.gateway, `{ a: ${page} }`)).toContain("HUB_MAX_COST");
      },
    );

    it("bounds what the token count does not see (comments) by the query size", async () => {
      expect(await refusedBy(hub.gateway, `# ${"x".repeat(20_000)}\n{ __typename }`)).toContain("HUB_MAX_QUERY_BYTES");
    });
  });

  it(
    "lets every operation under tests/operations/ through at its largest page, " +
      "and a 2,000-student roster within the cost limit",
    () => {
      const api = Supergraph.build(readSupergraph()).apiSchema().toGraphQLJSSchema();
      const dir = path.resolve("tests/operations");
      const files = readdirSync(dir).filter((f) => f.endsWith(".graphql"));
      expect(files.length).toBeGreaterThanOrEqual(7);
      for (const file of files) {
        const measure = measureOperation(api, parse(readFileSync(path.join(dir, file), "utf8")), {
          variables: { first: DEFAULT_LIMITS.maxPageSize },
        });
        expect(limitViolations(measure, DEFAULT_LIMITS), file).toEqual([]);
      }
      const roster = measureOperation(api, parse(readFileSync(path.join(dir, "school-roster.graphql"), "utf8")), {
        variables: { first: 2_000 },
      });
      expect(limitViolations(roster, DEFAULT_LIMITS).map((v) => v.limit)).toEqual(["maxPageSize"]);
    },
  );
});
