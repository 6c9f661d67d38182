import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild, type BuiltSchool } from "../kit/builders.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

/**
 * A school administrator reads its own pupils' whole 学籍号 (issue #22.5), and only those: a
 * registration at another school (the pupil's earlier one) stays masked, and every other role
 * keeps the mask. Through the gateway, on the paths the console and an integrator use.
 */
describe("student numbers a school reads whole", () => {
  let hub: TestHub;
  let school: BuiltSchool;
  let earlierSchool: BuiltSchool;
  let pupil: BuiltChild;
  const admin = (): AuthenticatedViewer => ({
    subject: "test-school-admin",
    role: "school_admin",
    scope: { schools: [school.code] },
  });
  const officer = (): AuthenticatedViewer => ({
    subject: "test-education-officer",
    role: "education_officer",
    scope: { region: "3301" },
  });

  beforeAll(async () => {
    hub = await startTestHub("pglite", null);
    const build = builders(hub.database.db);
    school = await build.school({ region: "330106" });
    earlierSchool = await build.school({ region: "330102" });
    // Enrolled here this year; last year at another school, under a temporary L number.
    pupil = await build.child({
      hukou: "330106",
      registrations: [
        { school, schoolYear: 2025, status: "ENROLLED" },
        {
          school: earlierSchool,
          schoolYear: 2024,
          status: "TRANSFERRED_OUT",
          studentNumber: "L330102201501010123",
          idNumber: null,
        },
      ],
    });
    await build.link({ coverageAsOf: "2026-06-30" });
  }, 120_000);
  afterAll(async () => hub?.close());

  async function ask(viewer: AuthenticatedViewer, query: string) {
    const result = await hub.gateway.execute(query, {}, await headersFor(viewer));
    expect(result.errors ?? []).toEqual([]);
    return result.data as Record<string, unknown>;
  }

  const own = () => `G${pupil.idNumber}`;

  it("shows the school's own pupil's number whole on its roster", async () => {
    const data = await ask(
      admin(),
      `{ school(code: "${school.code}") { students(first: 10) { edges { node { studentNumber } } } } }`,
    );
    const numbers = (data.school as { students: { edges: { node: { studentNumber: string } }[] } }).students.edges.map(
      (e) => e.node.studentNumber,
    );
    expect(numbers).toEqual([own()]);
  });

  it("finds the pupil by the whole number, and shows it whole there too", async () => {
    const data = await ask(
      admin(),
      `{ studentRegistration(studentNumber: "${own()}") { studentNumber school { code } } }`,
    );
    expect(data.studentRegistration).toEqual({ studentNumber: own(), school: { code: school.code } });
  });

  it("keeps the pupil's registration at another school masked, beside its own one whole", async () => {
    const data = await ask(
      admin(),
      `{ child(id: "${pupil.id}") { studentRegistrations { studentNumber school { code } } } }`,
    );
    const registrations = (
      data.child as { studentRegistrations: { studentNumber: string; school: { code: string } | null }[] }
    ).studentRegistrations;
    const bySchool = new Map(registrations.map((r) => [r.school?.code ?? "", r.studentNumber]));
    expect(bySchool.get(school.code)).toBe(own());
    const earlier = registrations.find((r) => r.studentNumber !== own());
    expect(earlier, "the earlier school's registration is listed").toBeDefined();
    expect(earlier!.studentNumber).not.toBe("L330102201501010123");
    expect(earlier!.studentNumber).toMatch(/\*/);
  });

  it("keeps the mask for the education officer, on the same pupil", async () => {
    const data = await ask(
      officer(),
      `{ school(code: "${school.code}") { students(first: 10) { edges { node { studentNumber } } } } }`,
    );
    const numbers = (data.school as { students: { edges: { node: { studentNumber: string } }[] } }).students.edges.map(
      (e) => e.node.studentNumber,
    );
    expect(numbers).toHaveLength(1);
    expect(numbers[0]).not.toBe(own());
    expect(numbers[0]).toMatch(/\*/);
  });

  it("keeps the child's ID number masked for the school", async () => {
    const data = await ask(admin(), `{ child(id: "${pupil.id}") { idNumber } }`);
    expect((data.child as { idNumber: string }).idNumber).not.toBe(pupil.idNumber);
    expect((data.child as { idNumber: string }).idNumber).toMatch(/\*/);
  });
});
