import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.ts";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { headersFor } from "../../kit/auth.ts";
import { ENGINES } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { childIdOf, openHealthProvince, type HealthProvince } from "./province.ts";

/**
 * Row scopes in the health subgraph, on a generated province: a family doctor reaches their own
 * patients only, a health officer the children with health records in their county; a child
 * outside the scope looks exactly like one that does not exist, on every path.
 */
describe.each(ENGINES)("row scopes in the health subgraph on %s", (engine) => {
  let province: HealthProvince;

  beforeAll(async () => {
    province = await openHealthProvince(engine);
  }, 180_000);
  afterAll(async () => province?.close());

  /** Runs an operation as `viewer` under a fresh request id, which names its access-log row. */
  async function runAs(
    viewer: Parameters<typeof headersFor>[0],
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    const requestId = randomUUID();
    const result = await executeSubgraph(healthSubgraph, province.database.db, query, variables, {
      ...(await headersFor(viewer)),
      "x-request-id": requestId,
    });
    expect(result.errors).toBeUndefined();
    return { data: result.data as Record<string, unknown>, requestId };
  }

  /** The access-log rows a request wrote, with their child ids in order. */
  async function auditRows(requestId: string): Promise<{ childIds: number[]; fields: string[] }[]> {
    const rows = await queryRows<{ child_ids: (number | string)[]; fields: string[] }>(
      province.database.db,
      sql`select child_ids, fields from audit.access_log where request_id = ${requestId}`,
    );
    return rows.map((r) => ({ childIds: r.child_ids.map(Number), fields: r.fields }));
  }

  const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

  /** The two doctors with the most ACTIVE contracts, busiest first. */
  async function twoDoctors(): Promise<[string, string]> {
    const rows = await province.rows<{ doctor_code: string }>(
      `select doctor_code from health.doctor_contracts where status = 'ACTIVE' group by doctor_code order by count(*) desc, doctor_code limit 2`,
    );
    expect(rows).toHaveLength(2);
    return [rows[0]!.doctor_code, rows[1]!.doctor_code];
  }

  describe("a family doctor", () => {
    it("gets their own patients and null for another doctor's", async () => {
      const [own, other] = await twoDoctors();
      const expected = await province.rows<{ record_id: string; child_key: string }>(`
        select d.record_id, r.child_key from health.doctor_contracts d join truth.records r on r.source = 'health.doctor_contract' and r.record_id = d.record_id
        where d.doctor_code = '${own}' and d.status = 'ACTIVE' order by d.id`);
      expect(expected.length).toBeGreaterThan(3);

      const { data, requestId } = await runAs(
        { subject: `doctor-${own}`, role: "family_doctor", scope: { doctor: own } },
        `query ($own: String!, $other: String!) {
          own: familyDoctor(code: $own) { code patients(first: 500) { edges { node { contract { recordId } child { id } } } pageInfo { hasNextPage } } }
          other: familyDoctor(code: $other) { code patients(first: 500) { edges { node { contract { recordId } child { id } } } } }
        }`,
        { own, other },
      );

      const ownPatients = data.own as {
        patients: {
          edges: { node: { contract: { recordId: string }; child: { id: string } | null } }[];
          pageInfo: { hasNextPage: boolean };
        };
      };
      expect(ownPatients.patients.pageInfo.hasNextPage).toBe(false);
      expect(ownPatients.patients.edges.map((e) => [e.node.contract.recordId, e.node.child?.id])).toEqual(
        expected.map((e) => [e.record_id, childIdOf(province, e.child_key)]),
      );
      // The other doctor is no secret; their patient list is.
      expect(data.other).toEqual({ code: other, patients: null });

      const patientIds = sorted(expected.map((e) => Number(childIdOf(province, e.child_key))));
      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual(patientIds);
      expect(log[0]!.fields).toEqual(expect.arrayContaining(["Child.id", "DoctorContract.recordId"]));
    });

    it("resolves a patient's immunizations through _entities and answers null for a child who is not their patient, as for an unknown id", async () => {
      const [own] = await twoDoctors();
      const [patient] = await province.rows<{ child_key: string }>(`
        select r.child_key from truth.records r join health.doctor_contracts d on d.record_id = r.record_id
        where r.source = 'health.doctor_contract' and d.doctor_code = '${own}' and d.status = 'ACTIVE'
          and exists (select 1 from truth.records i where i.child_key = r.child_key and i.source = 'health.immunization_record')
        order by r.child_key limit 1`);
      const [stranger] = await province.rows<{ child_key: string }>(`
        select c.child_key from truth.children c
        where exists (select 1 from truth.records i where i.child_key = c.child_key and i.source = 'health.immunization_record')
          and not exists (select 1 from truth.records r join health.doctor_contracts d on d.record_id = r.record_id
                          where r.child_key = c.child_key and r.source = 'health.doctor_contract' and d.doctor_code = '${own}' and d.status = 'ACTIVE')
        order by c.child_key limit 1`);
      const patientFiles = await province.rows<{ record_id: string }>(`
        select i.record_id from truth.records r join health.immunization_records i on i.record_id = r.record_id
        where r.child_key = '${patient!.child_key}' and r.source = 'health.immunization_record' order by i.id`);

      const { data, requestId } = await runAs(
        { subject: `doctor-${own}`, role: "family_doctor", scope: { doctor: own } },
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Child { id immunizations { recordId } } } }`,
        {
          representations: [
            childIdOf(province, patient!.child_key),
            childIdOf(province, stranger!.child_key),
            "999999999",
          ].map((id) => ({ __typename: "Child", id })),
        },
      );

      expect(data._entities).toEqual([
        {
          id: childIdOf(province, patient!.child_key),
          immunizations: patientFiles.map((f) => ({ recordId: f.record_id })),
        },
        null,
        null,
      ]);
      expect(patientFiles.length).toBeGreaterThan(0);
      const log = await auditRows(requestId);
      expect(log).toEqual([
        { childIds: [Number(childIdOf(province, patient!.child_key))], fields: ["Child.id", "Child.immunizations"] },
      ]);
    });

    it("pages a site's children in the scope with full pages and exact cursors", async () => {
      // A family doctor's patients among a busy site's children: few, between many others, so a
      // scope applied after the page was cut would leave short pages.
      const [own] = await twoDoctors();
      const patientsAt = `
        select r.child_key, i.site_code from truth.records r join health.immunization_records i on i.record_id = r.record_id
        where r.source = 'health.immunization_record' and exists (
          select 1 from truth.records c join health.doctor_contracts d on d.record_id = c.record_id
          where c.child_key = r.child_key and c.source = 'health.doctor_contract' and d.doctor_code = '${own}' and d.status = 'ACTIVE')`;
      const [site] = await province.rows<{ site_code: string }>(
        `select site_code from (${patientsAt}) p group by site_code order by count(distinct child_key) desc, site_code limit 1`,
      );
      const expected = sorted(
        (
          await province.rows<{ child_key: string }>(
            `select distinct child_key from (${patientsAt}) p where site_code = '${site!.site_code}'`,
          )
        ).map((r) => Number(childIdOf(province, r.child_key))),
      );
      const [{ n: everyone }] = (await province.rows<{ n: number }>(`
        select count(distinct r.child_key)::int as n from truth.records r join health.immunization_records i on i.record_id = r.record_id
        where r.source = 'health.immunization_record' and i.site_code = '${site!.site_code}'`)) as [{ n: number }];
      expect(expected.length).toBeGreaterThan(2);
      expect(everyone).toBeGreaterThan(expected.length * 2);

      const seen: number[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        const { data } = await runAs(
          { subject: `doctor-${own}`, role: "family_doctor", scope: { doctor: own } },
          `query ($code: String!, $after: String) { vaccinationSite(code: $code) { children(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
          {
            code: site!.site_code,
            after,
          },
        );
        const page = (
          data.vaccinationSite as {
            children: {
              edges: { node: { id: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }
        ).children;
        seen.push(...page.edges.map((e) => Number(e.node.id)));
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(2);
        after = page.pageInfo.endCursor;
        expect(pages).toBeLessThan(200);
      }

      expect(seen).toEqual(expected);
    });
  });

  describe("a health officer of one county", () => {
    it("sees a site's children in the county, and outside it only children with health records in the county", async () => {
      const [inside] = await province.rows<{ site_code: string; region_code: string }>(`
        select s.site_code, s.region_code from health.vaccination_sites s join health.immunization_records i on i.site_code = s.site_code
        group by s.site_code, s.region_code order by count(*) desc, s.site_code limit 1`);
      const county = inside!.region_code.trim();
      const [outside] = await province.rows<{ site_code: string }>(`
        select s.site_code from health.vaccination_sites s join health.immunization_records i on i.site_code = s.site_code
        where s.region_code not like '${county.slice(0, 4)}%' group by s.site_code order by count(*) desc, s.site_code limit 1`);
      /** Children with a file at a site, optionally only those with a health record in the county. */
      const childrenAt = async (site: string, inCounty: boolean) =>
        sorted(
          (
            await province.rows<{ child_key: string }>(`
              select distinct r.child_key from truth.records r join health.immunization_records i on i.record_id = r.record_id
              where r.source = 'health.immunization_record' and i.site_code = '${site}'
              ${
                inCounty
                  ? `and exists (
                select 1 from truth.records h
                left join health.birth_certificates b on h.source = 'health.birth_certificate' and b.record_id = h.record_id
                left join health.immunization_records f on h.source = 'health.immunization_record' and f.record_id = h.record_id
                left join health.vaccination_sites vs on vs.site_code = f.site_code
                left join health.doctor_contracts dc on h.source = 'health.doctor_contract' and dc.record_id = h.record_id and dc.status = 'ACTIVE'
                left join health.family_doctors fd on fd.doctor_code = dc.doctor_code
                where h.child_key = r.child_key and (b.region_code like '${county}%' or vs.region_code like '${county}%' or fd.region_code like '${county}%'))`
                  : ""
              }`)
          ).map((r) => Number(childIdOf(province, r.child_key))),
        );
      const insideAll = await childrenAt(inside!.site_code, false);
      const outsideAll = await childrenAt(outside!.site_code, false);
      const outsideInCounty = await childrenAt(outside!.site_code, true);
      expect(insideAll.length).toBeGreaterThan(10);
      expect(insideAll.length).toBeLessThan(500);
      expect(outsideAll.length).toBeGreaterThan(outsideInCounty.length);
      const [outsideDoctor] = await province.rows<{ doctor_code: string }>(
        `select doctor_code from health.family_doctors where region_code not like '${county}%' order by doctor_code limit 1`,
      );

      const { data, requestId } = await runAs(
        { subject: `health-officer-${county}`, role: "health_officer", scope: { region: county } },
        `query ($inside: String!, $outside: String!, $doctor: String!) {
          inside: vaccinationSite(code: $inside) { code children(first: 500) { edges { node { id } } pageInfo { hasNextPage } } }
          outside: vaccinationSite(code: $outside) { code children(first: 500) { edges { node { id } } pageInfo { hasNextPage } } }
          doctor: familyDoctor(code: $doctor) { code patients(first: 5) { edges { cursor } } }
        }`,
        { inside: inside!.site_code, outside: outside!.site_code, doctor: outsideDoctor!.doctor_code },
      );

      type Site = { children: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } };
      const ids = (site: unknown) => (site as Site).children.edges.map((e) => Number(e.node.id));
      expect(ids(data.inside)).toEqual(insideAll);
      expect(ids(data.outside)).toEqual(outsideInCounty);
      expect((data.outside as Site).children.pageInfo.hasNextPage).toBe(false);
      expect(data.doctor).toEqual({ code: outsideDoctor!.doctor_code, patients: null });

      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual(sorted([...insideAll, ...outsideInCounty]));
    });
  });
});
