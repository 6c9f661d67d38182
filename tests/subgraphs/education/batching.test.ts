import { sql } from "drizzle-orm";
import type { ExecutionResult } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

/** A synthetic past school year in which the biggest school had a full 500-student roster. */
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
  let biggest: string;
  let childIds: Map<string, number>;
  const rows = <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text));

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
    await generateProvince(database.db, { children: 1_500, seed: 5, asOf: "2026-06-30" });
    childIds = await linkFromTruth(database.db);
    [{ school_code: biggest }] = (await rows<{ school_code: string }>(`
      select school_code from education.student_registrations where status = 'ENROLLED' and school_year = 2025
      group by 1 order by count(*) desc, 1 limit 1`)) as [{ school_code: string }];
    // 500 registrations in one school year, each linked to the child of one of 100 real registrations.
    const base = `select r.*, row_number() over (order by r.id) as rn from education.student_registrations r
      where r.school_code = '${biggest}' and r.school_year = 2025 and r.status = 'ENROLLED'`;
    await database.db.execute(
      sql.raw(`
      insert into education.student_registrations (record_id, student_number, id_number, name, sex, birth_date, school_code, grade, class_name, school_year, status, guardian_phone)
      select 'SYN' || lpad(g::text, 4, '0'), b.student_number, b.id_number, b.name, b.sex, b.birth_date, b.school_code, 1 + g % 6, (1 + g % 8) || '班', ${FULL_YEAR}, 'ENROLLED', b.guardian_phone
      from generate_series(1, 500) g join (${base}) b on b.rn = 1 + (g - 1) % 100`),
    );
    await database.db.execute(
      sql.raw(`
      insert into hub.links (source, record_id, child_id, rule, score)
      select 'education.student', 'SYN' || lpad(g::text, 4, '0'), l.child_id, 'REVIEW_CONFIRMED', 1
      from generate_series(1, 500) g join (${base}) b on b.rn = 1 + (g - 1) % 100
      join hub.links l on l.source = 'education.student' and l.record_id = b.record_id and l.unlinked_at is null`),
    );
  }, 180_000);
  afterAll(async () => database?.close());

  it("serves a roster page with each student's school and child in the same few statements, whatever the page size", async () => {
    const small = await counted(ROSTER, { code: biggest, first: 10 });
    const whole = await counted(ROSTER, { code: biggest, first: 200 });

    const students = (d: Record<string, unknown>) =>
      (d.school as { students: { edges: { node: { child: { id: string } | null } }[] } }).students.edges;
    expect(students(small.data)).toHaveLength(10);
    expect(students(whole.data).length).toBeGreaterThan(150);
    expect(students(whole.data).every((e) => e.node.child !== null)).toBe(true);
    // school, studentCount, the roster page (with each student's child link), one scope check of
    // the page's children, the audit log's INSERT; the page's school comes from the loader's cache.
    expect(whole.statements.length).toBe(small.statements.length);
    expect(whole.statements.length).toBe(5);
  });

  it("serves a full 500-student roster in one page and the same statements", async () => {
    const small = await counted(ROSTER, { code: biggest, first: 10, schoolYear: FULL_YEAR });
    const full = await counted(ROSTER, { code: biggest, first: 500, schoolYear: FULL_YEAR });

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
    const expected = await rows<{ record_id: string }>(`
      select record_id from education.student_registrations where school_code = '${biggest}' and school_year = ${FULL_YEAR} and status = 'ENROLLED'
      order by grade, class_name, id`);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result: ExecutionResult = await executeSubgraph(
        educationSubgraph,
        database.db,
        `query ($code: String!, $after: String) { school(code: $code) {
        students(first: 37, after: $after, schoolYear: ${FULL_YEAR}) { edges { node { recordId } } pageInfo { hasNextPage endCursor } } } }`,
        { code: biggest, after },
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
    expect(seen).toEqual(expected.map((r) => r.record_id));
  });

  it("resolves 300 Child entities with enrollment, registrations and their schools in a constant number of statements", async () => {
    const ids = [...childIds.values()];
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child {
      enrollment { grade school { code name } child { id } }
      studentRegistrations { schoolYear school { code } } } } }`;
    const few = await counted(query, { r: ids.slice(0, 5).map((id) => ({ __typename: "Child", id: String(id) })) });
    const many = await counted(query, { r: ids.slice(0, 300).map((id) => ({ __typename: "Child", id: String(id) })) });

    expect(many.data._entities).toHaveLength(300);
    // one scope check of the representations, registrations by child (with their links),
    // schools, the audit log's INSERT. `enrollment.child` reuses the scope check's answers.
    expect(many.statements.length).toBe(few.statements.length);
    expect(many.statements.length).toBe(4);
  });

  it("lists every school of the province with its count and first students in a constant number of statements", async () => {
    const query = `query ($first: Int!) { schools(region: "33", first: $first) { edges { node { code studentCount
      students(first: 20) { edges { node { recordId child { id } school { kind } } } } } } } }`;
    const one = await counted(query, { first: 1 });
    const all = await counted(query, { first: 500 });

    expect((all.data.schools as { edges: unknown[] }).edges.length).toBeGreaterThan(5);
    // schools, rosters (with the students' child links), counts, one scope check of every
    // student's child, the audit log's INSERT; the students' schools come from the primed cache.
    expect(all.statements.length).toBe(one.statements.length);
    expect(all.statements.length).toBe(5);
  });
});
