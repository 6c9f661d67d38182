import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIdNumber } from "../../../src/domain/id-number.ts";
import type { BuiltChild, BuiltCoordinationArea } from "../../kit/builders.ts";
import { ENGINES } from "../../kit/database.ts";
import { openInsuranceTestDatabase, YEAR, type InsuranceTestDatabase } from "./harness.ts";

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const AREA_ENROLLMENTS = `query($code: String!, $year: Int!, $first: Int, $after: String) {
  coordinationArea(code: $code) {
    code
    enrolledCount(coverageYear: $year)
    enrollments(coverageYear: $year, first: $first, after: $after) { edges { cursor node { recordId coverageYear area {
      code } } } pageInfo { hasNextPage endCursor } }
  }
}`;

describe.each(ENGINES)("coordination areas and enrollments on %s", (engine) => {
  let province: InsuranceTestDatabase;
  /** Hangzhou's area: 80 enrollments this year (three of them terminated), each child's also last year. */
  let busiest: BuiltCoordinationArea;
  /** Seven areas: six prefectures of the province and one elsewhere. */
  let areas: BuiltCoordinationArea[];
  let everyone: BuiltChild[];
  /** A child enrolled three years running in Hangzhou, under an ID number ending in X. */
  let subject: BuiltChild;
  /** This year's enrollments in the busiest area, in the order written. */
  const busiestThisYear = () =>
    everyone.flatMap((c) => c.enrollments).filter((e) => e.areaCode === busiest.code && e.coverageYear === YEAR);

  beforeAll(async () => {
    province = await openInsuranceTestDatabase(engine);
    const { build } = province;
    busiest = await build.coordinationArea({
      code: "330100",
      name: "杭州市城乡居民医保",
      windowOpens: "09-01",
      windowCloses: "12-31",
      annualContributionFen: 40_000,
    });
    areas = [busiest];
    for (const code of ["330200", "330300", "330400", "330500", "330600", "340100"])
      areas.push(await build.coordinationArea({ code }));
    const ningbo = areas[1]!;
    const many = await build.children(79, (i) => ({
      enrollments: [
        { area: busiest, coverageYear: YEAR - 1 },
        { area: busiest, status: i % 25 === 7 ? ("TERMINATED" as const) : ("ACTIVE" as const) },
      ],
    }));
    const birthDate = "2019-03-15";
    const endingInX = [...Array(500).keys()]
      .map((n) => makeIdNumber({ regionCode: "330106", birthDate, sequence: 2 * n + 1 }))
      .find((id) => id.endsWith("X"))!;
    subject = await build.child({
      sex: "M",
      birthDate,
      idNumber: endingInX,
      enrollments: [YEAR - 2, YEAR - 1, YEAR].map((coverageYear) => ({ area: busiest, coverageYear })),
    });
    const others = await build.children(10, () => ({ enrollments: [ningbo] }));
    everyone = [...many, subject, ...others];
    await build.link();
  }, 180_000);
  afterAll(async () => province?.database.close());

  it("finds an area by its division code", async () => {
    const result = await province.run(
      `{ coordinationArea(code: "${busiest.code}") { code name windowOpens windowCloses annualContributionFen } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.coordinationArea).toEqual({
      code: "330100",
      name: "杭州市城乡居民医保",
      windowOpens: "09-01",
      windowCloses: "12-31",
      annualContributionFen: 40_000,
    });
  });

  it("pages through an area's enrollments for a year without overlap, covering all of them", async () => {
    const expected = busiestThisYear();
    expect(expected).toHaveLength(80);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result = await province.run(AREA_ENROLLMENTS, { code: busiest.code, year: YEAR, first: 37, after });
      expect(result.errors).toBeUndefined();
      const page = (
        result.data!.coordinationArea as {
          enrollments: Page<{ recordId: string; coverageYear: number; area: { code: string } }>;
        }
      ).enrollments;
      expect(page.edges.length).toBeLessThanOrEqual(37);
      for (const { node } of page.edges) {
        expect(node).toMatchObject({ coverageYear: YEAR, area: { code: busiest.code } });
        seen.push(node.recordId);
      }
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(37);
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected.map((e) => e.recordId));
    expect(pages).toBe(Math.ceil(expected.length / 37));
  });

  it("counts an area's ACTIVE enrollments for a year", async () => {
    const active = busiestThisYear().filter((e) => e.status === "ACTIVE");
    expect(active).toHaveLength(77);
    const result = await province.run(AREA_ENROLLMENTS, { code: busiest.code, year: YEAR, first: 1 });
    expect((result.data!.coordinationArea as { enrolledCount: number }).enrolledCount).toBe(active.length);
    const past = await province.run(AREA_ENROLLMENTS, { code: busiest.code, year: 2010, first: 1 });
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
        `query($after: String) { coordinationAreas(first: 5, after: $after) { edges { node { code } } pageInfo {
          hasNextPage endCursor } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data!.coordinationAreas as Page<{ code: string }>;
      codes.push(...page.edges.map((e) => e.node.code));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    expect(codes).toEqual(areas.map((a) => a.code).sort());
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
    const tooMany = await province.run(AREA_ENROLLMENTS, { code: busiest.code, year: YEAR, first: 5_000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "first" });
    const foreign = await province.run(AREA_ENROLLMENTS, {
      code: busiest.code,
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
          { __typename: "CoordinationArea", code: busiest.code },
          { __typename: "CoordinationArea", code: "999999" },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([{ code: busiest.code, name: "杭州市城乡居民医保" }, null]);
  });

  it("finds every enrollment under an ID number", async () => {
    const idNumber = subject.idNumber!;
    expect(idNumber).toMatch(/X$/);
    const result = await province.run(
      `query($id: String!) { enrollmentsByIdNumber(idNumber: $id) { recordId coverageYear idNumber contributions {
        amountFen } } }`,
      { id: idNumber.toLowerCase() },
    );
    expect(result.errors).toBeUndefined();
    const enrollments = result.data!.enrollmentsByIdNumber as {
      recordId: string;
      coverageYear: number;
      idNumber: string;
    }[];
    expect(enrollments.map((e) => e.recordId).sort()).toEqual(subject.enrollments.map((e) => e.recordId).sort());
    expect(enrollments.every((e) => e.idNumber === idNumber)).toBe(true);
    const years = enrollments.map((e) => e.coverageYear);
    expect(years).toEqual([...years].sort((a, b) => b - a));
  });

  it(
    "answers an ID number nobody is enrolled under with an " +
      "empty list, and refuses an invalid one with its problem",
    async () => {
      const nobody = await province.run(`{ enrollmentsByIdNumber(idNumber: "11010519491231002X") { recordId } }`);
      expect(nobody.errors).toBeUndefined();
      expect(nobody.data!.enrollmentsByIdNumber).toEqual([]);
      const invalid = await province.run(`{ enrollmentsByIdNumber(idNumber: "110105194912310021") { recordId } }`);
      expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "idNumber" });
      expect(invalid.errors?.[0]?.message).toMatch(/^idNumber: .*check character/);
    },
  );
});
