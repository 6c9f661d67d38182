import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditRecorder } from "../../src/access/audit/recorder.ts";
import { queryAuditLog, whoLookedAt } from "../../src/access/audit/log-reader.ts";
import { accessLog } from "../../src/db/tables/audit.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

const schoolAdmin: AuthenticatedViewer = {
  subject: "teacher-7@school-2330106101",
  role: "school_admin",
  scope: { schools: ["2330106101"] },
};
const doctor: AuthenticatedViewer = { subject: "dr-li", role: "family_doctor", scope: { doctor: "D3301060001" } };
const officer: AuthenticatedViewer = { subject: "officer-9", role: "insurance_officer", scope: { region: "3301" } };

describe.each(ENGINES)("the access log on %s", (engine) => {
  let database: TestDatabase;
  const statements: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(engine, { onQuery: (q) => statements.push(q) });
  });
  afterAll(async () => database?.close());

  it("writes one row per request with one statement, however many children were read", async () => {
    const audit = createAuditRecorder(database.db, schoolAdmin, {
      operation: "SchoolRoster",
      purpose: "insurance drive\n2026",
      requestId: "req-1",
    });
    const children = Array.from({ length: 300 }, (_, i) => 1_000 + i);
    for (let i = 0; i < children.length; i += 50)
      audit.record(children.slice(i, i + 50), ["Child.name", "Child.idNumber"]);
    audit.record([1_000], ["StudentRegistration.grade"]);
    statements.length = 0;

    expect(await audit.flush()).toEqual({ written: true, childCount: 300 });

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^insert into "audit"."access_log"/);
    const rows = await database.db
      .select()
      .from(accessLog)
      .where(sql`${accessLog.requestId} = 'req-1'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: "teacher-7@school-2330106101",
      role: "school_admin",
      scope: { schools: ["2330106101"] },
      operation: "SchoolRoster",
      fields: ["Child.idNumber", "Child.name", "StudentRegistration.grade"],
      purpose: "insurance drive 2026",
      requestId: "req-1",
    });
    expect(rows[0]!.childIds.map(Number)).toEqual(children);
    expect(rows[0]!.at).toBeInstanceOf(Date);
  });

  it("sends nothing when the request read no child", async () => {
    const audit = createAuditRecorder(database.db, schoolAdmin, { requestId: "req-empty" });
    audit.record([], ["Child.name"]);
    statements.length = 0;
    expect(await audit.flush()).toEqual({ written: false, childCount: 0 });
    expect(statements).toEqual([]);
  });

  it("does not write the same reads twice when flushed again", async () => {
    const audit = createAuditRecorder(database.db, doctor, { requestId: "req-twice" });
    audit.record([7], ["Child.immunizations"]);
    await audit.flush();
    await audit.flush();
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from audit.access_log where request_id = 'req-twice'`,
    );
    expect(row!.n).toBe(1);
  });

  describe("append-only, enforced by the database", () => {
    beforeAll(async () => {
      const audit = createAuditRecorder(database.db, officer, { requestId: "req-ao" });
      audit.record([42], ["Child.name"]);
      await audit.flush();
    });

    it.each([
      ["UPDATE", sql`update audit.access_log set actor = 'someone-else' where request_id = 'req-ao'`],
      ["DELETE", sql`delete from audit.access_log where request_id = 'req-ao'`],
      ["DELETE of no row", sql`delete from audit.access_log where id < 0`],
      ["TRUNCATE", sql`truncate audit.access_log`],
    ])("refuses %s", async (operation, statement) => {
      // As the table's owner: the trigger holds even against it. (On PostgreSQL the serving role is
      // refused before the trigger, by its privileges: tests/db/serving-role.test.ts.)
      const message = await failureOf((await database.owner()).db.execute(statement));
      expect(message).toMatch(/audit\.access_log is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/);
      const rows = await database.db
        .select()
        .from(accessLog)
        .where(sql`${accessLog.requestId} = 'req-ao'`);
      expect(rows.map((r) => r.actor)).toEqual(["officer-9"]);
      expect(operation).toBeTruthy();
    });

    it("still accepts inserts", async () => {
      const audit = createAuditRecorder(database.db, officer, { requestId: "req-after" });
      audit.record([43], ["Child.name"]);
      await expect(audit.flush()).resolves.toMatchObject({ written: true });
    });
  });

  describe("for the auditor and the guardian", () => {
    let database2: TestDatabase;
    beforeAll(async () => {
      database2 = await openTestDatabase(engine);
      const write = async (
        viewer: AuthenticatedViewer,
        at: string,
        childIds: number[],
        fields: string[],
        purpose: string | null,
        requestId: string,
      ) => {
        await database2.db.insert(accessLog).values({
          at: new Date(at),
          actor: viewer.subject,
          role: viewer.role,
          scope: viewer.scope,
          operation: "Op",
          childIds,
          fields,
          purpose,
          requestId,
        });
      };
      await write(schoolAdmin, "2026-03-01T08:00:00Z", [1, 2, 3], ["Child.name"], "roster", "r1");
      await write(doctor, "2026-03-02T08:00:00Z", [2], ["Child.immunizations"], null, "r2");
      await write(
        officer,
        "2026-03-03T08:00:00Z",
        [2, 4],
        ["Child.idNumber", "Enrollment.paidOn"],
        "gap follow-up",
        "r3",
      );
      await write(schoolAdmin, "2026-03-04T08:00:00Z", [5], ["Child.name"], null, "r4");
    });
    afterAll(async () => database2?.close());

    it("filters by child, newest first", async () => {
      const page = await queryAuditLog(database2.db, { childId: 2, first: 10 });
      expect(page.edges.map((e) => e.node.requestId)).toEqual(["r3", "r2", "r1"]);
      expect(page.edges[0]!.node).toMatchObject({
        actor: "officer-9",
        role: "insurance_officer",
        scope: { region: "3301" },
        childIds: [2, 4],
        fields: ["Child.idNumber", "Enrollment.paidOn"],
      });
    });

    it("filters by actor and time range, a page at a time", async () => {
      const byActor = await queryAuditLog(database2.db, { actor: schoolAdmin.subject, first: 1 });
      expect(byActor.edges.map((e) => e.node.requestId)).toEqual(["r4"]);
      expect(byActor.pageInfo.hasNextPage).toBe(true);
      const next = await queryAuditLog(database2.db, {
        actor: schoolAdmin.subject,
        first: 1,
        after: byActor.pageInfo.endCursor,
      });
      expect(next.edges.map((e) => e.node.requestId)).toEqual(["r1"]);
      expect(next.pageInfo.hasNextPage).toBe(false);
      const range = await queryAuditLog(database2.db, {
        from: new Date("2026-03-02T00:00:00Z"),
        to: new Date("2026-03-04T00:00:00Z"),
        first: 10,
      });
      expect(range.edges.map((e) => e.node.requestId)).toEqual(["r3", "r2"]);
    });

    it("refuses a range that ends before it starts", async () => {
      await expect(
        queryAuditLog(database2.db, { from: new Date("2026-03-05"), to: new Date("2026-03-01"), first: 10 }),
      ).rejects.toThrow(/to: must not be before from/);
    });

    it("tells a guardian who looked at their child, by role and department, without internal ids", async () => {
      const accesses = await whoLookedAt(database2.db, 2);
      expect(accesses).toEqual([
        {
          at: new Date("2026-03-03T08:00:00Z"),
          role: "insurance_officer",
          department: "insurance",
          region: "3301",
          fields: ["Child.idNumber", "Enrollment.paidOn"],
          purpose: "gap follow-up",
          operation: "Op",
        },
        {
          at: new Date("2026-03-02T08:00:00Z"),
          role: "family_doctor",
          department: "health",
          region: null,
          fields: ["Child.immunizations"],
          purpose: null,
          operation: "Op",
        },
        {
          at: new Date("2026-03-01T08:00:00Z"),
          role: "school_admin",
          department: "education",
          region: null,
          fields: ["Child.name"],
          purpose: "roster",
          operation: "Op",
        },
      ]);
      const text = JSON.stringify(accesses);
      for (const secret of ["officer-9", "dr-li", "teacher-7", "r1", "r2", "r3", "childIds"])
        expect(text).not.toContain(secret);
    });
  });
});

/** drizzle wraps the driver's error; the database's message is on the cause. */
async function failureOf(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return `${cause?.message ?? ""} ${(error as Error).message}`;
  }
  return "no error";
}
