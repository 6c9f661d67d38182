import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import {
  builders,
  type BuiltChild,
  type BuiltContract,
  type BuiltFamilyDoctor,
  type BuiltVaccinationSite,
} from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

describe.each(ENGINES)("health lookups on %s", (engine) => {
  let database: TestDatabase;
  /** Ten patients with ACTIVE contracts, and one whose contract expired. */
  let busyDoctor: BuiltFamilyDoctor;
  /** Every doctor: the busy one, one with two patients, one with none, and one of another province. */
  let doctors: BuiltFamilyDoctor[];
  /** 55 children with a file here, one of them with two. */
  let busySite: BuiltVaccinationSite;
  /** Every site: three of the prefecture 330100 (the busy one first), one of another prefecture. */
  let sites: BuiltVaccinationSite[];
  let everyone: BuiltChild[];

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const build = builders(database.db);
    busyDoctor = await build.familyDoctor({ region: "330106" });
    const otherDoctor = await build.familyDoctor({ region: "330102" });
    const quietDoctor = await build.familyDoctor({
      region: "330106",
      name: "陈静",
      institution: "西湖区第一社区卫生服务中心",
      teamName: "家庭医生团队1",
      phone: "13900001234",
    });
    const foreignDoctor = await build.familyDoctor({ region: "340102" });
    doctors = [busyDoctor, otherDoctor, quietDoctor, foreignDoctor];
    busySite = await build.vaccinationSite({ region: "330106" });
    sites = [
      busySite,
      await build.vaccinationSite({ region: "330102" }),
      await build.vaccinationSite({ region: "330105", name: "拱墅区第一预防接种门诊" }),
      await build.vaccinationSite({ region: "330203" }),
    ];
    // The first eleven are the busy doctor's patients (the sixth's contract expired), the next two the other's.
    const contractsOf = (i: number) => {
      if (i === 5) return [{ doctor: busyDoctor, status: "EXPIRED" as const }];
      if (i < 11) return [busyDoctor];
      return i < 13 ? [otherDoctor] : [];
    };
    const atBusySite = await build.children(55, (i) => ({
      immunizations: i === 3 ? [busySite, busySite] : [busySite],
      contracts: contractsOf(i),
    }));
    const elsewhere = await build.children(3, (i) => ({ immunizations: [sites[i + 1]!], contracts: [foreignDoctor] }));
    everyone = [...atBusySite, ...elsewhere];
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  async function run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await executeSubgraph(
      healthSubgraph,
      database.db,
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

  /** A doctor's ACTIVE contracts with their children, as written. */
  const activeContractsOf = (doctor: BuiltFamilyDoctor): { contract: BuiltContract; child: BuiltChild }[] =>
    everyone.flatMap((child) =>
      child.contracts
        .filter((c) => c.doctorCode === doctor.code && c.status === "ACTIVE")
        .map((contract) => ({ contract, child })),
    );

  describe("FamilyDoctor.patients", () => {
    const PATIENTS = `
      query ($code: String!, $after: String) {
        familyDoctor(code: $code) { code patients(first: 4, after: $after) { edges { cursor node { contract { recordId
          status } child { id } } } pageInfo { hasNextPage endCursor } } }
      }`;
    type PatientNode = { contract: { recordId: string; status: string }; child: { id: string } | null };

    it("pages through a doctor's ACTIVE contracts without overlap, each with the child it is linked to", async () => {
      const code = busyDoctor.code;
      const expected = activeContractsOf(busyDoctor);

      const pages = await allPages(
        4,
        async (after) =>
          (await run<{ familyDoctor: { patients: Page<PatientNode> } }>(PATIENTS, { code, after })).familyDoctor
            .patients,
      );

      const patients = pages.flat();
      expect(expected).toHaveLength(10);
      expect(pages.length).toBe(Math.ceil(expected.length / 4));
      expect(new Set(patients.map((p) => p.contract.recordId)).size).toBe(patients.length);
      expect(patients.map((p) => [p.contract.recordId, p.child?.id])).toEqual(
        expected.map((e) => [e.contract.recordId, String(e.child.id)]),
      );
      expect(patients.every((p) => p.contract.status === "ACTIVE")).toBe(true);
    });

    it("shows a contract not linked to any child yet with a null child", async () => {
      const code = busyDoctor.code;
      const first = activeContractsOf(busyDoctor)[0]!.contract;
      const close = (at: ReturnType<typeof sql>) =>
        database.db.execute(
          sql`update hub.links set unlinked_at = ${at}
              where source = 'health.doctor_contract' and record_id = ${first.recordId}`,
        );
      await close(sql`now()`);
      try {
        const data = await run<{ familyDoctor: { patients: Page<PatientNode> } }>(PATIENTS, { code, after: null });

        expect(data.familyDoctor.patients.edges[0]!.node).toEqual({
          contract: { recordId: first.recordId, status: "ACTIVE" },
          child: null,
        });
        expect(data.familyDoctor.patients.edges[1]!.node.child).not.toBeNull();
      } finally {
        await close(sql`null`);
      }
    });
  });

  describe("VaccinationSite.children", () => {
    it("pages through the distinct children with a file at the site, in id order", async () => {
      const expected = everyone
        .filter((c) => c.immunizations.some((f) => f.siteCode === busySite.code))
        .map((c) => c.id)
        .sort((a, b) => a - b);

      const pages = await allPages(50, async (after) => {
        const data = await run<{ vaccinationSite: { children: Page<{ id: string }> } }>(
          `query ($code: String!, $after: String) { vaccinationSite(code: $code) { children(first: 50, after: $after) {
            edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
          { code: busySite.code, after },
        );
        return data.vaccinationSite.children;
      });

      expect(expected).toHaveLength(55);
      expect(pages.flat().map((c) => Number(c.id))).toEqual(expected);
    });
  });

  describe("sites and doctors of a region", () => {
    it("lists a prefecture's vaccination sites page by page, in code order", async () => {
      const expected = sites.filter((s) => s.regionCode.startsWith("3301")).sort(byCode);

      const pages = await allPages(1, async (after) => {
        const data = await run<{ vaccinationSites: Page<{ code: string; regionCode: string }> }>(
          `query ($region: String!, $after: String) { vaccinationSites(region: $region, first: 1, after: $after) {
            edges { cursor node { code regionCode } } pageInfo { hasNextPage endCursor } } }`,
          { region: "330100", after },
        );
        return data.vaccinationSites;
      });

      expect(expected).toHaveLength(3);
      expect(pages.flat().map((s) => s.code)).toEqual(expected.map((s) => s.code));
    });

    it("lists the province's family doctors page by page with their patients, in code order", async () => {
      const expected = doctors
        .filter((d) => d.regionCode.startsWith("33"))
        .sort(byCode)
        .map((d) => [d.code, activeContractsOf(d).length]);

      const pages = await allPages(2, async (after) => {
        const data = await run<{ familyDoctors: Page<{ code: string; patients: { edges: unknown[] } }> }>(
          `query ($after: String) { familyDoctors(region: "33", first: 2, after: $after) { edges { cursor node { code
            patients(first: 500) { edges { cursor } } } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        return data.familyDoctors;
      });

      expect(expected.map(([, active]) => active)).toEqual([2, 10, 0]);
      expect(pages.flat().map((d) => [d.code, d.patients.edges.length])).toEqual(expected);
    });
  });

  describe("codes", () => {
    it("returns the site and the doctor a code names, through queries and _entities alike", async () => {
      const site = sites[2]!;
      const doctor = doctors[2]!;
      const expectedSite = { code: site.code, name: "拱墅区第一预防接种门诊", regionCode: "330105" };
      const expectedDoctor = {
        code: doctor.code,
        name: "陈静",
        institution: "西湖区第一社区卫生服务中心",
        teamName: "家庭医生团队1",
        phone: "13900001234",
        regionCode: "330106",
      };

      const data = await run<{ vaccinationSite: unknown; familyDoctor: unknown }>(
        `query ($site: String!, $doctor: String!) { vaccinationSite(code: $site) { code name regionCode }
          familyDoctor(code: $doctor) { code name institution teamName phone regionCode } }`,
        { site: ` ${site.code.toLowerCase()} `, doctor: doctor.code },
      );
      const entities = await run<{ _entities: unknown[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on VaccinationSite { code name regionCode } ... on FamilyDoctor { code name institution teamName phone
             regionCode } } }`,
        {
          representations: [
            { __typename: "VaccinationSite", code: site.code },
            { __typename: "FamilyDoctor", code: doctor.code },
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
        `{ familyDoctors(region: "33", first: 1) { edges { node {
          patients(after: "${Buffer.from("c:D3301060001").toString("base64url")}") { edges { cursor } }
        } } } }`,
        "after",
        /cursor returned by this connection/,
      ],
    ])("refuses %s with BAD_USER_INPUT naming the argument", async (_name, query, argument, message) => {
      const result = await executeSubgraph(
        healthSubgraph,
        database.db,
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
