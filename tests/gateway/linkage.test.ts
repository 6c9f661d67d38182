import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { linkAll } from "../../src/linkage/index.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { headersFor, testAuth } from "../kit/auth.ts";

// Correcting the master child index is an insurance (or household) officer's work.
const OFFICER = headersFor({ subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } });

const SOURCES = `query($id: ID!) { child(id: $id) { id name sources { source recordId rule score } } }`;

/** What SOURCES reads (schema/supergraph.graphql: Child, ChildSource). */
interface SourcedChild {
  id: string;
  name: string | null;
  sources: { source: string; recordId: string; rule: string; score: number | null }[] | null;
}
type SourcesData = { child: SourcedChild | null };

/** What the review-queue test reads (LinkReviewConnection, LinkReview, ReviewedRecord). */
interface ReviewsData {
  linkReviews: {
    edges: {
      node: {
        id: string;
        score: number;
        fields: { field: string; level: string }[];
        record: {
          maskedIdNumber: string | null;
          maskedBirthCertificateNumber: string | null;
          maskedGuardianPhones: string[] | null;
        } | null;
        candidate: { id: string } | null;
        status: string;
      };
    }[];
  } | null;
}

describe("the master child index through the gateway", () => {
  let database: TestDatabase;
  let gateway: GatewayServer;

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    await generateProvince(database.db, { children: 2_000, seed: 31, asOf: "2026-06-30" });
    await linkAll(database.db, { actor: "test" });
    // #18.19: an insurance officer's rows are residence (the coverage snapshot's) or registration.
    await buildSnapshot(database.db, "2026-06-30");
    gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, testAuth);
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await database?.close();
  });

  const run = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const result = await gateway.execute(query, variables, await OFFICER);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data as T;
  };

  async function twoChildren(): Promise<[string, string]> {
    const rows = await queryRows<{ id: number }>(
      database.db,
      sql`select id from hub.children where state = 'ACTIVE' order by id limit 2 offset 40`,
    );
    return [String(rows[0]!.id), String(rows[1]!.id)];
  }

  it("shows which department records make up a child, with the rule and score of each link", async () => {
    const [id] = await twoChildren();
    const { child } = await run<SourcesData>(SOURCES, { id });
    expect(child!.sources!.length).toBeGreaterThan(0);
    const links = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from hub.links where child_id = ${Number(id)} and unlinked_at is null`,
    );
    expect(child!.sources).toHaveLength(links[0]!.n);
    for (const s of child!.sources!) expect(typeof s.rule).toBe("string");
  });

  it("splits records off into a new child, merges them back, and undoes the merge exactly", async () => {
    const rows = await queryRows<{ child_id: number }>(
      database.db,
      sql`select child_id from hub.links where unlinked_at is null
          group by child_id having count(*) >= 3 order by child_id limit 1`,
    );
    const id = String(rows[0]!.child_id);
    const { child } = await run<SourcesData>(SOURCES, { id });
    const recordIds = (c: SourcedChild | null) => c!.sources!.map((s) => s.recordId).sort();
    const moved = child!.sources![0]!;

    const split = await run<{
      splitChild: { eventId: string; child: { id: string; sources: { recordId: string }[] | null } | null };
    }>(
      "mutation($c: ID!, $r: [RecordRefInput!]!) { splitChild(childId: $c, records: $r) " +
        "{ eventId child { id sources { recordId } } } }",
      {
        c: id,
        r: [{ source: moved.source, recordId: moved.recordId }],
      },
    );
    const splitId = split.splitChild.child!.id;
    expect(splitId).not.toBe(id);
    expect(split.splitChild.child!.sources!.map((s) => s.recordId)).toEqual([moved.recordId]);
    expect((await run<SourcesData>(SOURCES, { id })).child!.sources).toHaveLength(child!.sources!.length - 1);

    const merged = await run<{ mergeChildren: { eventId: string } }>(
      `mutation($k: ID!, $m: ID!) { mergeChildren(keepId: $k, mergeId: $m) { eventId child { id } } }`,
      { k: id, m: splitId },
    );
    expect(recordIds((await run<SourcesData>(SOURCES, { id })).child)).toEqual(recordIds(child));
    expect((await run<SourcesData>(SOURCES, { id: splitId })).child).toBeNull();

    await run(`mutation($e: ID!) { undoChildEvent(eventId: $e) { eventId } }`, { e: merged.mergeChildren.eventId });
    expect(recordIds((await run<SourcesData>(SOURCES, { id: splitId })).child)).toEqual([moved.recordId]);
    expect((await run<SourcesData>(SOURCES, { id })).child!.sources).toHaveLength(child!.sources!.length - 1);
  });

  it("refuses to merge two children with different valid ID numbers, naming the rule", async () => {
    const [a, b] = await twoChildren();
    const result = await gateway.execute(
      `mutation($k: ID!, $m: ID!) { mergeChildren(keepId: $k, mergeId: $m) { eventId } }`,
      { k: a, m: b },
      await OFFICER,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(/DIFFERENT_ID_NUMBERS/);
    expect((await run<SourcesData>(SOURCES, { id: b })).child).not.toBeNull();
  });

  it("lists the review queue with masked evidence, and resolves a review", async () => {
    const { linkReviews } = await run<ReviewsData>(
      "{ linkReviews(first: 50) { edges { node { id score fields { field level } " +
        "record { maskedIdNumber maskedBirthCertificateNumber maskedGuardianPhones } candidate { id } status } } } }",
    );
    const open = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from hub.link_reviews where status = 'OPEN'`,
    );
    expect(linkReviews!.edges.length).toBe(Math.min(50, open[0]!.n));
    for (const { node } of linkReviews!.edges) {
      expect(node.status).toBe("OPEN");
      if (node.record?.maskedIdNumber) expect(node.record.maskedIdNumber).toMatch(/^\d{2}\*{16}$/); // #18.13
      for (const phone of node.record?.maskedGuardianPhones ?? []) expect(phone).toMatch(/^\*+\d{4}$/);
      if (node.record?.maskedBirthCertificateNumber)
        expect(node.record.maskedBirthCertificateNumber).toMatch(/^[A-Z]\*{5}\d{4}$/);
    }
    if (linkReviews!.edges.length === 0) return;
    const review = linkReviews!.edges[0]!.node;
    await run(`mutation($id: ID!) { resolveLinkReview(id: $id, decision: DIFFERENT_CHILDREN) { eventId } }`, {
      id: review.id,
    });
    const after = await queryRows<{ status: string; resolved_by: string }>(
      database.db,
      sql`select status, resolved_by from hub.link_reviews where id = ${Number(review.id)}`,
    );
    expect(after[0]!.status).toBe("DIFFERENT_CHILDREN");
    expect(after[0]!.resolved_by).toBe("test-insurance-officer");
  });

  it("refuses a merge of a child with itself with an error naming the argument", async () => {
    const [keep] = await twoChildren();
    const result = await gateway.execute(
      `mutation($k: ID!) { mergeChildren(keepId: $k, mergeId: $k) { eventId } }`,
      { k: keep },
      await OFFICER,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(/mergeId/);
  });
});
