import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditLog } from "../../../src/access/audit/log-reader.ts";
import type { AuthenticatedViewer } from "../../../src/access/identity/viewer.ts";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import { headersFor } from "../../kit/auth.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

type Student = {
  school_code: string;
  region_code: string;
  student_number: string;
  child_id: number;
};

interface Roster {
  studentCount: number | null;
  students: { totalCount: number | null; edges: { node: { recordId: string; child: { id: string } | null } }[] } | null;
}

const ROSTER = `query Roster($code: String!, $first: Int) {
  school(code: $code) { code studentCount students(first: $first) { totalCount edges { node { recordId child { id } } } } } }`;

const CHILD = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id enrollment { school { code } } } } }`;

const REGISTRATION = `query ($n: String!) { studentRegistration(studentNumber: $n) { schoolYear school { code } child { id } } }`;

describe.each(ENGINES)("education row scopes on %s", (engine) => {
  let database: TestDatabase;
  const rows = <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text));
  const run = async (viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(educationSubgraph, database.db, query, variables, await headersFor(viewer));
  const entity = (id: number) => ({ __typename: "Child", id: String(id) });

  /** Every enrolled student of this school year with the school's county and the linked child. */
  let students: Student[];
  /** Two schools of one county, and one school of another county. */
  let own: string;
  let neighbour: string;
  let elsewhere: string;
  const ofSchool = (code: string) => students.filter((s) => s.school_code === code);
  const schoolAdmin = (): AuthenticatedViewer => ({
    subject: `admin-${own}`,
    role: "school_admin",
    scope: { schools: [own] },
  });

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 1_500, seed: 5, asOf: "2026-06-30" });
    await linkFromTruth(database.db);
    students = await rows<Student>(`
      select s.school_code, sc.region_code, s.student_number, l.child_id::int as child_id
      from education.student_registrations s join education.schools sc using (school_code)
      join hub.links l on l.source = 'education.student' and l.record_id = s.record_id and l.unlinked_at is null
      where s.status = 'ENROLLED' and s.school_year = 2025 order by s.grade, s.class_name, s.id`);
    own = students[0]!.school_code;
    const county = students[0]!.region_code;
    neighbour = students.find((s) => s.region_code === county && s.school_code !== own)!.school_code;
    elsewhere = students.find((s) => s.region_code !== county)!.school_code;
  }, 180_000);
  afterAll(async () => database?.close());

  describe("a school administrator", () => {
    it("gets its own school's roster, and null for another school's students and counts", async () => {
      const mine = await run(schoolAdmin(), ROSTER, { code: own, first: 500 });
      const theirs = await run(schoolAdmin(), ROSTER, { code: neighbour, first: 500 });

      expect(mine.errors).toBeUndefined();
      const roster = (mine.data?.school as Roster).students!;
      expect(roster.totalCount).toBe(ofSchool(own).length);
      expect(roster.edges.map((e) => Number(e.node.child?.id)).sort((a, b) => a - b)).toEqual(
        ofSchool(own)
          .map((s) => s.child_id)
          .sort((a, b) => a - b),
      );
      // The school itself is public; what it holds about children is not.
      expect(theirs).toEqual({ data: { school: { code: neighbour, studentCount: null, students: null } } });
    });

    it("gets null for another school's student number, as for a number nobody has", async () => {
      const mine = ofSchool(own)[0]!;
      const theirs = ofSchool(neighbour)[0]!;

      const found = await run(schoolAdmin(), REGISTRATION, { n: mine.student_number });
      const hidden = await run(schoolAdmin(), REGISTRATION, { n: theirs.student_number });
      const unknown = await run(schoolAdmin(), REGISTRATION, { n: "L330106201903159999" });

      expect(found).toEqual({
        data: {
          studentRegistration: { schoolYear: 2025, school: { code: own }, child: { id: String(mine.child_id) } },
        },
      });
      expect(hidden).toEqual(unknown);
      expect(hidden).toEqual({ data: { studentRegistration: null } });
    });

    it("resolves its own student through _entities and gets null for another school's", async () => {
      const mine = ofSchool(own)[0]!;
      const theirs = ofSchool(elsewhere)[0]!;

      const result = await run(schoolAdmin(), CHILD, {
        r: [entity(mine.child_id), entity(theirs.child_id), entity(999_999_999)],
      });

      expect(result).toEqual({
        data: { _entities: [{ id: String(mine.child_id), enrollment: { school: { code: own } } }, null, null] },
      });
    });

    it("leaves exactly one access-log row per request, naming exactly the students on the page", async () => {
      const viewer: AuthenticatedViewer = {
        subject: `audited-admin-${own}`,
        role: "school_admin",
        scope: { schools: [own, neighbour] },
      };
      const page = ofSchool(own).slice(0, 10);

      const result = await run(viewer, ROSTER, { code: own, first: page.length });

      expect(result.errors).toBeUndefined();
      const log = await queryAuditLog(database.db, { actor: viewer.subject });
      expect(log.edges).toHaveLength(1);
      expect(log.edges[0]!.node).toMatchObject({
        role: "school_admin",
        operation: "Roster",
        childIds: page.map((s) => s.child_id).sort((a, b) => a - b),
      });
      expect(log.edges[0]!.node.fields).toEqual(
        expect.arrayContaining(["Child.id", "StudentRegistration.child", "StudentRegistration.recordId"]),
      );
    });

    it("leaves no access-log row when the request reached no child", async () => {
      const viewer: AuthenticatedViewer = {
        subject: `unlucky-admin-${own}`,
        role: "school_admin",
        scope: { schools: [own] },
      };

      await run(viewer, ROSTER, { code: neighbour, first: 50 });
      await run(viewer, CHILD, { r: [entity(ofSchool(elsewhere)[0]!.child_id)] });

      expect((await queryAuditLog(database.db, { actor: viewer.subject })).edges).toEqual([]);
    });
  });

  describe("an education officer of one county", () => {
    const SCHOOLS = `{ schools(region: "33", first: 100) { edges { node { code regionCode studentCount students(first: 500) { totalCount edges { node { child { id } } } } } } } }`;
    const officer = (): AuthenticatedViewer => ({
      subject: "officer-county",
      role: "education_officer",
      scope: { region: students[0]!.region_code },
    });

    it("gets the rosters of its county's schools, and null for every other school's", async () => {
      const county = students[0]!.region_code;

      const result = await run(officer(), SCHOOLS);

      expect(result.errors).toBeUndefined();
      const schools = (
        result.data?.schools as { edges: { node: { code: string; regionCode: string } & Roster }[] }
      ).edges.map((e) => e.node);
      const inCounty = schools.filter((s) => s.regionCode === county);
      const outside = schools.filter((s) => s.regionCode !== county);
      expect(inCounty.length).toBeGreaterThan(1);
      expect(outside.length).toBeGreaterThan(0);
      for (const school of inCounty) {
        expect(school.studentCount).toBe(ofSchool(school.code).length);
        expect(school.students?.edges.map((e) => Number(e.node.child?.id)).sort((a, b) => a - b)).toEqual(
          ofSchool(school.code)
            .map((s) => s.child_id)
            .sort((a, b) => a - b),
        );
      }
      for (const school of outside) expect(school).toMatchObject({ studentCount: null, students: null });
    });

    it("resolves its county's students and nobody else, through _entities and by student number", async () => {
      const inCounty = ofSchool(neighbour)[0]!;
      const outside = ofSchool(elsewhere)[0]!;

      const entities = await run(officer(), CHILD, { r: [entity(inCounty.child_id), entity(outside.child_id)] });
      const byNumber = await run(officer(), REGISTRATION, { n: outside.student_number });

      expect(entities).toEqual({
        data: { _entities: [{ id: String(inCounty.child_id), enrollment: { school: { code: neighbour } } }, null] },
      });
      expect(byNumber).toEqual({ data: { studentRegistration: null } });
    });
  });

  it("gives an analyst no individual child at all", async () => {
    const analyst: AuthenticatedViewer = { subject: "analyst-33", role: "analyst", scope: { region: "33" } };

    const result = await run(
      analyst,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id } } }`,
      { r: [entity(students[0]!.child_id)] },
    );

    expect(result).toEqual({ data: { _entities: [null] } });
  });
});
