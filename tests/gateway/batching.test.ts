import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { SchoolRosterDocument, type SchoolRosterQuery } from "../operations/generated.ts";
import { allAccessHeaders } from "../kit/all-access.ts";

// The roster reads education, household and insurance fields, which no single role may: see all-access.ts.
vi.mock("../../src/access/fields/field-rules.ts", async (original) =>
  (await import("../kit/all-access.ts")).allAccessPolicy(await original()),
);

const ROSTER = print(SchoolRosterDocument);

describe.each(ENGINES)("batching through the gateway on %s", (engine) => {
  let hub: TestHub;
  let school: { school_code: string; students: number };

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 5_000 });
    [school] = (await queryRows<{ school_code: string; students: number }>(
      hub.database.db,
      sql`select school_code, count(*)::int as students from education.student_registrations
           where school_year = 2025 and status = 'ENROLLED'
          group by school_code order by 2 desc limit 1`,
    )) as unknown as [{ school_code: string; students: number }];
  }, 180_000);
  afterAll(async () => hub?.close());

  async function rosterStatements(first: number) {
    hub.resetStatements();
    const result = await hub.gateway.execute(ROSTER, { code: school.school_code, first }, await allAccessHeaders());
    expect(result.errors).toBeUndefined();
    return { statements: hub.statements(), edges: (result.data as SchoolRosterQuery).school!.students!.edges };
  }

  it("serves a roster of 500 students in a small number of SQL statements, independent of its size", async () => {
    expect(school.students).toBeGreaterThanOrEqual(500);
    const small = await rosterStatements(20);
    const large = await rosterStatements(500);
    expect(small.edges).toHaveLength(20);
    expect(large.edges).toHaveLength(500);
    // Every student really has the cross-department fields filled, so nothing was skipped.
    expect(large.edges.filter((e) => e.node.child?.hukou).length).toBeGreaterThan(350);
    const insured = large.edges.filter((e) => {
      const insurance = e.node.child?.insurance;
      return insurance ? insurance.enrollments!.length > 0 : false;
    });
    expect(insured.length).toBeGreaterThan(400);
    expect(large.edges.every((e) => e.node.child!.enrollment!.school!.code === school.school_code)).toBe(true);
    console.log(`${engine}: roster of 20 → ${small.statements} SQL statements, roster of 500 → ${large.statements}`);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(16);
  });
});
