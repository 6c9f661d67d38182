import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { addReview } from "./province.ts";

/**
 * #18.2: a household officer of Ningbo (3302) reviews the records the matcher placed in Ningbo.
 * One of them (a Ningbo household record without an ID number) is in the queue against a child
 * registered in Hangzhou (330102), as issue #18 found it. The candidate is outside the officer's
 * rows ("persons registered in region"), so the review must not show it (null, as a child merged
 * away, with no evidence of it), and deciding SAME_CHILD must not attach the Ningbo record to it:
 * NOT_FOUND, as for a child that does not exist. A second review, whose candidate is registered
 * in Ningbo, shows that reviews do show a candidate inside the rows.
 */

const REVIEWS = `query Reviews { linkReviews(first: 20) { edges { node {
  id recordId candidate { id name idNumber birthDate coverage { status } }
  fields { field level } candidateRecord { name birthDate maskedIdNumber } record { recordId }
} } } }`;

interface ReviewNode {
  id: string;
  recordId: string;
  candidate: { id: string; name: string; idNumber: string } | null;
  fields: unknown[];
  candidateRecord: unknown;
}

describe.each(ENGINES)("#18.2 review candidates outside the reviewer's rows, on %s", (engine) => {
  let hub: TestHub;
  let hangzhou: BuiltChild;
  let ningbo: BuiltChild;
  let reviewedAgainstHangzhou: BuiltChild;
  let reviewedAgainstNingbo: BuiltChild;
  const officer: AuthenticatedViewer = {
    subject: "ningbo-household-officer",
    role: "household_officer",
    scope: { region: "3302" },
  };

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    // An institution of the province, which the coverage policy takes the province from.
    await build.school({ region: "330203" });
    hangzhou = await build.child({ hukou: "330102" });
    ningbo = await build.child({ hukou: "330203" });
    reviewedAgainstHangzhou = await build.child({ name: "赵审一", idNumber: null, hukou: "330203" });
    reviewedAgainstNingbo = await build.child({ name: "赵审二", idNumber: null, hukou: "330203" });
    await build.link({ coverageAsOf: "2026-06-30" });
    await addReview(hub.database.db, reviewedAgainstHangzhou, hangzhou);
    await addReview(hub.database.db, reviewedAgainstNingbo, ningbo);
  }, 180_000);
  afterAll(async () => hub?.close());

  async function reviews(): Promise<ReviewNode[]> {
    const result = await hub.gateway.execute(REVIEWS, {}, await headersFor(officer));
    expect(result.errors).toBeUndefined();
    return (result.data!.linkReviews as { edges: { node: ReviewNode }[] }).edges.map((e) => e.node);
  }

  async function reviewOf(record: BuiltChild): Promise<ReviewNode> {
    const review = (await reviews()).find((r) => r.recordId === record.person!.recordId);
    if (!review) throw new Error(`no review of ${record.key}'s record in the queue`);
    return review;
  }

  it("#18.2 linkReviews does not show a candidate outside the rows: null, its evidence hidden", async () => {
    const hidden = await reviewOf(reviewedAgainstHangzhou);
    expect(hidden.candidate).toBeNull();
    expect(hidden.fields).toEqual([]);
    expect(hidden.candidateRecord).toBeNull();
    // As child(id) answers the same child: it does not exist for this officer.
    const direct = await hub.gateway.execute(
      `query Child($id: ID!) { child(id: $id) { id } }`,
      { id: String(hangzhou.id) },
      await headersFor(officer),
    );
    expect(direct).toEqual({ data: { child: null } });
    const all = await reviews();
    expect(JSON.stringify(all)).not.toContain(hangzhou.idNumber!);
    expect(all.map((r) => r.candidate?.id)).not.toContain(String(hangzhou.id));

    // A candidate inside the rows is shown: the review queue itself works.
    const shown = await reviewOf(reviewedAgainstNingbo);
    expect(shown.candidate).toMatchObject({ id: String(ningbo.id), name: ningbo.name, idNumber: ningbo.idNumber });
  });

  it("#18.2 resolveLinkReview(SAME_CHILD) attaches nothing to a child outside the rows (NOT_FOUND)", async () => {
    const review = await reviewOf(reviewedAgainstHangzhou);
    const linkOf = async () =>
      queryRows<{ child_id: number | string }>(
        hub.database.db,
        sql`select child_id from hub.links where source = 'household.person'
            and record_id = ${reviewedAgainstHangzhou.person!.recordId} and unlinked_at is null`,
      );
    const before = await linkOf();
    const headers = await headersFor(officer);
    const decided = await hub.gateway.execute(
      `mutation Decide($id: ID!) { resolveLinkReview(id: $id, decision: SAME_CHILD) { eventId child { id } } }`,
      { id: review.id },
      headers,
    );
    // The answer for a child that does not exist, from the same officer's own correction.
    const missingId = String(
      Math.max(hangzhou.id, ningbo.id, reviewedAgainstHangzhou.id, reviewedAgainstNingbo.id) + 1_000,
    );
    const missing = await hub.gateway.execute(
      `mutation Merge($keep: ID!, $merge: ID!) { mergeChildren(keepId: $keep, mergeId: $merge) { eventId } }`,
      { keep: missingId, merge: String(reviewedAgainstNingbo.id) },
      headers,
    );
    const shape = (r: typeof decided, id: string) => ({
      data: r.data ?? null,
      errors: r.errors?.map((e) => ({ code: e.extensions?.code, message: e.message.split(id).join("<id>") })),
    });
    expect(shape(decided, String(hangzhou.id))).toEqual(shape(missing, missingId));
    expect(decided.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    // Nothing moved: the record is still its own child's, the review still open, no event written.
    expect(await linkOf()).toEqual(before);
    expect(Number(before[0]!.child_id)).toBe(reviewedAgainstHangzhou.id);
    const [state] = await queryRows<{ status: string }>(
      hub.database.db,
      sql`select status from hub.link_reviews where id = ${Number(review.id)}`,
    );
    expect(state!.status).toBe("OPEN");
    const events = await queryRows<{ n: number | string }>(
      hub.database.db,
      sql`select count(*) as n from hub.child_events`,
    );
    expect(Number(events[0]!.n)).toBe(0);
  });
});
