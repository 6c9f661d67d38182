import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditLog } from "../../../src/access/audit/log-reader.ts";
import type { AuthenticatedViewer } from "../../../src/access/identity/viewer.ts";
import { educationSubgraph } from "../../../src/subgraphs/education/index.ts";
import { headersFor } from "../../kit/auth.ts";
import { builders, type BuiltChild, type BuiltSchool } from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

/** An enrolled student of this school year: its registration's student number and its master child. */
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
  school(code: $code) {
    code studentCount students(first: $first) { totalCount edges { node { recordId child { id } } } }
  }
}`;

const CHILD = `query ($r: [_Any!]!) {
  _entities(representations: $r) { ... on Child { id enrollment { school { code } } } }
}`;

const REGISTRATION = `query ($n: String!) {
  studentRegistration(studentNumber: $n) { schoolYear school { code } child { id } }
}`;

describe.each(ENGINES)("education row scopes on %s", (engine) => {
  let database: TestDatabase;
  const run = async (viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(educationSubgraph, database.db, query, variables, await headersFor(viewer));
  const entity = (id: number) => ({ __typename: "Child", id: String(id) });

  /** Every enrolled student of this school year, in roster order (grade, class, as written). */
  let students: Student[];
  /** Two schools of one county (12 and 3 students), and one school of another county (2 students). */
  let own: string;
  let neighbour: string;
  let elsewhere: string;
  const county = "330106";
  const ofSchool = (code: string) => students.filter((s) => s.school_code === code);
  const schoolAdmin = (): AuthenticatedViewer => ({
    subject: `admin-${own}`,
    role: "school_admin",
    scope: { schools: [own] },
  });

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const build = builders(database.db);
    const schools: BuiltSchool[] = [
      await build.school({ region: county }),
      await build.school({ region: county }),
      await build.school({ region: "330203" }),
    ];
    [own, neighbour, elsewhere] = schools.map((s) => s.code) as [string, string, string];
    const sizes = [12, 3, 2];
    const children: BuiltChild[] = [];
    for (const [k, school] of schools.entries()) {
      children.push(
        ...(await build.children(sizes[k]!, (i) => ({
          registrations: [{ school, grade: 1 + (i % 3), className: `${1 + (i % 2)}班` }],
        }))),
      );
    }
    await build.link();
    students = children
      .map((child) => ({ child, registration: child.registrations[0]! }))
      .sort(
        (a, b) =>
          a.registration.grade - b.registration.grade ||
          a.registration.className.localeCompare(b.registration.className),
      )
      .map(({ child, registration }) => ({
        school_code: registration.schoolCode,
        region_code: schools.find((s) => s.code === registration.schoolCode)!.regionCode,
        student_number: registration.studentNumber,
        child_id: child.id,
      }));
  }, 180_000);
  afterAll(async () => database?.close());

  describe("a school administrator", () => {
    it("gets its own school's roster, and null for another school's students and counts", async () => {
      const mine = await run(schoolAdmin(), ROSTER, { code: own, first: 500 });
      const theirs = await run(schoolAdmin(), ROSTER, { code: neighbour, first: 500 });

      expect(mine.errors).toBeUndefined();
      const roster = (mine.data?.school as Roster).students!;
      expect(roster.totalCount).toBe(12);
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
      // The first page of the roster: ten of the school's twelve students.
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
    const SCHOOLS = `{ schools(region: "33", first: 100) { edges { node {
      code regionCode studentCount students(first: 500) { totalCount edges { node { child { id } } } }
    } } } }`;
    const officer = (): AuthenticatedViewer => ({
      subject: "officer-county",
      role: "education_officer",
      scope: { region: county },
    });

    it("gets the rosters of its county's schools, and null for every other school's", async () => {
      const result = await run(officer(), SCHOOLS);

      expect(result.errors).toBeUndefined();
      const schools = (
        result.data?.schools as { edges: { node: { code: string; regionCode: string } & Roster }[] }
      ).edges.map((e) => e.node);
      const inCounty = schools.filter((s) => s.regionCode === county);
      const outside = schools.filter((s) => s.regionCode !== county);
      expect(inCounty.map((s) => s.code)).toEqual([own, neighbour]);
      expect(outside.map((s) => s.code)).toEqual([elsewhere]);
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
