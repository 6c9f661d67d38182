import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import {
  builders,
  SCHOOL_YEAR,
  type BuiltChild,
  type BuiltRegistration,
  type BuiltSchool,
} from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
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

/** A roster's order: grade, class, then as the registrations were written. */
const rosterOrder = (a: BuiltRegistration, b: BuiltRegistration) =>
  a.grade - b.grade || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0);

describe.each(ENGINES)("the education subgraph on %s", (engine) => {
  let database: TestDatabase;
  const run = async (query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(educationSubgraph, database.db, query, variables, await departmentSystemHeaders("education"));

  /** A primary school of 17 students this school year (three pages of 7), and one who left it this year. */
  let school: BuiltSchool;
  /** The kindergarten two of them left last year (their registrations there all closed). */
  let kindergarten: BuiltSchool;
  /** Schools of two other counties of the prefecture, and one of another prefecture. */
  let neighbour: BuiltSchool;
  let across: BuiltSchool;
  let elsewhere: BuiltSchool;
  /** Children who entered the school with a temporary L number from kindergarten and have a G number now. */
  let promoted: BuiltChild[];
  /** A child without any education record. */
  let unschooled: BuiltChild;
  /** Every child built, in the order they were written. */
  let everyone: BuiltChild[];

  /** Who is enrolled at a school this school year, in the roster's order. */
  const rosterOf = (s: BuiltSchool) =>
    everyone
      .flatMap((child) =>
        child.registrations
          .filter((r) => r.schoolCode === s.code && r.schoolYear === SCHOOL_YEAR && r.status === "ENROLLED")
          .map((registration) => ({ registration, child })),
      )
      .sort((a, b) => rosterOrder(a.registration, b.registration));

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const build = builders(database.db);
    school = await build.school({ region: "330106", name: "西湖区第一小学", kind: "PRIMARY" });
    kindergarten = await build.school({ region: "330106", kind: "KINDERGARTEN" });
    neighbour = await build.school({ region: "330102" });
    across = await build.school({ region: "330105" });
    elsewhere = await build.school({ region: "330203" });
    const pupils = await build.children(15, (i) => ({
      registrations: [{ school, grade: 1 + (i % 3), className: `${1 + (i % 2)}班` }],
    }));
    promoted = await build.children(2, () => ({
      registrations: [
        { school: kindergarten, schoolYear: SCHOOL_YEAR - 1, grade: 0, idNumber: null, status: "GRADUATED" },
        { school, grade: 1, className: "2班" },
      ],
    }));
    const movedAway = await build.child({
      registrations: [
        { school, status: "TRANSFERRED_OUT", grade: 2 },
        { school: neighbour, grade: 2 },
      ],
    });
    const others = await build.children(4, (i) => ({ registrations: [[neighbour, across, elsewhere, elsewhere][i]!] }));
    unschooled = await build.child();
    everyone = [...pupils, ...promoted, movedAway, ...others, unschooled];
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  describe("School.students", () => {
    it(
      "lists the school's enrolled students of its latest " + "school year, as the registrations table holds them",
      async () => {
        const roster = rosterOf(school);

        const result = await run(ROSTER_PAGE, { code: school.code, first: 500 });

        expect(result.errors).toBeUndefined();
        const found = result.data?.school as {
          code: string;
          studentCount: number;
          students: Connection<Registration> & { schoolYear: number; totalCount: number };
        };
        expect(roster).toHaveLength(17);
        expect(found.students.schoolYear).toBe(SCHOOL_YEAR);
        expect(found.students.totalCount).toBe(roster.length);
        expect(found.studentCount).toBe(roster.length);
        expect(found.students.edges.map((e) => e.node.recordId)).toEqual(roster.map((r) => r.registration.recordId));
        expect(found.students.pageInfo.hasNextPage).toBe(false);
        for (const { node } of found.students.edges) {
          expect(node).toMatchObject({ status: "ENROLLED", schoolYear: SCHOOL_YEAR, school: { code: school.code } });
        }
      },
    );

    it("lists exactly the children built into the school, each linked to its master child", async () => {
      const pupils = rosterOf(school).map((r) => r.child);

      const result = await run(ROSTER_PAGE, { code: school.code, first: 500 });

      const found = result.data?.school as { students: Connection<Registration> };
      const roster = found.students.edges.map((e) => e.node.child?.id);
      expect(new Set(roster)).toEqual(new Set(pupils.map((c) => String(c.id))));
      expect(roster).toHaveLength(pupils.length);
    });

    it("pages through the roster without overlaps or gaps", async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const result = await run(ROSTER_PAGE, { code: school.code, first: 7, after });
        expect(result.errors).toBeUndefined();
        const page = (result.data?.school as { students: Connection<Registration> }).students;
        expect(page.edges.length).toBeLessThanOrEqual(7);
        seen.push(...page.edges.map((e) => e.node.recordId));
        pages += 1;
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(7);
        after = page.pageInfo.endCursor;
      }

      expect(pages).toBe(Math.ceil(17 / 7));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(rosterOf(school).map((r) => r.registration.recordId));
    });

    it("lists an earlier school year when asked, and an empty page for a year without students", async () => {
      const past = await run(ROSTER_PAGE, { code: kindergarten.code, schoolYear: SCHOOL_YEAR - 1 });
      const none = await run(ROSTER_PAGE, { code: kindergarten.code, schoolYear: 2010 });

      // Last year's registrations were all closed (the children graduated).
      expect((past.data?.school as { students: { schoolYear: number; edges: unknown[] } }).students).toMatchObject({
        schoolYear: SCHOOL_YEAR - 1,
        edges: [],
      });
      expect(none.data?.school).toMatchObject({
        studentCount: 0,
        students: { schoolYear: 2010, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      });
    });

    it("refuses a page size above 500 and a cursor it did not issue, naming the argument", async () => {
      const tooBig = await run(ROSTER_PAGE, { code: school.code, first: 501 });
      const forged = await run(ROSTER_PAGE, {
        code: school.code,
        after: Buffer.from("c:not-a-position").toString("base64url"),
      });

      expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "first" });
      expect(forged.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
      expect(forged.errors?.[0]?.message).toMatch(/^after: /);
    });
  });

  describe("school(code)", () => {
    it("answers a school by its code with the department's fields", async () => {
      const result = await run(`query ($code: String!) { school(code: $code) { code name kind regionCode } }`, {
        code: ` ${school.code} `,
      });

      expect(result).toEqual({
        data: { school: { code: school.code, name: "西湖区第一小学", kind: "PRIMARY", regionCode: "330106" } },
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
      schools(region: $region, first: $first, after: $after) { edges { node { code regionCode studentCount } } pageInfo
        { hasNextPage endCursor } } }`;

    it("pages through a region's schools in code order, each with its enrolled count", async () => {
      // The prefecture's four schools (not the one of another prefecture), two pages of three.
      const expected = [school, kindergarten, neighbour, across]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .map((s) => ({ code: s.code, regionCode: s.regionCode, studentCount: rosterOf(s).length }));

      const seen: { code: string; studentCount: number }[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await run(SCHOOLS, { region: "3301", first: 3, after });
        expect(result.errors).toBeUndefined();
        const page = result.data?.schools as Connection<{ code: string; studentCount: number }>;
        seen.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }

      expect(expected.map((e) => e.studentCount)).toEqual([2, 1, 17, 0]);
      expect(seen).toEqual(expected);
    });

    it("refuses a region that is not a division code, naming the argument", async () => {
      const result = await run(SCHOOLS, { region: "33x1" });

      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "region" });
      expect(result.errors?.[0]?.message).toMatch(/^region: /);
    });
  });

  describe("Child through _entities", () => {
    it("gives each child its current enrollment: the school and grade it was registered in", async () => {
      const expected = everyone.flatMap((child) =>
        child.registrations.filter((r) => r.status === "ENROLLED").map((registration) => ({ child, registration })),
      );
      const representations = expected.map((e) => e.child.ref);

      const result = await run(CHILD_ENTITIES, { representations });

      expect(result.errors).toBeUndefined();
      const entities = result.data?._entities as { id: string; enrollment: Registration }[];
      expect(expected).toHaveLength(22);
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
          id: String(e.child.id),
          school: e.registration.schoolCode,
          grade: e.registration.grade,
          className: e.registration.className,
          child: String(e.child.id),
        })),
      );
    });

    it(
      "answers a child who has no education record as null: " + "the department's scope reaches only its own students",
      async () => {
        const result = await run(CHILD_ENTITIES, { representations: [unschooled.ref] });

        // The department's own system reaches children with a registration in its region; this
        // child has none, so it is indistinguishable from an id nobody has.
        expect(result).toEqual({ data: { _entities: [null] } });
      },
    );

    it("keeps both registrations of a child whose temporary L number was promoted to a G number", async () => {
      const result = await run(CHILD_ENTITIES, { representations: promoted.map((c) => c.ref) });

      expect(result.errors).toBeUndefined();
      const entities = result.data?._entities as { enrollment: Registration; studentRegistrations: Registration[] }[];
      promoted.forEach((p, i) => {
        const [old, current] = p.registrations as [BuiltRegistration, BuiltRegistration];
        const child = entities[i]!;
        expect(old.studentNumber).toMatch(/^L/);
        expect(current.studentNumber).toMatch(/^G/);
        expect(child.studentRegistrations.map((r) => [r.studentNumber, r.schoolYear, r.school?.code])).toEqual([
          [current.studentNumber, SCHOOL_YEAR, school.code],
          [old.studentNumber, SCHOOL_YEAR - 1, kindergarten.code],
        ]);
        expect(child.studentRegistrations[1]!.status).toMatch(/^(GRADUATED|TRANSFERRED_OUT)$/);
        expect(child.enrollment.studentNumber).toBe(current.studentNumber);
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
            { __typename: "School", code: school.code },
            { __typename: "School", code: "9999999999" },
          ],
        },
      );

      expect(result).toEqual({ data: { _entities: [{ code: school.code, studentCount: 17 }, null] } });
    });
  });

  describe("studentRegistration(studentNumber)", () => {
    const LOOKUP = `query ($n: String!) { studentRegistration(studentNumber: $n) { studentNumber schoolYear status
      school { code } child { id } } }`;

    it(
      "finds the latest registration under a student number, " + "and the older one under a promoted child's L number",
      async () => {
        const p = promoted[0]!;
        const [old, current] = p.registrations as [BuiltRegistration, BuiltRegistration];

        const found = await run(LOOKUP, { n: current.studentNumber.toLowerCase() });
        const earlier = await run(LOOKUP, { n: old.studentNumber });

        expect(found).toEqual({
          data: {
            studentRegistration: {
              studentNumber: current.studentNumber,
              schoolYear: SCHOOL_YEAR,
              status: "ENROLLED",
              school: { code: school.code },
              child: { id: String(p.id) },
            },
          },
        });
        expect(earlier.data?.studentRegistration).toMatchObject({
          studentNumber: old.studentNumber,
          schoolYear: SCHOOL_YEAR - 1,
          child: { id: String(p.id) },
        });
      },
    );

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
