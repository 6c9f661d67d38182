import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersFor } from "../../kit/auth.ts";
import { ENGINES } from "../../kit/database.ts";
import { childReps, ENROLLED_IN_PROVINCE, openInsuranceProvince, YEAR, type InsuranceProvince } from "./province.ts";

/**
 * Row scopes in the insurance subgraph, on a generated province: an insurance officer of one
 * prefecture reaches the enrollments of its areas and the children placed in it; anything else
 * looks exactly like something that does not exist.
 */
describe.each(ENGINES)("row scopes in the insurance subgraph on %s", (engine) => {
  let province: InsuranceProvince;
  /** The busiest area of the province, its prefecture (the officer's region) and a busy area of another prefecture. */
  let inside: string;
  let region: string;
  let outside: string;

  beforeAll(async () => {
    province = await openInsuranceProvince(engine);
    const areas = await province.rows<{ area_code: string }>(sql`
      select area_code from insurance.enrollments where coverage_year = ${YEAR} and area_code like '33%'
      group by area_code order by count(*) desc, area_code`);
    inside = areas[0]!.area_code;
    region = inside.slice(0, 4);
    outside = areas.find((a) => !a.area_code.startsWith(region))!.area_code;
  });
  afterAll(async () => province?.database.close());

  const officer = () => ({
    subject: `insurance-officer-${region}`,
    role: "insurance_officer" as const,
    scope: { region },
  });

  /** Runs an operation as the officer under a fresh request id, which names its access-log rows. */
  async function runAsOfficer(query: string, variables: Record<string, unknown> = {}) {
    const requestId = randomUUID();
    const result = await province.run(query, variables, {
      ...(await headersFor(officer())),
      "x-request-id": requestId,
    });
    return { result, requestId };
  }

  async function auditRows(requestId: string): Promise<{ childIds: number[]; fields: string[] }[]> {
    const rows = await province.rows<{ child_ids: (number | string)[]; fields: string[] }>(
      sql`select child_ids, fields from audit.access_log where request_id = ${requestId}`,
    );
    return rows.map((r) => ({ childIds: r.child_ids.map(Number), fields: r.fields }));
  }

  const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

  it("answers enrollmentsByIdNumber for a child enrolled only outside the region exactly as for an ID number nobody has", async () => {
    const idNumberWhere = (inRegion: boolean) => sql`
      select id_number from insurance.enrollments where id_number is not null group by id_number
      having bool_and(area_code ${inRegion ? sql`like` : sql`not like`} ${`${region}%`}) order by count(*) desc, id_number limit 1`;
    const [elsewhere] = await province.rows<{ id_number: string }>(idNumberWhere(false));
    const [here] = await province.rows<{ id_number: string }>(idNumberWhere(true));
    const QUERY = `query($id: String!) { enrollmentsByIdNumber(idNumber: $id) { recordId coverageYear status area { code } } }`;

    const unknown = await runAsOfficer(QUERY, { id: "11010519491231002X" });
    const outOfScope = await runAsOfficer(QUERY, { id: elsewhere!.id_number });
    const inScope = await runAsOfficer(QUERY, { id: here!.id_number });

    expect(unknown.result).toEqual({ data: { enrollmentsByIdNumber: [] } });
    expect(outOfScope.result).toEqual(unknown.result);
    const expected = await province.rows<{ record_id: string; child_id: number | string }>(sql`
      select e.record_id, l.child_id from insurance.enrollments e
      join hub.links l on l.source = 'insurance.enrollment' and l.record_id = e.record_id and l.unlinked_at is null
      where e.id_number = ${here!.id_number}`);
    const found = inScope.result.data!.enrollmentsByIdNumber as { recordId: string; area: { code: string } }[];
    expect(found.map((e) => e.recordId).sort()).toEqual(expected.map((e) => e.record_id).sort());
    expect(found.every((e) => e.area.code.startsWith(region))).toBe(true);
    // Nothing read, nothing logged; the enrollments read, one row under their children.
    expect(await auditRows(unknown.requestId)).toEqual([]);
    expect(await auditRows(outOfScope.requestId)).toEqual([]);
    const log = await auditRows(inScope.requestId);
    expect(log).toHaveLength(1);
    expect(log[0]!.childIds).toEqual(sorted(expected.map((e) => Number(e.child_id))));
    expect(log[0]!.fields).toEqual(expect.arrayContaining(["Enrollment.recordId", "Enrollment.area"]));
  });

  it("gives a coordination area's enrollments and count inside the region, and null outside it, through queries and _entities", async () => {
    const AREA = `code enrolledCount(coverageYear: ${YEAR}) enrollments(coverageYear: ${YEAR}, first: 5) { edges { node { recordId } } }`;
    const [{ n: active }] = (await province.rows<{ n: number }>(sql`
      select count(*)::int as n from insurance.enrollments where area_code = ${inside} and coverage_year = ${YEAR} and status = 'ACTIVE'`)) as [
      { n: number },
    ];

    const { result, requestId } = await runAsOfficer(
      `query($inside: String!, $outside: String!) { inside: coordinationArea(code: $inside) { ${AREA} } outside: coordinationArea(code: $outside) { ${AREA} } }`,
      { inside, outside },
    );
    const entities = await runAsOfficer(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on CoordinationArea { ${AREA} } } }`,
      {
        r: [{ __typename: "CoordinationArea", code: outside }],
      },
    );

    expect(result.errors).toBeUndefined();
    const insideArea = result.data!.inside as { enrolledCount: number; enrollments: { edges: unknown[] } };
    expect(insideArea.enrolledCount).toBe(active);
    expect(insideArea.enrollments.edges).toHaveLength(5);
    // The area itself is public; the children enrolled in it are not.
    expect(result.data!.outside).toEqual({ code: outside, enrolledCount: null, enrollments: null });
    expect(entities.result).toEqual({
      data: { _entities: [{ code: outside, enrolledCount: null, enrollments: null }] },
    });
    const log = await auditRows(requestId);
    expect(log).toHaveLength(1);
    expect(log[0]!.childIds.length).toBeGreaterThan(0);
    expect(log[0]!.childIds.length).toBeLessThanOrEqual(5);
    expect(await auditRows(entities.requestId)).toEqual([]);
  });

  it("answers _entities Child { insurance } with null for a child placed nowhere in the region, as for an unknown id", async () => {
    // Placed in the region by any record of the officer's basis (residence or registration):
    // a hukou or residence, an enrolled school, a vaccination site, a birth certificate, an area.
    const placedIn = (prefix: string) => sql`exists (
      select 1 from truth.records r
      left join household.persons p on r.source = 'household.person' and p.record_id = r.record_id
      left join education.student_registrations s on r.source = 'education.student' and s.record_id = r.record_id and s.status = 'ENROLLED'
      left join education.schools sc on sc.school_code = s.school_code
      left join health.birth_certificates b on r.source = 'health.birth_certificate' and b.record_id = r.record_id
      left join health.immunization_records i on r.source = 'health.immunization_record' and i.record_id = r.record_id
      left join health.vaccination_sites vs on vs.site_code = i.site_code
      left join insurance.enrollments e on r.source = 'insurance.enrollment' and e.record_id = r.record_id
      where r.child_key = c.child_key and (p.hukou_region_code like ${prefix} or p.residence_region_code like ${prefix} or sc.region_code like ${prefix}
        or b.region_code like ${prefix} or vs.region_code like ${prefix} or e.area_code like ${prefix}))`;
    const [stranger] = await province.rows<{ child_key: string }>(sql`
      select c.child_key from truth.children c where status = 'INSURED' and not ${placedIn(`${region}%`)} and ${ENROLLED_IN_PROVINCE} order by c.child_key limit 1`);
    const [local] = await province.rows<{ child_key: string }>(sql`
      select c.child_key from truth.children c where status = 'INSURED' and exists (
        select 1 from truth.records r join insurance.enrollments e on e.record_id = r.record_id
        where r.child_key = c.child_key and r.source = 'insurance.enrollment' and e.area_code like ${`${region}%`} and e.coverage_year = ${YEAR} and e.status = 'ACTIVE' and e.paid_on is not null)
      order by c.child_key limit 1`);
    const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id insurance { insuredFor(coverageYear: ${YEAR}) } } } }`;
    const representations = [
      ...childReps(province, [local!.child_key, stranger!.child_key]),
      { __typename: "Child", id: "99999999" },
    ];

    const { result, requestId } = await runAsOfficer(QUERY, { r: representations });
    const provinceWide = await province.run(QUERY, { r: childReps(province, [stranger!.child_key]) });

    const localId = String(province.childIds.get(local!.child_key));
    expect(result).toEqual({ data: { _entities: [{ id: localId, insurance: { insuredFor: true } }, null, null] } });
    // The same child is real and insured: the province-wide system, whose scope holds it, sees it.
    expect(provinceWide.data!._entities).toEqual([
      { id: String(province.childIds.get(stranger!.child_key)), insurance: { insuredFor: true } },
    ]);
    const log = await auditRows(requestId);
    expect(log).toHaveLength(1);
    expect(log[0]!.childIds).toEqual([Number(localId)]);
    expect(log[0]!.fields).toEqual(expect.arrayContaining(["Child.id", "Child.insurance"]));
  });
});
