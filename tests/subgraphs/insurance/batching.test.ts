import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../../kit/database.ts";
import {
  CHILD_INSURANCE_QUERY,
  childReps,
  ENROLLED_IN_PROVINCE,
  openInsuranceProvince,
  YEAR,
  type InsuranceProvince,
} from "./province.ts";

/**
 * The row-scope check of the representations (one statement, `hub.child_scope`), enrollments by
 * child (through hub.links), areas, contributions, assistance eligibility, and the request's one
 * access-log INSERT. Was 4 before row scopes and the audit.
 */
const STATEMENTS_PER_ROSTER = 6;
/** The loaders' maxBatchSize: more keys than this take one more statement per 1,000. */
const MAX_BATCH = 1_000;

const AREAS_WITH_ENROLLMENTS = `query($year: Int!) {
  coordinationAreas(first: 100) {
    edges { node { code enrolledCount(coverageYear: $year)
      enrollments(coverageYear: $year, first: 5) { edges { node { recordId area { name } contributions { payerKind } } } pageInfo { hasNextPage } } } }
  }
}`;

describe.each(ENGINES)("batching on %s", (engine) => {
  let province: InsuranceProvince;
  let insuredKeys: string[];

  beforeAll(async () => {
    province = await openInsuranceProvince(engine);
    insuredKeys = (
      await province.rows<{ child_key: string }>(sql`
      select child_key from truth.children c
      where ${ENROLLED_IN_PROVINCE}
      order by child_key`)
    ).map((r) => r.child_key);
  });
  afterAll(async () => province?.database.close());

  async function rosterStatements(size: number): Promise<{ statements: number; enrollments: number }> {
    const { statements, result } = await province.counting(() =>
      province.run(CHILD_INSURANCE_QUERY, {
        representations: childReps(province, insuredKeys.slice(0, size)),
        year: YEAR,
      }),
    );
    expect(result.errors).toBeUndefined();
    const children = result.data!._entities as {
      insurance: { enrollments: { area: unknown; contributions: unknown[] }[] };
    }[];
    expect(children).toHaveLength(size);
    expect(children.every((c) => c.insurance.enrollments.length > 0)).toBe(true);
    return { statements, enrollments: children.reduce((n, c) => n + c.insurance.enrollments.length, 0) };
  }

  it("answers a roster's insurance, areas, contributions and assistance in the same few statements for 20 or 200 children", async () => {
    const small = await rosterStatements(20);
    const large = await rosterStatements(200);
    console.log(`${engine}: SQL statements for 20 / 200 children: ${small.statements} / ${large.statements}`);
    expect(large.enrollments).toBeLessThanOrEqual(MAX_BATCH);
    expect([small.statements, large.statements]).toEqual([STATEMENTS_PER_ROSTER, STATEMENTS_PER_ROSTER]);
  });

  it("answers a full page of 500 children with one more contributions statement per 1,000 enrollments, no more", async () => {
    const roster = await rosterStatements(500);
    console.log(`${engine}: SQL statements for 500 children (${roster.enrollments} enrollments): ${roster.statements}`);
    expect(roster.statements).toBe(STATEMENTS_PER_ROSTER - 1 + Math.ceil(roster.enrollments / MAX_BATCH));
    expect(roster.statements).toBeLessThanOrEqual(8);
  });

  it("pages every area's enrollments with a constant number of statements", async () => {
    const { statements, result } = await province.counting(() => province.run(AREAS_WITH_ENROLLMENTS, { year: YEAR }));
    expect(result.errors).toBeUndefined();
    const areas = (
      result.data!.coordinationAreas as {
        edges: { node: { code: string; enrollments: { edges: unknown[] } | null } }[];
      }
    ).edges;
    expect(areas.length).toBeGreaterThan(10);
    // The province-wide system pages the province's areas; the others (migrants' home areas) are null.
    const [full] = await province.rows<{ n: number }>(sql`
      select count(*)::int as n from (select area_code from insurance.enrollments where coverage_year = ${YEAR} and area_code like '33%' group by area_code having count(*) >= 5) a`);
    expect(full!.n).toBeGreaterThan(1);
    expect(areas.filter((a) => a.node.enrollments?.edges.length === 5).length).toBe(full!.n);
    expect(areas.filter((a) => !a.node.code.startsWith("33")).every((a) => a.node.enrollments === null)).toBe(true);
    console.log(`${engine}: SQL statements for ${areas.length} areas with a page of enrollments each: ${statements}`);
    // The area list, the counts, the pages (one lateral join, which also reads each enrollment's
    // link), their areas and contributions, and the one access-log INSERT (was 5 without it).
    // Areas outside the province are null without any statement (a pure check).
    expect(statements).toBe(6);
  });
});
