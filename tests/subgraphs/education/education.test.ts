import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

interface Edge<T> {
  cursor: string;
  node: T;
}
interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface Registration {
  recordId: string;
  studentNumber: string;
  grade: number;
  className: string;
  schoolYear: number;
  status: string;
  school: { code: string } | null;
  child: { id: string } | null;
}

const ROSTER_PAGE = `
  query Roster($code: String!, $first: Int, $after: String, $schoolYear: Int) {
    school(code: $code) {
      code
      studentCount(schoolYear: $schoolYear)
      students(first: $first, after: $after, schoolYear: $schoolYear) {
        schoolYear
        totalCount
        edges { cursor node { recordId studentNumber grade className schoolYear status school { code } child { id } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const CHILD_ENTITIES = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Child {
        id
        enrollment { recordId studentNumber grade className schoolYear status school { code } child { id } }
        studentRegistrations { recordId studentNumber schoolYear status school { code } }
      }
    }
  }`;

describe.each(ENGINES)("the education subgraph on %s", (engine) => {
  let database: TestDatabase;
  /** truth child key → master child id, as a perfect linkage would have it. */
  let childIds: Map<string, number>;
  const rows = <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text));
  const run = async (query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(educationSubgraph, database.db, query, variables, await departmentSystemHeaders("education"));
  const childIdOf = (key: string) => String(childIds.get(key));

  /** The school with the most enrolled students this school year. */
  let biggest: { school_code: string; region_code: string; n: number };
  /** Its roster as the registrations table holds it, in the roster's order. */
  let rosterInSql: { record_id: string; child_key: string }[];

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 1_500, seed: 5, asOf: "2026-06-30" });
    childIds = await linkFromTruth(database.db);
    [biggest] = (await rows<{ school_code: string; region_code: string; n: number }>(`
      select s.school_code, sc.region_code, count(*)::int as n from education.student_registrations s join education.schools sc using (school_code)
      where s.status = 'ENROLLED' and s.school_year = 2025 group by 1, 2 order by n desc, 1 limit 1`)) as [
      typeof biggest,
    ];
    rosterInSql = await rows(`
      select s.record_id, r.child_key from education.student_registrations s
      join truth.records r on r.source = 'education.student' and r.record_id = s.record_id
      where s.school_code = '${biggest.school_code}' and s.school_year = 2025 and s.status = 'ENROLLED'
      order by s.grade, s.class_name, s.id`);
  }, 180_000);
  afterAll(async () => database?.close());

  describe("School.students", () => {
    it("lists the school's enrolled students of its latest school year, as the registrations table holds them", async () => {
      const result = await run(ROSTER_PAGE, { code: biggest.school_code, first: 500 });

      expect(result.errors).toBeUndefined();
      const school = result.data?.school as {
        code: string;
        studentCount: number;
        students: Connection<Registration> & { schoolYear: number; totalCount: number };
      };
      expect(school.students.schoolYear).toBe(2025);
      expect(school.students.totalCount).toBe(biggest.n);
      expect(school.studentCount).toBe(biggest.n);
      expect(school.students.edges.map((e) => e.node.recordId)).toEqual(rosterInSql.map((r) => r.record_id));
      expect(school.students.pageInfo.hasNextPage).toBe(false);
      for (const { node } of school.students.edges) {
        expect(node).toMatchObject({ status: "ENROLLED", schoolYear: 2025, school: { code: biggest.school_code } });
      }
    });

    it("lists exactly the children the generator put in the school, each linked to its master child", async () => {
      const truth = await rows<{ child_key: string }>(
        `select child_key from truth.children where school_code = '${biggest.school_code}'`,
      );

      const result = await run(ROSTER_PAGE, { code: biggest.school_code, first: 500 });

      const school = result.data?.school as { students: Connection<Registration> };
      const roster = school.students.edges.map((e) => e.node.child?.id);
      expect(new Set(roster)).toEqual(new Set(truth.map((t) => childIdOf(t.child_key))));
      expect(roster).toHaveLength(truth.length);
    });

    it("pages through the roster without overlaps or gaps", async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const result = await run(ROSTER_PAGE, { code: biggest.school_code, first: 7, after });
        expect(result.errors).toBeUndefined();
        const page = (result.data?.school as { students: Connection<Registration> }).students;
        expect(page.edges.length).toBeLessThanOrEqual(7);
        seen.push(...page.edges.map((e) => e.node.recordId));
        pages += 1;
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(7);
        after = page.pageInfo.endCursor;
      }

      expect(pages).toBe(Math.ceil(biggest.n / 7));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(rosterInSql.map((r) => r.record_id));
    });

    it("lists an earlier school year when asked, and an empty page for a year without students", async () => {
      const [earlier] = await rows<{ school_code: string; n: number }>(`
        select school_code, count(*)::int as n from education.student_registrations where school_year = 2024 group by 1 order by n desc, 1 limit 1`);

      const past = await run(ROSTER_PAGE, { code: earlier!.school_code, schoolYear: 2024 });
      const none = await run(ROSTER_PAGE, { code: earlier!.school_code, schoolYear: 2010 });

      // Last year's registrations were all closed (graduated or transferred out) by the generator.
      expect((past.data?.school as { students: { schoolYear: number; edges: unknown[] } }).students).toMatchObject({
        schoolYear: 2024,
        edges: [],
      });
      expect(none.data?.school).toMatchObject({
        studentCount: 0,
        students: { schoolYear: 2010, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      });
    });

    it("refuses a page size above 500 and a cursor it did not issue, naming the argument", async () => {
      const tooBig = await run(ROSTER_PAGE, { code: biggest.school_code, first: 501 });
      const forged = await run(ROSTER_PAGE, {
        code: biggest.school_code,
        after: Buffer.from("c:not-a-position").toString("base64url"),
      });

      expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "first" });
      expect(forged.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
      expect(forged.errors?.[0]?.message).toMatch(/^after: /);
    });
  });

  describe("school(code)", () => {
    it("answers a school by its code with the department's fields", async () => {
      const [expected] = await rows<{ name: string; kind: string; region_code: string }>(
        `select name, kind, region_code from education.schools where school_code = '${biggest.school_code}'`,
      );

      const result = await run(`query ($code: String!) { school(code: $code) { code name kind regionCode } }`, {
        code: ` ${biggest.school_code} `,
      });

      expect(result).toEqual({
        data: {
          school: {
            code: biggest.school_code,
            name: expected!.name,
            kind: expected!.kind,
            regionCode: expected!.region_code,
          },
        },
      });
    });

    it("returns null for an unknown school code", async () => {
      const result = await run(`{ school(code: "9999999999") { code } }`);

      expect(result).toEqual({ data: { school: null } });
    });

    it("refuses a malformed school code, naming the argument", async () => {
      const result = await run(`{ school(code: "23301-2031") { code } }`);

      expect(result.data?.school).toBeNull();
      expect(result.errors?.[0]?.message).toBe('code: must be a 10-digit school code, but got "23301-2031"');
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "code" });
    });
  });

  describe("schools(region)", () => {
    const SCHOOLS = `query ($region: String!, $first: Int, $after: String) {
      schools(region: $region, first: $first, after: $after) { edges { node { code regionCode studentCount } } pageInfo { hasNextPage endCursor } } }`;

    it("pages through a region's schools in code order, each with its enrolled count", async () => {
      const expected = await rows<{ school_code: string; n: number }>(`
        select sc.school_code, (select count(*)::int from education.student_registrations s where s.school_code = sc.school_code and s.status = 'ENROLLED' and s.school_year = 2025) as n
        from education.schools sc where sc.region_code like '${biggest.region_code.slice(0, 4)}%' order by sc.school_code`);

      const seen: { code: string; studentCount: number }[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await run(SCHOOLS, { region: biggest.region_code.slice(0, 4), first: 3, after });
        expect(result.errors).toBeUndefined();
        const page = result.data?.schools as Connection<{ code: string; studentCount: number }>;
        seen.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }

      expect(expected.length).toBeGreaterThan(3);
      expect(seen).toEqual(
        expected.map((e) => ({ code: e.school_code, regionCode: expect.stringMatching(/^\d{6}$/), studentCount: e.n })),
      );
    });

    it("refuses a region that is not a division code, naming the argument", async () => {
      const result = await run(SCHOOLS, { region: "33x1" });

      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "region" });
      expect(result.errors?.[0]?.message).toMatch(/^region: /);
    });
  });

  describe("Child through _entities", () => {
    it("gives each child its current enrollment: the school and grade the generator wrote", async () => {
      const expected = await rows<{ child_key: string; school_code: string; grade: number; class_name: string }>(`
        select c.child_key, c.school_code, s.grade, s.class_name from truth.children c
        join truth.records r on r.child_key = c.child_key and r.source = 'education.student'
        join education.student_registrations s on s.record_id = r.record_id and s.status = 'ENROLLED'
        where c.school_code is not null order by c.child_key limit 40`);
      const representations = expected.map((e) => ({ __typename: "Child", id: childIdOf(e.child_key) }));

      const result = await run(CHILD_ENTITIES, { representations });

      expect(result.errors).toBeUndefined();
      const entities = result.data?._entities as { id: string; enrollment: Registration }[];
      expect(
        entities.map((c) => ({
          id: c.id,
          school: c.enrollment.school?.code,
          grade: c.enrollment.grade,
          className: c.enrollment.className,
          child: c.enrollment.child?.id,
        })),
      ).toEqual(
        expected.map((e) => ({
          id: childIdOf(e.child_key),
          school: e.school_code,
          grade: e.grade,
          className: e.class_name,
          child: childIdOf(e.child_key),
        })),
      );
    });

    it("answers a child who has no education record as null: the department's scope reaches only its own students", async () => {
      const [unschooled] = await rows<{ child_key: string }>(`
        select c.child_key from truth.children c where c.school_code is null
        and not exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'education.student') order by 1 limit 1`);

      const result = await run(CHILD_ENTITIES, {
        representations: [{ __typename: "Child", id: childIdOf(unschooled!.child_key) }],
      });

      // The department's own system reaches children with a registration in its region; this
      // child has none, so it is indistinguishable from an id nobody has.
      expect(result).toEqual({ data: { _entities: [null] } });
    });

    it("keeps both registrations of a child whose temporary L number was promoted to a G number", async () => {
      const promoted = await rows<{
        child_key: string;
        old_number: string;
        new_number: string;
        old_school: string;
        new_school: string;
      }>(`
        select c.child_key, o.student_number as old_number, n.student_number as new_number, o.school_code as old_school, n.school_code as new_school
        from truth.children c
        join truth.records ro on ro.child_key = c.child_key and ro.source = 'education.student'
        join education.student_registrations o on o.record_id = ro.record_id and o.school_year = 2024 and o.student_number like 'L%'
        join truth.records rn on rn.child_key = c.child_key and rn.source = 'education.student'
        join education.student_registrations n on n.record_id = rn.record_id and n.school_year = 2025 and n.student_number like 'G%'
        order by c.child_key limit 5`);
      expect(promoted.length).toBeGreaterThan(0);

      const result = await run(CHILD_ENTITIES, {
        representations: promoted.map((p) => ({ __typename: "Child", id: childIdOf(p.child_key) })),
      });

      expect(result.errors).toBeUndefined();
      const entities = result.data?._entities as { enrollment: Registration; studentRegistrations: Registration[] }[];
      promoted.forEach((p, i) => {
        const child = entities[i]!;
        expect(child.studentRegistrations.map((r) => [r.studentNumber, r.schoolYear, r.school?.code])).toEqual([
          [p.new_number, 2025, p.new_school],
          [p.old_number, 2024, p.old_school],
        ]);
        expect(child.studentRegistrations[1]!.status).toMatch(/^(GRADUATED|TRANSFERRED_OUT)$/);
        expect(child.enrollment.studentNumber).toBe(p.new_number);
      });
    });

    it("answers a child id that cannot exist with a null entity rather than an error", async () => {
      const result = await run(CHILD_ENTITIES, {
        representations: [
          { __typename: "Child", id: "999999999" },
          { __typename: "Child", id: "not-a-number" },
        ],
      });

      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null, null]);
    });
  });

  describe("School through _entities", () => {
    it("resolves known schools and returns null for unknown ones", async () => {
      const result = await run(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on School { code studentCount } } }`,
        {
          r: [
            { __typename: "School", code: biggest.school_code },
            { __typename: "School", code: "9999999999" },
          ],
        },
      );

      expect(result).toEqual({ data: { _entities: [{ code: biggest.school_code, studentCount: biggest.n }, null] } });
    });
  });

  describe("studentRegistration(studentNumber)", () => {
    const LOOKUP = `query ($n: String!) { studentRegistration(studentNumber: $n) { studentNumber schoolYear status school { code } child { id } } }`;

    it("finds the latest registration under a student number, and the older one under a promoted child's L number", async () => {
      const [p] = await rows<{ child_key: string; old_number: string; new_number: string; new_school: string }>(`
        select ro.child_key, o.student_number as old_number, n.student_number as new_number, n.school_code as new_school
        from truth.records ro join education.student_registrations o on o.record_id = ro.record_id and ro.source = 'education.student' and o.student_number like 'L%' and o.school_year = 2024
        join truth.records rn on rn.child_key = ro.child_key and rn.source = 'education.student'
        join education.student_registrations n on n.record_id = rn.record_id and n.school_year = 2025 and n.student_number like 'G%'
        order by 1 limit 1`);

      const current = await run(LOOKUP, { n: p!.new_number.toLowerCase() });
      const old = await run(LOOKUP, { n: p!.old_number });

      expect(current).toEqual({
        data: {
          studentRegistration: {
            studentNumber: p!.new_number,
            schoolYear: 2025,
            status: "ENROLLED",
            school: { code: p!.new_school },
            child: { id: childIdOf(p!.child_key) },
          },
        },
      });
      expect(old.data?.studentRegistration).toMatchObject({
        studentNumber: p!.old_number,
        schoolYear: 2024,
        child: { id: childIdOf(p!.child_key) },
      });
    });

    it("returns null for a well-formed student number nobody has", async () => {
      const result = await run(LOOKUP, { n: "L330106201903159999" });

      expect(result).toEqual({ data: { studentRegistration: null } });
    });

    it("refuses a malformed student number, naming the argument and the rule", async () => {
      const result = await run(LOOKUP, { n: "X12345" });

      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "studentNumber" });
      expect(result.errors?.[0]?.message).toMatch(/^studentNumber: student number must be 19 characters/);
    });
  });
});
