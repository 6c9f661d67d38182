import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../../kit/database.ts";
import { openInsuranceProvince, YEAR, type InsuranceProvince } from "./province.ts";

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const AREA_ENROLLMENTS = `query($code: String!, $year: Int!, $first: Int, $after: String) {
  coordinationArea(code: $code) {
    code
    enrolledCount(coverageYear: $year)
    enrollments(coverageYear: $year, first: $first, after: $after) { edges { cursor node { recordId coverageYear area { code } } } pageInfo { hasNextPage endCursor } }
  }
}`;

describe.each(ENGINES)("coordination areas and enrollments on %s", (engine) => {
  let province: InsuranceProvince;
  let busiest: { area_code: string; name: string; n: number };

  beforeAll(async () => {
    province = await openInsuranceProvince(engine);
    [busiest] = (await province.rows<{ area_code: string; name: string; n: number }>(sql`
      select a.area_code, a.name, count(*)::int as n from insurance.coordination_areas a join insurance.enrollments e on e.area_code = a.area_code
      where e.coverage_year = ${YEAR} group by a.area_code, a.name order by n desc, a.area_code limit 1`)) as [
      typeof busiest,
    ];
  });
  afterAll(async () => province?.database.close());

  it("finds an area by its division code", async () => {
    const result = await province.run(
      `{ coordinationArea(code: "${busiest.area_code}") { code name windowOpens windowCloses annualContributionFen } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.coordinationArea).toEqual({
      code: busiest.area_code,
      name: busiest.name,
      windowOpens: "09-01",
      windowCloses: "12-31",
      annualContributionFen: 40_000,
    });
  });

  it("pages through an area's enrollments for a year without overlap, covering all of them", async () => {
    expect(busiest.n).toBeGreaterThan(100);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result = await province.run(AREA_ENROLLMENTS, { code: busiest.area_code, year: YEAR, first: 37, after });
      expect(result.errors).toBeUndefined();
      const page = (
        result.data!.coordinationArea as {
          enrollments: Page<{ recordId: string; coverageYear: number; area: { code: string } }>;
        }
      ).enrollments;
      expect(page.edges.length).toBeLessThanOrEqual(37);
      for (const { node } of page.edges) {
        expect(node).toMatchObject({ coverageYear: YEAR, area: { code: busiest.area_code } });
        seen.push(node.recordId);
      }
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(37);
      after = page.pageInfo.endCursor;
    }
    const expected = await province.rows<{ record_id: string }>(
      sql`select record_id from insurance.enrollments where area_code = ${busiest.area_code} and coverage_year = ${YEAR} order by id`,
    );
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected.map((r) => r.record_id));
    expect(pages).toBe(Math.ceil(expected.length / 37));
  });

  it("counts an area's ACTIVE enrollments for a year", async () => {
    const [truth] = await province.rows<{ n: number }>(
      sql`select count(*)::int as n from insurance.enrollments where area_code = ${busiest.area_code} and coverage_year = ${YEAR} and status = 'ACTIVE'`,
    );
    const result = await province.run(AREA_ENROLLMENTS, { code: busiest.area_code, year: YEAR, first: 1 });
    expect((result.data!.coordinationArea as { enrolledCount: number }).enrolledCount).toBe(truth!.n);
    const past = await province.run(AREA_ENROLLMENTS, { code: busiest.area_code, year: 2010, first: 1 });
    expect(past.data!.coordinationArea).toMatchObject({
      enrolledCount: 0,
      enrollments: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
  });

  it("lists every coordination area across pages", async () => {
    const codes: string[] = [];
    let after: string | null = null;
    do {
      const result = await province.run(
        `query($after: String) { coordinationAreas(first: 5, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data!.coordinationAreas as Page<{ code: string }>;
      codes.push(...page.edges.map((e) => e.node.code));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    const expected = await province.rows<{ area_code: string }>(
      sql`select area_code from insurance.coordination_areas order by area_code`,
    );
    expect(codes).toEqual(expected.map((r) => r.area_code));
  });

  it("returns null for a real division that is not a coordination area", async () => {
    const result = await province.run(`{ coordinationArea(code: "110101") { code } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.coordinationArea).toBeNull();
  });

  it("refuses a malformed or unknown division code, naming the argument", async () => {
    for (const [code, problem] of [
      ["33010", /6 digits/],
      ["339999", /not a known division/],
    ] as const) {
      const result = await province.run(`query($code: String!) { coordinationArea(code: $code) { code } }`, { code });
      expect(result.data?.coordinationArea ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "code" });
      expect(result.errors?.[0]?.message).toMatch(/^code: /);
      expect(result.errors?.[0]?.message).toMatch(problem);
    }
  });

  it("refuses a page size out of bounds and a cursor from elsewhere, naming the argument", async () => {
    const tooMany = await province.run(AREA_ENROLLMENTS, { code: busiest.area_code, year: YEAR, first: 5_000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "first" });
    const foreign = await province.run(AREA_ENROLLMENTS, {
      code: busiest.area_code,
      year: YEAR,
      after: Buffer.from("c:abc").toString("base64url"),
    });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
  });

  it("resolves CoordinationArea references in one batch, null for an unknown code", async () => {
    const result = await province.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on CoordinationArea { code name } } }`,
      {
        r: [
          { __typename: "CoordinationArea", code: busiest.area_code },
          { __typename: "CoordinationArea", code: "999999" },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([{ code: busiest.area_code, name: busiest.name }, null]);
  });

  it("finds every enrollment under an ID number", async () => {
    const [subject] = await province.rows<{ id_number: string }>(sql`
      select id_number from insurance.enrollments where id_number is not null group by id_number
      having count(*) >= 3 and bool_and(area_code like '33%') order by id_number limit 1`);
    const result = await province.run(
      `query($id: String!) { enrollmentsByIdNumber(idNumber: $id) { recordId coverageYear idNumber contributions { amountFen } } }`,
      { id: subject!.id_number.toLowerCase() },
    );
    expect(result.errors).toBeUndefined();
    const enrollments = result.data!.enrollmentsByIdNumber as {
      recordId: string;
      coverageYear: number;
      idNumber: string;
    }[];
    const expected = await province.rows<{ record_id: string }>(
      sql`select record_id from insurance.enrollments where id_number = ${subject!.id_number}`,
    );
    expect(enrollments.map((e) => e.recordId).sort()).toEqual(expected.map((r) => r.record_id).sort());
    expect(enrollments.every((e) => e.idNumber === subject!.id_number)).toBe(true);
    const years = enrollments.map((e) => e.coverageYear);
    expect(years).toEqual([...years].sort((a, b) => b - a));
  });

  it("answers an ID number nobody is enrolled under with an empty list, and refuses an invalid one with its problem", async () => {
    const nobody = await province.run(`{ enrollmentsByIdNumber(idNumber: "11010519491231002X") { recordId } }`);
    expect(nobody.errors).toBeUndefined();
    expect(nobody.data!.enrollmentsByIdNumber).toEqual([]);
    const invalid = await province.run(`{ enrollmentsByIdNumber(idNumber: "110105194912310021") { recordId } }`);
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "idNumber" });
    expect(invalid.errors?.[0]?.message).toMatch(/^idNumber: .*check character/);
  });
});
