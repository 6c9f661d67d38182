import { createHash } from "node:crypto";
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
import {
  clientMistakes,
  introspectionCorpus,
  maliciousCorpus,
  variableAttacks,
  type Attack,
  type Category,
  type HttpAttack,
} from "./corpus.ts";
import { runOnGateway, type Answer } from "./run.ts";

/**
 * The malicious corpus against the gateway with its default limits, over HTTP on loopback as an
 * outsider sends it, with a valid token (every caller may be an attacker): each operation is
 * refused with the limit it breaks, and refused before execution — no SQL statement is sent and
 * no access-log row is written. Every refusal, here and for the variable attacks and client
 * mistakes, is a 4xx (never a 5xx nor INTERNAL_SERVER_ERROR) answered in under 100 ms and 10 KB.
 * Rate limits are off on these gateways: the corpus is one subject sending a thousand operations.
 */
const OFFICER = { subject: "corpus-attacker", role: "insurance_officer", scope: { region: "33" } } as const;
const NO_BUDGETS = { HUB_RATE_OPERATIONS_PER_MINUTE: "0", HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0" };
/** The bounds on a refusal (acceptance of issue 18). */
const MAX_REFUSAL_MS = 100;
const MAX_REFUSAL_BYTES = 10 * 1024;

interface HttpAnswer extends Answer {
  /** The fastest of up to three tries (a loaded 2-core machine pauses now and then). */
  ms: number;
  bytes: number;
  text: string;
}

/** Sends a request over HTTP, timing it from the first byte sent to the last received. */
async function sendOnce(
  url: string,
  request: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpAnswer> {
  const started = performance.now();
  const response = await fetch(url, { method: request.method ?? "POST", headers: request.headers, body: request.body });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not every refusal is JSON (Node's own 431, a 404 page)
  }
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Omit<Answer, "status"> | null;
  return { status: response.status, ms, bytes: Buffer.byteLength(text), text, ...(first ?? {}) };
}

/** A refusal is timed again, twice at most, when it took longer than the bound: the fastest counts. */
async function send(
  url: string,
  request: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpAnswer> {
  let answer = await sendOnce(url, request);
  for (let retry = 0; retry < 2 && answer.ms >= MAX_REFUSAL_MS; retry++) {
    const again = await sendOnce(url, request);
    if (again.ms < answer.ms) answer = again;
  }
  return answer;
}

/** What is wrong with a refusal whatever it refuses: a 5xx, an internal error, a stack, its time or size. */
function boundsProblem(answer: HttpAnswer): string | null {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.text.includes("INTERNAL_SERVER_ERROR")) return "INTERNAL_SERVER_ERROR";
  if (answer.text.includes("stacktrace")) return "a stack trace";
  if (answer.ms >= MAX_REFUSAL_MS) return `${Math.round(answer.ms)} ms`;
  if (answer.bytes >= MAX_REFUSAL_BYTES) return `${answer.bytes} bytes`;
  return null;
}

/** Figures of every refusal sent over HTTP, printed at the end. */
const figures = { refusals: 0, maxMs: 0, maxBytes: 0 };
function record(answer: HttpAnswer) {
  figures.refusals++;
  figures.maxMs = Math.max(figures.maxMs, answer.ms);
  figures.maxBytes = Math.max(figures.maxBytes, answer.bytes);
}

describe("the malicious corpus", () => {
  let hub: TestHub;
  let production: GatewayServer;
  let guarded: GatewayServer;
  let http: RunningHttpServer;
  let productionHttp: RunningHttpServer;
  let guardedHttp: RunningHttpServer;
  let headers: Record<string, string>;
  const counts: Partial<Record<Category | HttpAttack["category"], number>> = {};

  const auditRows = async () =>
    (await queryRows<{ n: number }>(hub.database.db, sql`select count(*)::int as n from audit.access_log`))[0]!.n;

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200 }, { hardening: testHardening(NO_BUDGETS) });
    const gatewayWith = (env: Record<string, string>) =>
      createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
        hardening: testHardening({ ...NO_BUDGETS, ...env }),
      });
    production = await gatewayWith({ HUB_PRODUCTION: "true" });
    guarded = await gatewayWith({ HUB_PRODUCTION: "true", HUB_SAFELIST: "tests/operations" });
    http = await hub.gateway.listen(0);
    productionHttp = await production.listen(0);
    guardedHttp = await guarded.listen(0);
    headers = await headersFor(OFFICER);
    // The first requests of a process compile the code they run: not what a refusal costs.
    for (let i = 0; i < 20; i++)
      for (const url of [http.url, productionHttp.url, guardedHttp.url])
        await sendOnce(url, { headers: { "content-type": "application/json" }, body: '{"query":"{ a }"}' });
  }, 120_000);
  afterAll(async () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`malicious corpus: ${total} operations refused before execution: ${JSON.stringify(counts)}`);
    console.log(
      `refusals over HTTP: ${figures.refusals}, slowest ${figures.maxMs.toFixed(1)} ms, ` +
        `largest ${figures.maxBytes} bytes`,
    );
    for (const server of [http, productionHttp, guardedHttp]) await server?.close();
    await production?.stop();
    await guarded?.stop();
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

  async function expectRefused(url: string, attacks: Attack[]) {
    const before = await auditRows();
    hub.resetStatements();
    const failures: string[] = [];
    for (const attack of attacks) {
      const answer = await send(url, {
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: attack.query, variables: attack.variables }),
      });
      record(answer);
      const problem = problemWith(attack, answer) ?? boundsProblem(answer);
      if (problem) failures.push(`${attack.category}: ${attack.query.slice(0, 100)}…: ${problem}`);
      counts[attack.category] = (counts[attack.category] ?? 0) + 1;
    }
    expect(failures).toEqual([]);
    expect(hub.statements()).toBe(0);
    expect(await auditRows()).toBe(before);
  }

  /** Sends each request to each server with each caller's headers, and checks the answer against the attack's. */
  async function expectAnswers(
    attacks: HttpAttack[],
    targets: { name: string; url: string; headers: Record<string, string> }[],
  ) {
    const before = await auditRows();
    hub.resetStatements();
    const failures: string[] = [];
    for (const target of targets) {
      for (const attack of attacks) {
        const answer = await send(target.url.replace(/\/graphql$/, attack.path ?? "/graphql"), {
          method: attack.method,
          headers: { ...target.headers, ...attack.headers },
          body: attack.body,
        });
        record(answer);
        const code = answer.errors?.[0]?.extensions?.code ?? null;
        const limit = answer.errors?.[0]?.extensions?.limit;
        const expected = attack.expect;
        const problem =
          boundsProblem(answer) ??
          (answer.status !== expected.status || code !== expected.code
            ? `${answer.status} ${String(code)}, expected ${expected.status} ${String(expected.code)}: ` +
              answer.text.slice(0, 200)
            : expected.limit && limit !== expected.limit
              ? `limit ${String(limit)}, expected ${expected.limit}`
              : null);
        if (problem) failures.push(`${target.name}: ${attack.name}: ${problem}`);
        counts[attack.category] = (counts[attack.category] ?? 0) + 1;
      }
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
      await expectRefused(http.url, attacks);
    },
    120_000,
  );

  it("refuses introspection in production, disguised or not, before executing it", async () => {
    await expectRefused(productionHttp.url, introspectionCorpus());
  });

  it(
    "#18.1 answers a 50,000-key variable (and every other variable attack) in under 100 ms and 10 KB, " +
      "anonymous or not, in production mode and through the safelist, by text or by id",
    async () => {
      const gapList = readFileSync(path.resolve("tests/operations/gap-list.graphql"), "utf8");
      const byText = variableAttacks(gapList);
      const byId = variableAttacks(gapList, {
        persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(gapList).digest("hex") },
      });
      expect(byText.map((a) => a.name)).toContain("50000 unknown keys in an input object");
      const json = { "content-type": "application/json" };
      const targets = [
        { name: "anonymous", url: http.url, headers: json },
        { name: "officer", url: http.url, headers: { ...json, ...headers } },
        { name: "production, anonymous", url: productionHttp.url, headers: json },
        { name: "safelist, anonymous", url: guardedHttp.url, headers: json },
        { name: "safelist, officer", url: guardedHttp.url, headers: { ...json, ...headers } },
      ];
      await expectAnswers(byText, targets);
      await expectAnswers(byId, targets.slice(3));
    },
    120_000,
  );

  it(
    "#18.16 answers every client mistake with a 4xx and a code, never a 5xx or INTERNAL_SERVER_ERROR, " +
      "in under 100 ms and 10 KB",
    async () => {
      const targets = [
        { name: "development", url: http.url, headers },
        { name: "production", url: productionHttp.url, headers },
      ];
      await expectAnswers(clientMistakes(), targets);
    },
    120_000,
  );

  it("#18.5 refuses an over-costly operation whose pages are its variables' defaults, before it runs", async () => {
    const answer = await send(http.url, {
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        query:
          `query($a: Int = 500, $b: Int = 500) { schools(region: "33", first: $a) { edges { node { ` +
          `students(first: $b) { edges { node { name child { name } } } } } } } }`,
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "HUB_MAX_COST" });
    expect(boundsProblem(answer)).toBeNull();
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
