import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

/**
 * Audit recording through the real gateway: every request that reads individual children's
 * fields leaves exactly one row (one INSERT, however many children), naming the children, the
 * fields actually read (never a denied one), the operation and the X-Purpose header; the
 * auditor — and only the auditor — queries it.
 */
describe.each(ENGINES)("the access log through the gateway on %s", (engine) => {
  let hub: TestHub;
  let school: string;
  let admin: AuthenticatedViewer;
  let officer: AuthenticatedViewer;
  const auditor: AuthenticatedViewer = { subject: "auditor-1", role: "auditor", scope: {} };
  let inserts = 0;

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 600, seed: 5 });
    const [row] = await queryRows<{ school_code: string; region: string }>(
      hub.database.db,
      sql`select s.school_code, sc.region_code as region
            from education.student_registrations s join education.schools sc using (school_code)
           where s.status = 'ENROLLED'
           group by s.school_code, sc.region_code
           order by count(*) desc, s.school_code limit 1`,
    );
    school = row!.school_code;
    admin = { subject: "teacher-1", role: "school_admin", scope: { schools: [school] } };
    officer = { subject: "officer-1", role: "insurance_officer", scope: { region: row!.region.trim().slice(0, 4) } };
  }, 120_000);
  afterAll(async () => hub?.close());

  const logRows = () =>
    queryRows<{
      id: number;
      actor: string;
      role: string;
      operation: string | null;
      purpose: string | null;
      child_ids: (number | string)[];
      fields: string[];
    }>(hub.database.db, sql`select * from audit.access_log order by id`);

  async function countingInserts<T>(run: () => Promise<T>): Promise<T> {
    const before = (await logRows()).length;
    const result = await run();
    inserts = (await logRows()).length - before;
    return result;
  }

  it(
    "writes one row for a roster of many students: " +
      "their child ids, the fields read, the operation and the purpose",
    async () => {
      const headers = { ...(await headersFor(admin)), "x-purpose": "2026 enrollment drive" };
      const result = await countingInserts(() =>
        hub.gateway.execute(
          "query Roster($code: String!) { school(code: $code) { name " +
            "students(first: 200) { edges { node { name grade child { id name } } } } } }",
          { code: school },
          headers,
        ),
      );
      expect(result.errors).toBeUndefined();
      const students = (result.data!.school as { students: { edges: { node: { child: { id: string } | null } }[] } })
        .students.edges;
      expect(students.length).toBeGreaterThan(5);
      expect(inserts).toBe(1);
      const row = (await logRows()).at(-1)!;
      const read = students
        .map((e) => e.node.child?.id)
        .filter((id): id is string => id !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      expect(row.child_ids.map(Number)).toEqual(read);
      expect(row).toMatchObject({
        actor: "teacher-1",
        role: "school_admin",
        operation: "Roster",
        purpose: "2026 enrollment drive",
      });
      expect(row.fields).toEqual([
        "Child.id",
        "Child.name",
        "StudentRegistration.child",
        "StudentRegistration.grade",
        "StudentRegistration.name",
      ]);
    },
  );

  it("writes nothing for a request that reads no child", async () => {
    const result = await countingInserts(async () =>
      hub.gateway.execute(`{ school(code: "${school}") { name regionCode } }`, {}, await headersFor(admin)),
    );
    expect(result.errors).toBeUndefined();
    expect(inserts).toBe(0);
  });

  it("never logs a field the policy denied: it was not read", async () => {
    const [child] = await queryRows<{ child_id: number | string }>(
      hub.database.db,
      sql`select child_id from hub.child_scope
           where facet = 'hukou' and code like ${`${officer.scope.region}%`} limit 1`,
    );
    const result = await countingInserts(async () =>
      hub.gateway.execute(
        `query Peek { child(id: "${child!.child_id}") { name immunizations { recordId } } }`,
        {},
        await headersFor(officer),
      ),
    );
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(inserts).toBe(1);
    const row = (await logRows()).at(-1)!;
    expect(row.fields).toContain("Child.name");
    expect(row.fields).not.toContain("Child.immunizations");
    expect(row.child_ids.map(Number)).toEqual([Number(child!.child_id)]);
  });

  it("lets the auditor find every read of a child, by child, actor and time range, newest first", async () => {
    const [last] = (await logRows()).slice(-1);
    const childId = Number(last!.child_ids[0]);
    const result = await hub.gateway.execute(
      "query($child: ID!, $from: String) { accessLog(childId: $child, from: $from, first: 10) " +
        "{ edges { node { actor role operation childIds fields purpose at } } } }",
      { child: String(childId), from: "2000-01-01" },
      await headersFor(auditor),
    );
    expect(result.errors).toBeUndefined();
    const entries = (
      result.data!.accessLog as { edges: { node: { actor: string; childIds: string[]; at: string } }[] }
    ).edges.map((e) => e.node);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.childIds).toContain(String(childId));
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    const byActor = await hub.gateway.execute(
      `{ accessLog(actor: "teacher-1") { edges { node { actor } } } }`,
      {},
      await headersFor(auditor),
    );
    expect(
      (byActor.data!.accessLog as { edges: { node: { actor: string } }[] }).edges.map((e) => e.node.actor),
    ).toEqual(["teacher-1"]);
    const future = await hub.gateway.execute(
      `{ accessLog(from: "2999-01-01") { edges { node { actor } } } }`,
      {},
      await headersFor(auditor),
    );
    expect((future.data!.accessLog as { edges: unknown[] }).edges).toEqual([]);
  });

  it("refuses the log to every other role, and names a malformed time", async () => {
    const refused = await hub.gateway.execute(
      `{ accessLog { edges { node { actor } } } }`,
      {},
      await headersFor(officer),
    );
    expect(refused.errors?.map((e) => e.extensions?.code)).toContain("FORBIDDEN");
    expect(refused.data?.accessLog ?? null).toBeNull();
    const bad = await hub.gateway.execute(
      `{ accessLog(from: "yesterday") { edges { node { actor } } } }`,
      {},
      await headersFor(auditor),
    );
    expect(bad.errors?.[0]?.message).toMatch(/from: must be an ISO 8601 date/);
  });

  it("withholds the data when the log cannot be written: no unaudited read", async () => {
    // Make every new log row fail (NOT VALID: existing rows are untouched), then read a child.
    // Only the owner may alter the log (the hub serves as a role that may not, on PostgreSQL).
    const owner = await hub.database.owner();
    await owner.db.execute(sql`alter table audit.access_log add constraint test_refuse_writes check (false) not valid`);
    try {
      const [child] = await queryRows<{ child_id: number | string }>(
        hub.database.db,
        sql`select child_id from hub.child_scope
             where facet = 'hukou' and code like ${`${officer.scope.region}%`} limit 1`,
      );
      const result = await hub.gateway.execute(
        `{ child(id: "${child!.child_id}") { name idNumber } }`,
        {},
        await headersFor(officer),
      );
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/could not be recorded in the audit log/);
      expect(JSON.stringify(result)).not.toMatch(/\d{17}[\dX]/);
    } finally {
      await owner.db.execute(sql`alter table audit.access_log drop constraint test_refuse_writes`);
    }
  });
});
