import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { defaultAsOf } from "../../src/coverage/as-of.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { startTestHub, testHardening } from "../kit/gateway.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";

/** The date the province is generated and its snapshot built on (the daily job's). */
const AS_OF = "2026-06-30";
/** Dates nobody built a snapshot of. */
const UNBUILT = ["2026-01-15", "2026-02-28", "2026-03-31", "2026-05-01", "2026-06-01"];

/** A statement that writes a snapshot: its rows, its rollup or the list of snapshots. */
const isSnapshotWrite = (statement: string) =>
  /\b(insert|update|delete|truncate|merge)\b/i.test(statement) &&
  /coverage_(status|snapshots|rollup)\b/i.test(statement);

/**
 * Issue #18, finding 6: a read builds and stores a whole-province snapshot for any `asOf` a
 * caller names. After the fix no GraphQL read inserts, updates or deletes anything of a
 * snapshot: every statement the hub sends is watched (the database's query log), and the
 * snapshots that exist are compared before and after.
 */
describe.each(ENGINES)("no read writes a coverage snapshot, on %s", (engine) => {
  let database: TestDatabase;
  let gateway: GatewayServer;
  let childIds: number[];
  const writes: string[] = [];
  const officer: AuthenticatedViewer = { subject: "officer-33", role: "insurance_officer", scope: { region: "33" } };

  beforeAll(async () => {
    database = await openTestDatabase(engine, {
      onQuery: (statement) => {
        if (isSnapshotWrite(statement)) writes.push(statement);
      },
    });
    await generateProvince(database.db, { children: 400, seed: 61, asOf: AS_OF });
    childIds = [...(await linkFromTruth(database.db)).values()].sort((a, b) => a - b);
    await buildSnapshot(database.db, AS_OF);
    gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, testAuth, {
      hardening: testHardening({ HUB_MAX_ALIASES: "100", HUB_MAX_ROOT_FIELDS: "100" }),
    });
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    await database?.close();
  });

  const run = async (query: string, viewer: AuthenticatedViewer = officer) =>
    gateway.execute(query, {}, await headersFor(viewer));
  const snapshots = async () =>
    queryRows<{ as_of: string; children: number; built_at: string }>(
      database.db,
      sql`select as_of::text, children, built_at::text from hub.coverage_snapshots order by as_of`,
    );

  it(
    "#18.6 a read never builds or stores a snapshot: Child.coverage for a date without one is computed, " +
      "and lists and statistics for it answer BAD_USER_INPUT naming the dates that exist",
    async () => {
      const before = await snapshots();
      writes.length = 0;
      // The reviewer's attack: many aliased coverage(asOf:) of dates nobody built.
      const sample = childIds.slice(0, 6);
      const aliases = sample.flatMap((id, i) =>
        UNBUILT.map((d, k) => `c${i}_${k}: child(id: "${id}") { coverage(asOf: "${d}") { asOf status } }`),
      );
      const computed = await run(`{ ${aliases.join(" ")} }`);
      expect(computed.errors).toBeUndefined();
      const answers = Object.entries(computed.data!).map(
        ([alias, child]) => [alias, (child as { coverage: { asOf: string; status: string } | null }).coverage] as const,
      );
      expect(answers).toHaveLength(sample.length * UNBUILT.length);
      for (const [alias, coverage] of answers) {
        if (coverage) expect(coverage.asOf).toBe(UNBUILT[Number(alias.split("_")[1])]);
      }
      expect(answers.filter(([, c]) => c !== null).length).toBeGreaterThan(0);

      // A school's roster with every student's coverage of today (no snapshot of today: computed).
      const roster = await run(
        `{ schools(region: "33", first: 3) { edges { node { code students(first: 50) {
            edges { node { child { coverage { asOf status } } } } } } } } }`,
        { subject: "edu-33", role: "education_officer", scope: { region: "33" } },
      );
      expect(roster.errors).toBeUndefined();

      const date = UNBUILT[2]!;
      const school = await queryRows<{ code: string }>(
        database.db,
        sql`select school_code as code from education.schools limit 1`,
      );
      const refused = [
        `{ coverageGaps(asOf: "${date}", first: 5) { edges { cursor } } }`,
        `{ newbornWatchlist(asOf: "${date}", withinDays: 30) { edges { cursor } } }`,
        `{ coverageSummary(region: "33", groupBy: REGION, asOf: "${date}") { asOf total { children } } }`,
        `{ school(code: "${school[0]!.code}") { coverage(asOf: "${date}") { children } } }`,
      ];
      for (const query of refused) {
        const result = await run(query);
        expect(result.errors, query).toHaveLength(1);
        expect(result.errors![0]!.extensions?.code, query).toBe("BAD_USER_INPUT");
        expect(result.errors![0]!.message).toBe(
          `asOf: no coverage snapshot exists for ${date} (snapshots exist for ${AS_OF}); ` +
            `a question never builds one: build it with \`npm run coverage -- --as-of ${date}\``,
        );
      }

      expect(writes).toEqual([]);
      expect(await snapshots()).toEqual(before);
    },
  );

  it("#18.6 computes Child.coverage for a date without a snapshot as the daily job then stores it", async () => {
    const date = UNBUILT[4]!;
    const sample = childIds.slice(0, 40);
    const fields = "asOf coverageYear status reasons deadline daysLeft codeWindowEndsOn waitingPeriodMonths action";
    const aliases = sample.map((id, i) => `c${i}: child(id: "${id}") { coverage(asOf: "${date}") { ${fields} } }`);
    const query = `{ ${aliases.join(" ")} }`;
    writes.length = 0;
    const computed = await run(query);
    expect(computed.errors).toBeUndefined();
    expect(writes).toEqual([]);

    await buildSnapshot(database.db, date);
    const stored = await run(query);
    expect(stored.errors).toBeUndefined();
    expect(computed.data).toEqual(stored.data);
    const statuses = Object.values(stored.data!).map((c) => (c as { coverage: { status: string } | null }).coverage);
    expect(statuses.filter((c) => c !== null).length).toBeGreaterThan(30);
  });

  it(
    "#18.6 without asOf, lists and statistics answer from the newest snapshot up to today, named in asOf, " +
      "and Child.coverage is today's, computed",
    async () => {
      const today = defaultAsOf();
      // A snapshot built ahead for planning (after today) is not "today's picture".
      await buildSnapshot(database.db, "2099-01-01");
      const before = await snapshots();
      writes.length = 0;
      const result = await run(`{
        coverageSummary(region: "33", groupBy: AGE_BAND) { asOf coverageYear total { children } }
        coverageGaps(first: 3) { edges { node { coverage { asOf } } } }
        child(id: "${childIds[0]}") { coverage { asOf } } }`);
      expect(result.errors).toBeUndefined();
      const data = result.data as {
        coverageSummary: { asOf: string; coverageYear: number; total: { children: number } };
        coverageGaps: { edges: { node: { coverage: { asOf: string } } }[] };
        child: { coverage: { asOf: string } | null };
      };
      expect(today > AS_OF).toBe(true);
      expect(data.coverageSummary).toMatchObject({ asOf: AS_OF, coverageYear: 2026 });
      expect(data.coverageSummary.total.children).toBeGreaterThan(0);
      expect(data.coverageGaps.edges.map((e) => e.node.coverage.asOf)).toEqual([AS_OF, AS_OF, AS_OF]);
      expect(data.child.coverage?.asOf).toBe(today);
      expect(writes).toEqual([]);
      expect(await snapshots()).toEqual(before);
    },
  );

  it("#18.6 with no snapshot up to today, lists and statistics without asOf answer BAD_USER_INPUT", async () => {
    const empty = await startTestHub(engine, null);
    try {
      const result = await empty.gateway.execute(
        `{ coverageSummary(region: "33", groupBy: REGION) { asOf } }`,
        {},
        await headersFor(officer),
      );
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.message).toBe(
        `asOf: no coverage snapshot exists for today (${defaultAsOf()}) or before (none has been built yet); ` +
          `a question never builds one: build it with \`npm run coverage -- --as-of ${defaultAsOf()}\``,
      );
      const [{ n }] = (await queryRows<{ n: number }>(
        empty.database.db,
        sql`select count(*)::int as n from hub.coverage_snapshots`,
      )) as [{ n: number }];
      expect(n).toBe(0);
    } finally {
      await empty.close();
    }
  });
});
