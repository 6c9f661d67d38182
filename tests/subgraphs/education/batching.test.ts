import type { ExecutionResult } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import { builders, type BuiltChild, type BuiltSchool } from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

/** A past school year in which the big school had a full 500-student roster. */
const FULL_YEAR = 2019;

const ROSTER = `
  query ($code: String!, $first: Int!, $schoolYear: Int) {
    school(code: $code) {
      name
      studentCount(schoolYear: $schoolYear)
      students(first: $first, schoolYear: $schoolYear) {
        totalCount
        edges { node { recordId name grade className school { code name } child { id } } }
        pageInfo { hasNextPage }
      }
    }
  }`;

describe.each(ENGINES)("education subgraph SQL statements on %s", (engine) => {
  let database: TestDatabase;
  let statements: string[] | null = null;
  /** 500 students in FULL_YEAR, dozens a class; the first 200 of them still there this school year. */
  let big: BuiltSchool;
  let pupils: BuiltChild[];
  /** Six more schools of the province, three students each. */
  let others: BuiltSchool[];

  /** Runs an operation and returns its data with the statements it sent. */
  async function counted(query: string, variables: Record<string, unknown>) {
    statements = [];
    const result = await executeSubgraph(
      educationSubgraph,
      database.db,
      query,
      variables,
      await departmentSystemHeaders("education"),
    );
    const sent = statements;
    statements = null;
    expect(result.errors).toBeUndefined();
    return { data: result.data as Record<string, unknown>, statements: sent };
  }

  beforeAll(async () => {
    database = await openTestDatabase(engine, { onQuery: (text) => statements?.push(text) });
    const build = builders(database.db);
    big = await build.school();
    others = [];
    for (const region of ["330106", "330102", "330105", "330203", "330212", "330302"])
      others.push(await build.school({ region }));
    const place = (i: number) => ({ grade: 1 + (i % 6), className: `${1 + (i % 8)}班` });
    pupils = await build.children(500, (i) => ({
      registrations: [
        { school: big, schoolYear: FULL_YEAR, ...place(i) },
        ...(i < 200 ? [{ school: big, ...place(i) }] : []),
      ],
    }));
    await build.children(18, (i) => ({ registrations: [others[i % others.length]!] }));
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  it(
    "serves a roster page with each student's school and " + "child in the same few statements, whatever the page size",
    async () => {
      const small = await counted(ROSTER, { code: big.code, first: 10 });
      const whole = await counted(ROSTER, { code: big.code, first: 200 });

      const students = (d: Record<string, unknown>) =>
        (d.school as { students: { edges: { node: { child: { id: string } | null } }[] } }).students.edges;
      expect(students(small.data)).toHaveLength(10);
      expect(students(whole.data)).toHaveLength(200);
      expect(students(whole.data).every((e) => e.node.child !== null)).toBe(true);
      // school, studentCount, the roster page (with each student's child link), one scope check of
      // the page's children, the audit log's INSERT; the page's school comes from the loader's cache.
      expect(whole.statements.length).toBe(small.statements.length);
      expect(whole.statements.length).toBe(5);
    },
  );

  it("serves a full 500-student roster in one page and the same statements", async () => {
    const small = await counted(ROSTER, { code: big.code, first: 10, schoolYear: FULL_YEAR });
    const full = await counted(ROSTER, { code: big.code, first: 500, schoolYear: FULL_YEAR });

    const school = full.data.school as {
      studentCount: number;
      students: { edges: { node: { child: { id: string } | null } }[]; pageInfo: { hasNextPage: boolean } };
    };
    expect(school.studentCount).toBe(500);
    expect(school.students.edges).toHaveLength(500);
    expect(school.students.pageInfo.hasNextPage).toBe(false);
    expect(school.students.edges.every((e) => e.node.child !== null)).toBe(true);
    // As above: school, studentCount, roster page with links, scope check, audit INSERT.
    expect(full.statements.length).toBe(small.statements.length);
    expect(full.statements.length).toBe(5);
  });

  it("pages through a 500-student roster with dozens of students per class without overlaps or gaps", async () => {
    // The roster's order: grade, class, then as the registrations were written.
    const expected = pupils
      .flatMap((c) => c.registrations.filter((r) => r.schoolYear === FULL_YEAR))
      .sort((a, b) => a.grade - b.grade || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result: ExecutionResult = await executeSubgraph(
        educationSubgraph,
        database.db,
        `query ($code: String!, $after: String) { school(code: $code) {
        students(first: 37, after: $after, schoolYear: ${FULL_YEAR}) { edges { node { recordId } } pageInfo {
          hasNextPage endCursor } } } }`,
        { code: big.code, after },
        await departmentSystemHeaders("education"),
      );
      const page = (
        result.data?.school as {
          students: { edges: { node: { recordId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
        }
      ).students;
      seen.push(...page.edges.map((e) => e.node.recordId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }

    expect(expected).toHaveLength(500);
    expect(seen).toEqual(expected.map((r) => r.recordId));
  });

  it(
    "resolves 300 Child entities with enrollment, registrations " +
      "and their schools in a constant number of statements",
    async () => {
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child {
      enrollment { grade school { code name } child { id } }
      studentRegistrations { schoolYear school { code } } } } }`;
      const few = await counted(query, { r: pupils.slice(0, 5).map((c) => c.ref) });
      const many = await counted(query, { r: pupils.slice(0, 300).map((c) => c.ref) });

      expect(many.data._entities).toHaveLength(300);
      // one scope check of the representations, registrations by child (with their links),
      // schools, the audit log's INSERT. `enrollment.child` reuses the scope check's answers.
      expect(many.statements.length).toBe(few.statements.length);
      expect(many.statements.length).toBe(4);
    },
  );

  it(
    "lists every school of the province with its count " + "and first students in a constant number of statements",
    async () => {
      const query = `query ($first: Int!) { schools(region: "33", first: $first) { edges { node { code studentCount
      students(first: 20) { edges { node { recordId child { id } school { kind } } } } } } } }`;
      const one = await counted(query, { first: 1 });
      const all = await counted(query, { first: 500 });

      expect((all.data.schools as { edges: unknown[] }).edges).toHaveLength(1 + others.length);
      // schools, rosters (with the students' child links), counts, one scope check of every
      // student's child, the audit log's INSERT; the students' schools come from the primed cache.
      expect(all.statements.length).toBe(one.statements.length);
      expect(all.statements.length).toBe(5);
    },
  );
});
