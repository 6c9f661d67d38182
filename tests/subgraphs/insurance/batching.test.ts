import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltChild, BuiltCoordinationArea } from "../../kit/builders.ts";
import { ENGINES } from "../../kit/database.ts";
import { CHILD_INSURANCE_QUERY, openInsuranceTestDatabase, YEAR, type InsuranceTestDatabase } from "./harness.ts";

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
      enrollments(coverageYear: $year, first: 5) { edges { node { recordId area { name } contributions { payerKind } }
        } pageInfo { hasNextPage } } } }
  }
}`;

describe.each(ENGINES)("batching on %s", (engine) => {
  let province: InsuranceTestDatabase;
  /** The province's areas (330100 … 330400), and the home area (340100) of migrants enrolled there. */
  let areas: BuiltCoordinationArea[];
  /** 500 children enrolled (and paid) in one of the province's areas for three years: 1,500 enrollments. */
  let insured: BuiltChild[];

  beforeAll(async () => {
    province = await openInsuranceTestDatabase(engine);
    const { build } = province;
    areas = [];
    for (const code of ["330100", "330200", "330300", "330400", "340100"])
      areas.push(await build.coordinationArea({ code }));
    const [hangzhou, ningbo, wenzhou, jiaxing, hefei] = areas as [
      BuiltCoordinationArea,
      BuiltCoordinationArea,
      BuiltCoordinationArea,
      BuiltCoordinationArea,
      BuiltCoordinationArea,
    ];
    // Most in Hangzhou, then Ningbo and Wenzhou; two in Jiaxing (fewer than a page of 5).
    const areaOf = (i: number) => (i < 2 ? jiaxing : i % 10 < 6 ? hangzhou : i % 10 < 9 ? ningbo : wenzhou);
    insured = await build.children(500, (i) => ({
      enrollments: [YEAR - 2, YEAR - 1, YEAR].map((coverageYear) => ({ area: areaOf(i), coverageYear })),
    }));
    // Outside the province-wide system's scope: enrolled only at home, in another province.
    await build.children(3, () => ({ hukou: "340102", enrollments: [hefei] }));
    await build.link();
  }, 180_000);
  afterAll(async () => province?.database.close());

  async function rosterStatements(size: number): Promise<{ statements: number; enrollments: number }> {
    const { statements, result } = await province.counting(() =>
      province.run(CHILD_INSURANCE_QUERY, {
        representations: insured.slice(0, size).map((c) => c.ref),
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

  it(
    "answers a roster's insurance, areas, contributions and " +
      "assistance in the same few statements for 20 or 200 children",
    async () => {
      const small = await rosterStatements(20);
      const large = await rosterStatements(200);
      console.log(`${engine}: SQL statements for 20 / 200 children: ${small.statements} / ${large.statements}`);
      expect(large.enrollments).toBeLessThanOrEqual(MAX_BATCH);
      expect([small.statements, large.statements]).toEqual([STATEMENTS_PER_ROSTER, STATEMENTS_PER_ROSTER]);
    },
  );

  it(
    "answers a full page of 500 children with one more " + "contributions statement per 1,000 enrollments, no more",
    async () => {
      const roster = await rosterStatements(500);
      expect(roster.enrollments).toBe(1_500);
      console.log(
        `${engine}: SQL statements for 500 children (${roster.enrollments} enrollments): ${roster.statements}`,
      );
      expect(roster.statements).toBe(STATEMENTS_PER_ROSTER - 1 + Math.ceil(roster.enrollments / MAX_BATCH));
      expect(roster.statements).toBeLessThanOrEqual(8);
    },
  );

  it("pages every area's enrollments with a constant number of statements", async () => {
    const { statements, result } = await province.counting(() => province.run(AREAS_WITH_ENROLLMENTS, { year: YEAR }));
    expect(result.errors).toBeUndefined();
    const found = (
      result.data!.coordinationAreas as {
        edges: { node: { code: string; enrollments: { edges: unknown[] } | null } }[];
      }
    ).edges;
    expect(found.map((a) => a.node.code)).toEqual(areas.map((a) => a.code));
    // The province-wide system pages the province's areas; the others (migrants' home areas) are null.
    const full = areas.filter(
      (a) =>
        a.code.startsWith("33") &&
        insured.filter((c) => c.enrollments.some((e) => e.areaCode === a.code && e.coverageYear === YEAR)).length >= 5,
    );
    expect(full).toHaveLength(3);
    expect(found.filter((a) => a.node.enrollments?.edges.length === 5).map((a) => a.node.code)).toEqual(
      full.map((a) => a.code),
    );
    expect(found.filter((a) => !a.node.code.startsWith("33")).every((a) => a.node.enrollments === null)).toBe(true);
    console.log(`${engine}: SQL statements for ${found.length} areas with a page of enrollments each: ${statements}`);
    // The area list, the counts, the pages (one lateral join, which also reads each enrollment's
    // link), their areas and contributions, and the one access-log INSERT (was 5 without it).
    // Areas outside the province are null without any statement (a pure check).
    expect(statements).toBe(6);
  });
});
