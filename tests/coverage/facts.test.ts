import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACTS_BATCH_SIZE, loadCoverageFacts, loadCoveragePolicy } from "../../src/coverage/index.ts";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";

const AS_OF = "2026-06-30";

describe.each(ENGINES)("loadCoverageFacts on %s", (engine) => {
  let database: TestDatabase;
  let childIds: Map<string, number>;
  let statements = 0;

  beforeAll(async () => {
    database = await openTestDatabase(engine, { onQuery: () => (statements += 1) });
    await generateProvince(database.db, { children: 300, seed: 31, asOf: AS_OF });
    childIds = await linkFromTruth(database.db);
  }, 120_000);
  afterAll(async () => database?.close());

  it("reads a batch in two statements, and nothing for no children", async () => {
    statements = 0;
    const facts = await loadCoverageFacts(database.db, [...childIds.values()], AS_OF);
    expect(facts.size).toBeGreaterThan(290);
    expect(statements).toBe(2);
    expect(FACTS_BATCH_SIZE).toBeGreaterThanOrEqual(1_000);
    statements = 0;
    expect((await loadCoverageFacts(database.db, [], AS_OF)).size).toBe(0);
    expect(statements).toBe(0);
  });

  it("leaves out a child no record is linked to", async () => {
    const [{ id }] = (await queryRows<{ id: number | string }>(
      database.db,
      sql`insert into hub.children (state) values ('ACTIVE') returning id`,
    )) as [{ id: number | string }];
    expect((await loadCoverageFacts(database.db, [Number(id)], AS_OF)).has(Number(id))).toBe(false);
  });

  it("reads only current links: an enrollment unlinked from the child no longer counts", async () => {
    const [row] = await queryRows<{ child_key: string; record_id: string }>(
      database.db,
      sql`select r.child_key, min(r.record_id) as record_id from truth.records r
          where r.source = 'insurance.enrollment' group by 1 order by 1 limit 1`,
    );
    const childId = childIds.get(row!.child_key)!;
    const before = (await loadCoverageFacts(database.db, [childId], AS_OF)).get(childId)!;
    await database.db.execute(
      sql`update hub.links set unlinked_at = now()
          where source = 'insurance.enrollment' and record_id = ${row!.record_id}`,
    );
    const after = (await loadCoverageFacts(database.db, [childId], AS_OF)).get(childId)!;
    expect(after.enrollments.length).toBe(before.enrollments.length - 1);
  });

  it("takes the province from the province's institutions and the areas from the insurance department", async () => {
    const policy = await loadCoveragePolicy(database.db);
    expect(policy.provinceCode).toBe("330000");
    expect(policy.areaCodes.has("330100")).toBe(true);
    // No setting made yet: the built-in ones (a 90-day window; the areas' own Sep–Dec windows).
    expect(policy.settings.newbornWindowDays(AS_OF, "330100")).toBe(90);
    expect(policy.settings.collectionPeriod(2026, "330100")).toEqual({ opensOn: "2025-09-01", closesOn: "2025-12-31" });
    expect((await loadCoveragePolicy(database.db, { provinceCode: "340000" })).provinceCode).toBe("340000");
  });
});
