import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * #18.9: every read of a child-derived row is in the access log, one row per request, naming
 * the children it was about — also when the request reads no field of the child itself: a gap
 * list read for its cursors (a cursor ends in the child's id, `c:2::18`), a page's `endCursor`, a gap's
 * coverage without its child, a list of a region's children read for its cursors, and link-review
 * evidence (the names and birth dates of the reviewed records).
 */

const AS_OF = "2026-06-30";

type LogRow = {
  child_ids: (number | string)[];
  fields: string[];
  actor: string;
};

describe.each(ENGINES)("#18.9 reads of child-derived rows are logged, on %s", (engine) => {
  let hub: TestHub;
  let uninsured: BuiltChild[];
  let newborn: BuiltChild;
  let reviewed: BuiltChild;
  let candidate: BuiltChild;
  const officer: AuthenticatedViewer = { subject: "", role: "insurance_officer", scope: { region: "3301" } };
  let n = 0;
  /** A viewer of its own for each request, so its log rows are found by actor. */
  const fresh = (base: AuthenticatedViewer): AuthenticatedViewer => ({ ...base, subject: `t9-${++n}` });

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    uninsured = [];
    for (let i = 0; i < 3; i++) uninsured.push(await build.child({ hukou: "330106", birthDate: `201${i}-05-01` }));
    newborn = await build.child({ hukou: "330106", idNumber: null, birthDate: "2026-06-10", birthCertificate: true });
    reviewed = await build.child({ hukou: "330106", name: "王小明", birthDate: "2020-01-01" });
    candidate = await build.child({ hukou: "330106", name: "王晓明", birthDate: "2020-01-01" });
    await build.link({ coverageAsOf: AS_OF });
    const evidence = {
      reason: "NAME_SIMILAR",
      fields: { name: "SIMILAR", birthDate: "EXACT" },
      record: {
        source: "household.person",
        recordId: reviewed.person!.recordId,
        name: "王小明",
        birthDate: "2020-01-01",
      },
      candidate: {
        source: "household.person",
        recordId: candidate.person!.recordId,
        name: "王晓明",
        birthDate: "2020-01-01",
      },
    };
    await hub.database.db.execute(
      sql`insert into hub.link_reviews (source, record_id, candidate_child_id, score, evidence, region_code)
          values ('household.person', ${reviewed.person!.recordId}, ${candidate.id}, 0.72,
                  ${JSON.stringify(evidence)}::jsonb, '330106')`,
    );
  }, 180_000);
  afterAll(async () => hub?.close());

  const logOf = (actor: string) =>
    queryRows<LogRow>(
      hub.database.db,
      sql`select child_ids, fields, actor from audit.access_log where actor = ${actor}`,
    );

  async function read(viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) {
    const result = await hub.gateway.execute(query, variables, await headersFor(viewer));
    expect(result.errors).toBeUndefined();
    const log = await logOf(viewer.subject);
    expect(log, `one access-log row for ${query}`).toHaveLength(1);
    return { data: result.data!, ids: log[0]!.child_ids.map(Number).sort((a, b) => a - b), fields: log[0]!.fields };
  }

  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
  /** A gap list's cursor ends in its child's id (`c:18`, or its urgency position then the id: `c:2::18`). */
  const childOfCursor = (cursor: string) => Number(Buffer.from(cursor, "base64url").toString().split(":").at(-1));

  it("#18.9 logs a gap list read for its cursors alone", async () => {
    const viewer = fresh(officer);
    const { data, ids, fields } = await read(
      viewer,
      `query Cursors($asOf: Date) { coverageGaps(asOf: $asOf, first: 50) { edges { cursor } } }`,
      { asOf: AS_OF },
    );
    const cursors = (data.coverageGaps as { edges: { cursor: string }[] }).edges.map((e) => e.cursor);
    const fromCursors = cursors.map(childOfCursor);
    expect(sorted(fromCursors)).toEqual(sorted([...uninsured.map((c) => c.id), newborn.id, reviewed.id, candidate.id]));
    expect(ids).toEqual(sorted(fromCursors));
    expect(fields).toEqual(["CoverageGapEdge.cursor"]);
  });

  it("#18.9 logs the child a page's endCursor stands for", async () => {
    const viewer = fresh(officer);
    const { data, ids } = await read(
      viewer,
      `query($asOf: Date) { coverageGaps(asOf: $asOf, first: 1) { pageInfo { endCursor } } }`,
      { asOf: AS_OF },
    );
    const end = (data.coverageGaps as { pageInfo: { endCursor: string } }).pageInfo.endCursor;
    expect(ids).toEqual([childOfCursor(end)]);
  });

  it("#18.9 logs a gap's coverage read without its child, and the newborn watchlist's cursors", async () => {
    const gaps = await read(
      fresh(officer),
      `query($asOf: Date) { coverageGaps(asOf: $asOf, first: 50) { edges { node { coverage { status } } } } }`,
      { asOf: AS_OF },
    );
    expect(gaps.ids).toContain(uninsured[0]!.id);
    expect(gaps.fields).toEqual(["CoverageGap.coverage"]);
    const watch = await read(
      fresh(officer),
      `query($asOf: Date) { newbornWatchlist(asOf: $asOf, withinDays: 366, first: 50) { edges { cursor } } }`,
      { asOf: AS_OF },
    );
    expect(watch.ids).toEqual([newborn.id]);
  });

  it("#18.9 logs a region's children read for their cursors", async () => {
    const { data, ids } = await read(
      fresh(officer),
      `{ childrenInRegion(region: "330106", first: 50) { edges { cursor } pageInfo { hasNextPage } } }`,
    );
    expect((data.childrenInRegion as { edges: unknown[] }).edges.length).toBeGreaterThan(0);
    expect(ids.length).toBe((data.childrenInRegion as { edges: unknown[] }).edges.length);
  });

  it("#18.9 logs link-review evidence under the reviewed record's child and the candidate", async () => {
    const viewer = fresh({ subject: "", role: "household_officer", scope: { region: "3301" } });
    const { ids, fields } = await read(
      viewer,
      `{ linkReviews(first: 10) { edges { node { record { name birthDate } candidateRecord { name } } } } }`,
    );
    expect(ids).toEqual(sorted([reviewed.id, candidate.id]));
    expect(fields).toEqual([
      "LinkReview.candidateRecord",
      "LinkReview.record",
      "ReviewedRecord.birthDate",
      "ReviewedRecord.name",
    ]);
  });

  it("#18.9 logs the same reads straight to the hub subgraph", async () => {
    const viewer = fresh(officer);
    const result = await executeSubgraph(
      SUBGRAPHS.hub,
      hub.database.db,
      `query($asOf: Date) { coverageGaps(asOf: $asOf, first: 50) { edges { cursor } } }`,
      { asOf: AS_OF },
      await headersFor(viewer),
    );
    expect(result.errors).toBeUndefined();
    const log = await logOf(viewer.subject);
    expect(log).toHaveLength(1);
    expect(log[0]!.child_ids.map(Number)).toContain(uninsured[0]!.id);
  });
});
