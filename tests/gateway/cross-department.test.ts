import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { startRemoteHub, startTestHub, type TestHub } from "../kit/gateway.ts";
import { ENGINES } from "../kit/database.ts";
import { ChildAcrossDepartmentsDocument, type ChildAcrossDepartmentsQuery } from "../operations/generated.ts";
import { allAccessHeaders } from "../kit/all-access.ts";

// An integrator's query reads every department's fields, which no single role may: see all-access.ts.
vi.mock("../../src/access/fields/field-rules.ts", async (original) =>
  (await import("../kit/all-access.ts")).allAccessPolicy(await original()),
);

const CHILD_QUERY = print(ChildAcrossDepartmentsDocument);

interface TruthChild {
  child_key: string;
  id_number: string;
  name: string;
  birth_date: string;
  hukou_region_code: string;
  school_code: string;
  birth_certificate_number: string;
}

describe.each(ENGINES)("the gateway on %s", (engine) => {
  let hub: TestHub;
  let subject: TruthChild;

  beforeAll(async () => {
    hub = await startTestHub(engine);
    // A local child the registry, a school, a maternity hospital and the insurer all know.
    [subject] = (await queryRows<TruthChild & Record<string, unknown>>(
      hub.database.db,
      sql`select c.child_key, c.id_number, c.name, c.birth_date::text, c.hukou_region_code, c.school_code,
                 c.birth_certificate_number
          from truth.children c
          where c.id_number is not null and c.school_code is not null and c.birth_certificate_number is not null
            and c.site_code is not null
            and c.hukou_region_code like '33%' and c.status = 'INSURED'
            and exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'household.person')
          order by c.child_key limit 1`,
    )) as unknown as [TruthChild];
  });
  afterAll(async () => hub?.close());

  it("answers one child by ID number with every department's part", async () => {
    const result = await hub.gateway.execute(CHILD_QUERY, { idNumber: subject.id_number }, await allAccessHeaders());
    expect(result.errors).toBeUndefined();
    const child = (result.data as ChildAcrossDepartmentsQuery).childByIdNumber!;
    expect(child.id).toBe(String(hub.childIds.get(subject.child_key)));
    expect(child.idNumber).toBe(subject.id_number);
    expect(child.name).toBe(subject.name);
    expect(child.birthDate).toBe(subject.birth_date);
    expect(child.hukou!.regionCode).toBe(subject.hukou_region_code);
    expect(child.guardians!.length).toBeGreaterThan(0);
    expect(child.birthCertificate!.certificateNumber).toBe(subject.birth_certificate_number);
    expect(child.enrollment!.school!.code).toBe(subject.school_code);
    const paid2026 = child.insurance!.enrollments!.filter(
      (e) => e.coverageYear === 2026 && e.status === "ACTIVE" && e.paidOn !== null,
    );
    expect(paid2026).toHaveLength(1);
    const doses = await queryRows<{ n: number }>(
      hub.database.db,
      sql`select count(*)::int as n
            from health.immunization_doses d
            join truth.records r on r.source = 'health.immunization_record' and r.record_id = d.immunization_record_id
           where r.child_key = ${subject.child_key}`,
    );
    expect(child.immunizations!.flatMap((i) => i.doses)).toHaveLength(doses[0]!.n);
  });

  it("returns null for a valid ID number nobody holds, not an error", async () => {
    const result = await hub.gateway.execute(CHILD_QUERY, { idNumber: "11010519491231002X" }, await allAccessHeaders());
    expect(result.errors).toBeUndefined();
    expect(result.data!.childByIdNumber).toBeNull();
  });

  it("refuses an invalid ID number with an error that names the problem", async () => {
    const wrongCheck = subject.id_number.slice(0, 17) + (subject.id_number.endsWith("0") ? "1" : "0");
    const result = await hub.gateway.execute(CHILD_QUERY, { idNumber: wrongCheck }, await allAccessHeaders());
    expect(result.data?.childByIdNumber ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(/idNumber: .*check character/);
    const short = await hub.gateway.execute(CHILD_QUERY, { idNumber: "33010620150101" }, await allAccessHeaders());
    expect(short.errors?.[0]?.message).toMatch(/idNumber: .*18/);
  });

  it("lists a region's children in pages, and names a bad region in the error", async () => {
    const query =
      "query($r: String!, $after: String) { childrenInRegion(region: $r, first: 40, after: $after) " +
      "{ edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const result = await hub.gateway.execute(
        query,
        { r: subject.hukou_region_code, after },
        await allAccessHeaders(),
      );
      expect(result.errors).toBeUndefined();
      const page = result.data!.childrenInRegion as {
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(String(hub.childIds.get(subject.child_key)));
    const bad = await hub.gateway.execute(query, { r: "339999" }, await allAccessHeaders());
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.errors?.[0]?.message).toMatch(/region: .*339999/);
  });

  it("finds the same child by birth certificate number and by student number", async () => {
    const query =
      "query($c: String!, $s: String!) { a: childByBirthCertificateNumber(certificateNumber: $c) { id } " +
      "b: childByStudentNumber(studentNumber: $s) { id } }";
    const result = await hub.gateway.execute(
      query,
      { c: subject.birth_certificate_number, s: `G${subject.id_number}` },
      await allAccessHeaders(),
    );
    const id = String(hub.childIds.get(subject.child_key));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { id }, b: { id } });
  });

  it("serves the same answer with every subgraph on its own loopback port", async () => {
    const remote = await startRemoteHub(hub.database);
    try {
      const local = await hub.gateway.execute(CHILD_QUERY, { idNumber: subject.id_number }, await allAccessHeaders());
      const response = await fetch(remote.gatewayHttp.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await allAccessHeaders()) },
        body: JSON.stringify({ query: CHILD_QUERY, variables: { idNumber: subject.id_number } }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: local.data });
    } finally {
      await remote.close();
    }
  });
});

describe("header forwarding over HTTP", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 300 });
  });
  afterAll(async () => hub?.close());

  it("passes the caller's Authorization header to every subgraph the plan calls", async () => {
    const authorization = (await allAccessHeaders()).authorization!;
    const seen: { subgraph: string; authorization: string | null }[] = [];
    const remote = await startRemoteHub(hub.database, (subgraph, headers) => {
      if (!(headers.get("content-type") ?? "").includes("json")) return;
      seen.push({ subgraph, authorization: headers.get("authorization") });
    });
    try {
      const [row] = await queryRows<{ id_number: string }>(
        hub.database.db,
        sql`select c.id_number from truth.children c
             where c.id_number is not null and c.school_code is not null
               and exists (select 1 from truth.records r
                            where r.child_key = c.child_key and r.source = 'household.person')
             order by c.child_key limit 1`,
      );
      const response = await fetch(remote.gatewayHttp.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ query: CHILD_QUERY, variables: { idNumber: row!.id_number } }),
      });
      expect(response.status).toBe(200);
      const called = new Set(seen.map((s) => s.subgraph));
      expect([...called].sort()).toEqual(["education", "health", "household", "hub", "insurance"]);
      expect(seen.every((s) => s.authorization === authorization)).toBe(true);
    } finally {
      await remote.close();
    }
  });
});
