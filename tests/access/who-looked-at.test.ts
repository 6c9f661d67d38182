import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type AuthenticatedViewer, type Role } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { WhoLookedAtDocument } from "../operations/generated.ts";

/*
 * Issue #19, item 7: "who looked at my child" (DESIGN.md: the guardian's question, as Estonia
 * answers it), from the access log, given to the auditor per child through the gateway until the
 * guardian's identity arrives (issue #21). Each read says which organisation read what, on which
 * day and why — never the official's name or token subject — and reading it is itself logged as a
 * read of the child.
 */

const ENTRY = "date role department region schools fields purpose";

describe.each(ENGINES)("who looked at a child, on %s", (engine) => {
  let hub: TestHub;
  let childId: number;
  let school: string;
  let doctor: string;
  let admin: AuthenticatedViewer;
  let familyDoctor: AuthenticatedViewer;
  const officer: AuthenticatedViewer = {
    subject: "ins-officer-li",
    role: "insurance_officer",
    scope: { region: "33" },
  };
  const auditor: AuthenticatedViewer = { subject: "auditor-wang", role: "auditor", scope: {} };
  /** Today in China, the day every read below happens on. */
  const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 600, seed: 5 });
    const [row] = await queryRows<{ child_id: number | string; school_code: string; doctor_code: string }>(
      hub.database.db,
      sql`select child_id, school_code, doctor_code from hub.coverage_status
           where school_code is not null and doctor_code is not null order by child_id limit 1`,
    );
    childId = Number(row!.child_id);
    school = row!.school_code;
    doctor = row!.doctor_code;
    admin = { subject: "teacher-zhang", role: "school_admin", scope: { schools: [school] } };
    familyDoctor = { subject: "dr-chen", role: "family_doctor", scope: { doctor } };
    // Three reads of the child, oldest first.
    for (const [viewer, field, purpose] of [
      [admin, "name", "2026 enrollment drive"],
      [familyDoctor, "birthDate", "newborn visit"],
      [officer, "idNumber", null],
    ] as const) {
      const headers = { ...(await headersFor(viewer)), ...(purpose ? { "x-purpose": purpose } : {}) };
      const result = await hub.gateway.execute(`{ child(id: "${childId}") { ${field} } }`, {}, headers);
      expect(result.errors).toBeUndefined();
    }
  }, 120_000);
  afterAll(async () => hub?.close());

  const ask = async (viewer: AuthenticatedViewer, args = "", fields = `totalCount edges { node { ${ENTRY} } }`) =>
    hub.gateway.execute(`{ whoLookedAt(childId: "${childId}"${args}) { ${fields} } }`, {}, await headersFor(viewer));

  it("tells the auditor every read of a child, newest first, by organisation, role, day, purpose, fields", async () => {
    // The operation an auditor's tool sends (tests/operations/who-looked-at.graphql).
    const result = await hub.gateway.execute(
      print(WhoLookedAtDocument),
      { childId: String(childId), first: 50 },
      await headersFor(auditor),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.whoLookedAt).toEqual({
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
      totalCount: 3,
      edges: [
        {
          node: {
            date: today(),
            role: "insurance_officer",
            department: "insurance",
            region: "33",
            schools: [],
            fields: ["Child.idNumber"],
            purpose: null,
          },
        },
        {
          node: {
            date: today(),
            role: "family_doctor",
            department: "health",
            // The doctor's county, never the doctor's code: a code names a person.
            region: doctor.slice(1, 7),
            schools: [],
            fields: ["Child.birthDate"],
            purpose: "newborn visit",
          },
        },
        {
          node: {
            date: today(),
            role: "school_admin",
            department: "education",
            region: null,
            schools: [school],
            fields: ["Child.name"],
            purpose: "2026 enrollment drive",
          },
        },
      ],
    });
    // Nothing names an official: no subject, no doctor code, no operation or request id.
    const text = JSON.stringify(result.data);
    for (const secret of [admin.subject, familyDoctor.subject, officer.subject, doctor])
      expect(text).not.toContain(secret);
  });

  it("logs the auditor's reading as a read of the child, which the next answer then shows", async () => {
    const reader: AuthenticatedViewer = { subject: "auditor-log-check", role: "auditor", scope: {} };
    expect((await ask(reader, "", `edges { node { role fields } }`)).errors).toBeUndefined();
    const log = await queryRows<{ child_ids: (number | string)[]; fields: string[] }>(
      hub.database.db,
      sql`select child_ids, fields from audit.access_log where actor = ${reader.subject}`,
    );
    expect(log.map((r) => ({ children: r.child_ids.map(Number), fields: r.fields }))).toEqual([
      { children: [childId], fields: ["ChildAccess.fields", "ChildAccess.role"] },
    ]);
    const next = await ask(auditor, "", `edges { node { role department region fields } }`);
    const newest = (next.data!.whoLookedAt as { edges: { node: unknown }[] }).edges[0]!.node;
    expect(newest).toEqual({
      role: "auditor",
      department: "hub",
      region: null,
      fields: ["ChildAccess.fields", "ChildAccess.role"],
    });
  });

  it("pages the history and takes days in China, both ends included", async () => {
    const seen: string[] = [];
    let total: number | null = null;
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result = await ask(
        auditor,
        `, first: 1${after ? `, after: "${after}"` : ""}`,
        "totalCount edges { node { role } } pageInfo { hasNextPage endCursor }",
      );
      expect(result.errors).toBeUndefined();
      const history = result.data!.whoLookedAt as {
        totalCount: number;
        edges: { node: { role: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      // Each page read is itself logged, after the page: a later page never shows it (newest first, by position).
      total ??= history.totalCount;
      seen.push(...history.edges.map((e) => e.node.role));
      if (!history.pageInfo.hasNextPage) break;
      after = history.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(seen.slice(-3)).toEqual(["insurance_officer", "family_doctor", "school_admin"]);
    // Counting reads nothing of the child: neither question below is logged.
    const day = today();
    const all = await ask(auditor, "", "totalCount");
    const within = await ask(auditor, `, from: "${day}", to: "${day}"`, "totalCount");
    expect(within.data!.whoLookedAt).toEqual(all.data!.whoLookedAt);
    expect((all.data!.whoLookedAt as { totalCount: number }).totalCount).toBeGreaterThan(seen.length);
    const before = await ask(auditor, `, to: "2026-01-01"`, "totalCount edges { node { role } }");
    expect(before.data!.whoLookedAt).toEqual({ totalCount: 0, edges: [] });
    const backwards = await ask(auditor, `, from: "${day}", to: "2026-01-01"`, "totalCount");
    expect(backwards.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("is the auditor's alone: every other role is refused it", async () => {
    const scopes: Record<Exclude<Role, "auditor">, AuthenticatedViewer["scope"]> = {
      insurance_officer: { region: "33" },
      health_officer: { region: "33" },
      education_officer: { region: "33" },
      school_admin: { schools: [school] },
      family_doctor: { doctor },
      household_officer: { region: "33" },
      analyst: { region: "33" },
      department_system: { department: "insurance", region: "33" },
    };
    for (const role of ROLES.filter((r): r is Exclude<Role, "auditor"> => r !== "auditor")) {
      const result = await ask({ subject: `x-${role}`, role, scope: scopes[role] });
      expect(
        result.errors?.map((e) => e.extensions?.code),
        role,
      ).toContain("FORBIDDEN");
      expect(result.data?.whoLookedAt ?? null, role).toBeNull();
    }
  });
});
