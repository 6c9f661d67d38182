import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { ENGINES } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";
import { childIdOf, openHealthProvince, type HealthProvince } from "./province.ts";

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe.each(ENGINES)("health lookups on %s", (engine) => {
  let province: HealthProvince;

  beforeAll(async () => {
    province = await openHealthProvince(engine);
  }, 180_000);
  afterAll(async () => province?.close());

  async function run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await executeSubgraph(
      healthSubgraph,
      province.database.db,
      query,
      variables,
      await departmentSystemHeaders("health"),
    );
    expect(result.errors).toBeUndefined();
    return result.data as T;
  }

  /** Follows `endCursor` until the last page; every page must be full except the last. */
  async function allPages<T>(pageSize: number, fetchPage: (after: string | null) => Promise<Page<T>>): Promise<T[][]> {
    const pages: T[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await fetchPage(after);
      pages.push(page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return pages;
      expect(page.edges).toHaveLength(pageSize);
      after = page.pageInfo.endCursor;
      if (pages.length > 1_000) throw new Error("pagination does not end");
    }
  }

  describe("FamilyDoctor.patients", () => {
    const PATIENTS = `
      query ($code: String!, $after: String) {
        familyDoctor(code: $code) { code patients(first: 4, after: $after) { edges { cursor node { contract { recordId status } child { id } } } pageInfo { hasNextPage endCursor } } }
      }`;
    type PatientNode = { contract: { recordId: string; status: string }; child: { id: string } | null };

    async function busiestDoctor(): Promise<string> {
      const [row] = await province.rows<{ doctor_code: string }>(
        `select doctor_code from health.doctor_contracts where status = 'ACTIVE' group by doctor_code order by count(*) desc, doctor_code limit 1`,
      );
      return row!.doctor_code;
    }

    it("pages through a doctor's ACTIVE contracts without overlap, each with the child it is linked to", async () => {
      const code = await busiestDoctor();
      const expected = await province.rows<{ record_id: string; child_key: string }>(`
        select d.record_id, r.child_key from health.doctor_contracts d join truth.records r on r.source = 'health.doctor_contract' and r.record_id = d.record_id
        where d.doctor_code = '${code}' and d.status = 'ACTIVE' order by d.id`);
      expect(expected.length).toBeGreaterThan(8);

      const pages = await allPages(
        4,
        async (after) =>
          (await run<{ familyDoctor: { patients: Page<PatientNode> } }>(PATIENTS, { code, after })).familyDoctor
            .patients,
      );

      const patients = pages.flat();
      expect(pages.length).toBe(Math.ceil(expected.length / 4));
      expect(new Set(patients.map((p) => p.contract.recordId)).size).toBe(patients.length);
      expect(patients.map((p) => [p.contract.recordId, p.child?.id])).toEqual(
        expected.map((e) => [e.record_id, childIdOf(province, e.child_key)]),
      );
      expect(patients.every((p) => p.contract.status === "ACTIVE")).toBe(true);
    });

    it("shows a contract not linked to any child yet with a null child", async () => {
      const code = await busiestDoctor();
      const [first] = await province.rows<{ record_id: string }>(
        `select record_id from health.doctor_contracts where doctor_code = '${code}' and status = 'ACTIVE' order by id limit 1`,
      );
      await province.rows(
        `update hub.links set unlinked_at = now() where source = 'health.doctor_contract' and record_id = '${first!.record_id}'`,
      );
      try {
        const data = await run<{ familyDoctor: { patients: Page<PatientNode> } }>(PATIENTS, { code, after: null });

        expect(data.familyDoctor.patients.edges[0]!.node).toEqual({
          contract: { recordId: first!.record_id, status: "ACTIVE" },
          child: null,
        });
        expect(data.familyDoctor.patients.edges[1]!.node.child).not.toBeNull();
      } finally {
        await province.rows(
          `update hub.links set unlinked_at = null where source = 'health.doctor_contract' and record_id = '${first!.record_id}'`,
        );
      }
    });
  });

  describe("VaccinationSite.children", () => {
    it("pages through the distinct children with a file at the site, in id order", async () => {
      const [site] = await province.rows<{ site_code: string }>(
        `select site_code from health.immunization_records group by site_code order by count(*) desc, site_code limit 1`,
      );
      const keys = await province.rows<{ child_key: string }>(`
        select distinct r.child_key from health.immunization_records i join truth.records r on r.source = 'health.immunization_record' and r.record_id = i.record_id
        where i.site_code = '${site!.site_code}'`);
      const expected = keys.map((k) => Number(childIdOf(province, k.child_key))).sort((a, b) => a - b);
      expect(expected.length).toBeGreaterThan(50);

      const pages = await allPages(50, async (after) => {
        const data = await run<{ vaccinationSite: { children: Page<{ id: string }> } }>(
          `query ($code: String!, $after: String) { vaccinationSite(code: $code) { children(first: 50, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
          { code: site!.site_code, after },
        );
        return data.vaccinationSite.children;
      });

      expect(pages.flat().map((c) => Number(c.id))).toEqual(expected);
    });
  });

  describe("sites and doctors of a region", () => {
    it("lists a prefecture's vaccination sites page by page, in code order", async () => {
      const [county] = await province.rows<{ region_code: string }>(
        `select region_code from health.vaccination_sites order by site_code limit 1`,
      );
      const prefecture = `${county!.region_code.slice(0, 4)}00`;
      const expected = await province.rows<{ site_code: string }>(
        `select site_code from health.vaccination_sites where region_code like '${prefecture.slice(0, 4)}%' order by site_code`,
      );

      const pages = await allPages(1, async (after) => {
        const data = await run<{ vaccinationSites: Page<{ code: string; regionCode: string }> }>(
          `query ($region: String!, $after: String) { vaccinationSites(region: $region, first: 1, after: $after) { edges { cursor node { code regionCode } } pageInfo { hasNextPage endCursor } } }`,
          { region: prefecture, after },
        );
        return data.vaccinationSites;
      });

      expect(pages.flat().map((s) => s.code)).toEqual(expected.map((s) => s.site_code));
    });

    it("lists the province's family doctors page by page with their patients, in code order", async () => {
      const expected = await province.rows<{ doctor_code: string; active: number }>(`
        select f.doctor_code, (select count(*) from health.doctor_contracts d where d.doctor_code = f.doctor_code and d.status = 'ACTIVE')::int as active
        from health.family_doctors f where f.region_code like '33%' order by f.doctor_code`);
      expect(expected.length).toBeGreaterThan(2);

      const pages = await allPages(2, async (after) => {
        const data = await run<{ familyDoctors: Page<{ code: string; patients: { edges: unknown[] } }> }>(
          `query ($after: String) { familyDoctors(region: "33", first: 2, after: $after) { edges { cursor node { code patients(first: 500) { edges { cursor } } } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        return data.familyDoctors;
      });

      expect(pages.flat().map((d) => [d.code, d.patients.edges.length])).toEqual(
        expected.map((d) => [d.doctor_code, d.active]),
      );
    });
  });

  describe("codes", () => {
    it("returns the site and the doctor a code names, through queries and _entities alike", async () => {
      const [site] = await province.rows<{ site_code: string; name: string; region_code: string }>(
        `select site_code, name, region_code from health.vaccination_sites order by site_code limit 1`,
      );
      const [doctor] = await province.rows<{
        doctor_code: string;
        name: string;
        institution: string;
        team_name: string | null;
        phone: string | null;
        region_code: string;
      }>(
        `select doctor_code, name, institution, team_name, phone, region_code from health.family_doctors order by doctor_code limit 1`,
      );
      const expectedSite = { code: site!.site_code, name: site!.name, regionCode: site!.region_code };
      const expectedDoctor = {
        code: doctor!.doctor_code,
        name: doctor!.name,
        institution: doctor!.institution,
        teamName: doctor!.team_name,
        phone: doctor!.phone,
        regionCode: doctor!.region_code,
      };

      const data = await run<{ vaccinationSite: unknown; familyDoctor: unknown }>(
        `query ($site: String!, $doctor: String!) { vaccinationSite(code: $site) { code name regionCode } familyDoctor(code: $doctor) { code name institution teamName phone regionCode } }`,
        { site: ` ${site!.site_code.toLowerCase()} `, doctor: doctor!.doctor_code },
      );
      const entities = await run<{ _entities: unknown[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on VaccinationSite { code name regionCode } ... on FamilyDoctor { code name institution teamName phone regionCode } } }`,
        {
          representations: [
            { __typename: "VaccinationSite", code: site!.site_code },
            { __typename: "FamilyDoctor", code: doctor!.doctor_code },
            { __typename: "VaccinationSite", code: "V330106999" },
            { __typename: "FamilyDoctor", code: "nonsense" },
          ],
        },
      );

      expect(data).toEqual({ vaccinationSite: expectedSite, familyDoctor: expectedDoctor });
      expect(entities._entities).toEqual([expectedSite, expectedDoctor, null, null]);
    });

    it("returns null, not an error, for well-formed codes nobody has", async () => {
      const data = await run<{ vaccinationSite: unknown; familyDoctor: unknown }>(
        `{ vaccinationSite(code: "V330106999") { code } familyDoctor(code: "D3301069999") { code } }`,
      );

      expect(data).toEqual({ vaccinationSite: null, familyDoctor: null });
    });

    it.each([
      [
        "a site code without its letter",
        `{ vaccinationSite(code: "330106001") { code } }`,
        "code",
        /vaccination site code must be "V"/,
      ],
      [
        "a doctor code one digit short",
        `{ familyDoctor(code: "D330106001") { code } }`,
        "code",
        /family doctor code must be "D"/,
      ],
      [
        "an unknown region",
        `{ vaccinationSites(region: "339999") { edges { cursor } } }`,
        "region",
        /not a known division/,
      ],
      [
        "a region that is not a code",
        `{ familyDoctors(region: "Hangzhou") { edges { cursor } } }`,
        "region",
        /6 digits/,
      ],
      [
        "a page size of 0",
        `{ familyDoctors(region: "33", first: 0) { edges { cursor } } }`,
        "first",
        /between 1 and 500/,
      ],
      [
        "a page size over the bound",
        `{ familyDoctors(region: "33", first: 1) { edges { node { patients(first: 501) { edges { cursor } } } } } }`,
        "first",
        /between 1 and 500/,
      ],
      [
        "a cursor from nowhere",
        `{ familyDoctors(region: "33", after: "bm9wZQ") { edges { cursor } } }`,
        "after",
        /cursor/,
      ],
      [
        "another connection's cursor",
        `{ familyDoctors(region: "33", after: "${Buffer.from("c:123").toString("base64url")}") { edges { cursor } } }`,
        "after",
        /cursor returned by this connection/,
      ],
      [
        "a doctor's cursor for patients",
        `{ familyDoctors(region: "33", first: 1) { edges { node { patients(after: "${Buffer.from("c:D3301060001").toString("base64url")}") { edges { cursor } } } } } }`,
        "after",
        /cursor returned by this connection/,
      ],
    ])("refuses %s with BAD_USER_INPUT naming the argument", async (_name, query, argument, message) => {
      const result = await executeSubgraph(
        healthSubgraph,
        province.database.db,
        query,
        {},
        await departmentSystemHeaders("health"),
      );

      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument });
      expect(result.errors![0]!.message).toMatch(new RegExp(`^${argument}\\b`));
      expect(result.errors![0]!.message).toMatch(message);
    });
  });
});
