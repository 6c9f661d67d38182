import { Supergraph } from "@apollo/federation-internals";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers } from "../../src/access/identity/demo.ts";
import { decisionForViewer } from "../../src/access/fields/field-rules.ts";
import { ANONYMOUS_VIEWER, type Viewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { bearerFor, everyDemoViewer, testAuth } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { generateOperations, type FuzzFixture, type Selection } from "./fuzz-operations.ts";
import { runOnGateway, type Answer } from "./run.ts";

/**
 * 10,000 valid operations generated from the supergraph, each sent through the production
 * gateway by a random role (every demo role, each department's system, no token at all). For
 * every answer: no 5xx, no stack trace, no SQL text in an error, no field suggestion, and no
 * non-null value of a field the policy table denies to that role (a masked field's strings are
 * masked). Rate limits are off here: the walk is one test sending many operations per subject.
 * FUZZ_N=500 runs fewer, for a quick look while working on the fuzzer itself.
 */
const OPERATIONS = Number(process.env.FUZZ_N ?? 10_000);
const CONCURRENCY = 4;
const SEED = 20261125;
const SQL_TEXT = /select |from "|relation |insert into|syntax error at|violates|column "|pglite|drizzle/i;
const MASKED = /\*/;

describe("fuzzing the gateway with valid operations from the supergraph", () => {
  let hub: TestHub;
  let gateway: GatewayServer;
  let fixture: FuzzFixture;
  const viewers: Viewer[] = [];
  const headers = new Map<Viewer, Record<string, string>>();

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 150 });
    gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening: testHardening({
        HUB_PRODUCTION: "true",
        HUB_RATE_OPERATIONS_PER_MINUTE: "0",
        HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0",
      }),
      reportInternal: () => {},
    });
    const db = hub.database.db;
    const anchor = await demoAnchorFromDatabase(db);
    const [child] = await queryRows<{
      child_key: string;
      id_number: string;
      certificate: string | null;
      site_code: string | null;
    }>(
      db,
      sql`select child_key, id_number, birth_certificate_number as certificate, site_code from truth.children
          where id_number = ${anchor.idNumber!}`,
    );
    const [household] = await queryRows<{ n: string }>(
      db,
      sql`select household_number as n from household.persons where household_number is not null limit 1`,
    );
    const [area] = await queryRows<{ code: string }>(
      db,
      sql`select area_code as code from insurance.coordination_areas order by area_code limit 1`,
    );
    const childId = String(hub.childIds.get(child!.child_key));
    fixture = {
      strings: {
        id: [childId],
        childId: [childId],
        idNumber: [anchor.idNumber!],
        certificateNumber: child!.certificate ? [child!.certificate] : [],
        studentNumber: [`G${anchor.idNumber}`],
        householdNumber: household ? [household.n] : [],
        region: ["33", anchor.county.slice(0, 4), anchor.county],
      },
      codes: {
        School: [anchor.school],
        FamilyDoctor: [anchor.doctor],
        VaccinationSite: child!.site_code ? [child!.site_code] : [],
        CoordinationArea: [area!.code.trim()],
      },
    };
    viewers.push(...everyDemoViewer(demoViewers(anchor)));
    for (const viewer of viewers)
      if (viewer.role !== "anonymous") headers.set(viewer, { authorization: await bearerFor(viewer) });
    viewers.push(ANONYMOUS_VIEWER);
    headers.set(ANONYMOUS_VIEWER, {});
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await hub?.close();
  });

  /** What is wrong with an answer, by the oracle; empty when nothing. */
  function problems(
    answer: Answer,
    root: Selection[],
    viewer: Viewer,
    stats: { values: number; denied: number },
  ): string[] {
    const found: string[] = [];
    if (answer.status >= 500) found.push(`status ${answer.status}`);
    const errors = JSON.stringify(answer.errors ?? []);
    if (/stacktrace|\bat [\w.<>]+ \(/.test(errors)) found.push("a stack trace in an error");
    if (SQL_TEXT.test(errors)) found.push(`SQL text in an error: ${errors.slice(0, 200)}`);
    if (/Did you mean/.test(errors)) found.push("a field suggestion");
    const walk = (typeName: string, value: unknown, selections: Selection[]) => {
      if (value === null || value === undefined) return;
      if (Array.isArray(value)) return value.forEach((item) => walk(typeName, item, selections));
      const object = value as Record<string, unknown>;
      for (const selection of selections) {
        const fieldValue = object[selection.field];
        const decision = decisionForViewer(viewer, typeName, selection.field);
        stats.values++;
        if (decision === "deny") {
          stats.denied++;
          if (fieldValue !== null && fieldValue !== undefined)
            found.push(
              `${viewer.role}: ${typeName}.${selection.field} is denied, ` +
                `but came back as ${JSON.stringify(fieldValue).slice(0, 60)}`,
            );
          continue;
        }
        if (decision === "mask") {
          const strings = [fieldValue].flat(3).filter((v): v is string => typeof v === "string");
          if (strings.some((s) => !MASKED.test(s)))
            found.push(
              `${viewer.role}: ${typeName}.${selection.field} is masked, ` +
                `but came back as ${JSON.stringify(strings).slice(0, 60)}`,
            );
        }
        if (selection.children.length > 0) walk(selection.type, fieldValue, selection.children);
      }
    };
    walk("Query", answer.data, root);
    return found;
  }

  it(
    `answers ${OPERATIONS.toLocaleString("en-US")} generated operations with random roles ` +
      "without a 5xx, a stack, SQL text or a denied value",
    async () => {
      const api = Supergraph.build(readSupergraph()).apiSchema().toGraphQLJSSchema();
      const operations = generateOperations(api, fixture, OPERATIONS, SEED);
      const roles = fc.sample(fc.integer({ min: 0, max: viewers.length - 1 }), { numRuns: OPERATIONS, seed: SEED });
      const stats = {
        values: 0,
        denied: 0,
        withData: 0,
        statuses: {} as Record<number, number>,
        codes: {} as Record<string, number>,
      };
      const failures: string[] = [];
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < operations.length) {
          const i = next++;
          const viewer = viewers[roles[i]!]!;
          const { text, root } = operations[i]!;
          const answer = await runOnGateway(gateway, text, {}, headers.get(viewer));
          stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
          for (const e of answer.errors ?? [])
            stats.codes[String(e.extensions?.code)] = (stats.codes[String(e.extensions?.code)] ?? 0) + 1;
          if (answer.data && Object.values(answer.data).some((v) => v !== null)) stats.withData++;
          for (const problem of problems(answer, root, viewer, stats))
            if (failures.length < 20) failures.push(`${problem}\n    in ${text.slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzzer: ${operations.length} operations in ${seconds} s, ${stats.withData} with data; ` +
          `${stats.values} field values checked, ${stats.denied} of them denied to the role; ` +
          `statuses ${JSON.stringify(stats.statuses)}; error codes ${JSON.stringify(stats.codes)}`,
      );
      expect(failures).toEqual([]);
      expect(operations.length).toBe(OPERATIONS);
      // The oracle saw real data and real denials, so it could have failed.
      expect(stats.withData).toBeGreaterThan(OPERATIONS / 5);
      expect(stats.denied).toBeGreaterThan(OPERATIONS / 10);
    },
    300_000,
  );
});
