import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.ts";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { headersFor } from "../../kit/auth.ts";
import { builders, type BuiltChild, type BuiltFamilyDoctor, type BuiltVaccinationSite } from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

/**
 * Row scopes in the health subgraph: a family doctor reaches their own patients only, a health
 * officer the children with health records in their county; a child outside the scope looks
 * exactly like one that does not exist, on every path.
 */
describe.each(ENGINES)("row scopes in the health subgraph on %s", (engine) => {
  let database: TestDatabase;
  const county = "330106";
  /** Two doctors of the county: `own` with five patients (and a former one), `other` with three. */
  let own: BuiltFamilyDoctor;
  let other: BuiltFamilyDoctor;
  /** A doctor of another prefecture, with a patient. */
  let outsideDoctor: BuiltFamilyDoctor;
  /** A busy site of the county: twelve children, four of them own's patients, between the others. */
  let busy: BuiltVaccinationSite;
  /** A site of another prefecture: four children, two with another health record in the county. */
  let outside: BuiltVaccinationSite;
  let everyone: BuiltChild[];
  /** The codes of the sites and doctors of the county. */
  let ofCounty: Set<string>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const build = builders(database.db);
    own = await build.familyDoctor({ region: county });
    other = await build.familyDoctor({ region: county });
    outsideDoctor = await build.familyDoctor({ region: "330203" });
    busy = await build.vaccinationSite({ region: county });
    const quiet = await build.vaccinationSite({ region: "330102" });
    outside = await build.vaccinationSite({ region: "330203" });
    const atBusy = await build.children(12, (i) => ({
      immunizations: [busy],
      contracts: i % 3 === 1 ? [own] : i === 0 ? [{ doctor: own, status: "EXPIRED" }] : [],
    }));
    const elsewhere = await build.children(3, (i) => ({
      immunizations: [quiet],
      contracts: [i === 0 ? own : other],
    }));
    const atOutside = await build.children(4, (i) => ({
      hukou: "330203",
      immunizations: [outside],
      ...[
        { birthCertificate: { region: county } },
        { contracts: [other] },
        { contracts: [outsideDoctor], birthCertificate: { region: "330203" } },
        {},
      ][i],
    }));
    everyone = [...atBusy, ...elsewhere, ...atOutside];
    ofCounty = new Set(
      [own, other, outsideDoctor, busy, quiet, outside].filter((p) => p.regionCode === county).map((p) => p.code),
    );
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  /** Runs an operation as `viewer` under a fresh request id, which names its access-log row. */
  async function runAs(
    viewer: Parameters<typeof headersFor>[0],
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    const requestId = randomUUID();
    const result = await executeSubgraph(healthSubgraph, database.db, query, variables, {
      ...(await headersFor(viewer)),
      "x-request-id": requestId,
    });
    expect(result.errors).toBeUndefined();
    return { data: result.data as Record<string, unknown>, requestId };
  }

  /** The access-log rows a request wrote, with their child ids in order. */
  async function auditRows(requestId: string): Promise<{ childIds: number[]; fields: string[] }[]> {
    const rows = await queryRows<{ child_ids: (number | string)[]; fields: string[] }>(
      database.db,
      sql`select child_ids, fields from audit.access_log where request_id = ${requestId}`,
    );
    return rows.map((r) => ({ childIds: r.child_ids.map(Number), fields: r.fields }));
  }

  const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);
  const patientsOf = (doctor: BuiltFamilyDoctor) =>
    everyone.filter((c) => c.contracts.some((k) => k.doctorCode === doctor.code && k.status === "ACTIVE"));
  const childrenAt = (site: BuiltVaccinationSite) =>
    everyone.filter((c) => c.immunizations.some((f) => f.siteCode === site.code));

  describe("a family doctor", () => {
    it("gets their own patients and null for another doctor's", async () => {
      // Their ACTIVE contracts as written, each with its child; not the expired one.
      const expected = patientsOf(own).map((child) => ({
        recordId: child.contracts.find((k) => k.doctorCode === own.code && k.status === "ACTIVE")!.recordId,
        child,
      }));
      expect(expected).toHaveLength(5);

      const { data, requestId } = await runAs(
        { subject: `doctor-${own.code}`, role: "family_doctor", scope: { doctor: own.code } },
        `query ($own: String!, $other: String!) {
          own: familyDoctor(code: $own) {
            code patients(first: 500) { edges { node { contract { recordId } child { id } } } pageInfo { hasNextPage } }
          }
          other: familyDoctor(code: $other) {
            code patients(first: 500) { edges { node { contract { recordId } child { id } } } }
          }
        }`,
        { own: own.code, other: other.code },
      );

      const ownPatients = data.own as {
        patients: {
          edges: { node: { contract: { recordId: string }; child: { id: string } | null } }[];
          pageInfo: { hasNextPage: boolean };
        };
      };
      expect(ownPatients.patients.pageInfo.hasNextPage).toBe(false);
      expect(ownPatients.patients.edges.map((e) => [e.node.contract.recordId, e.node.child?.id])).toEqual(
        expected.map((e) => [e.recordId, String(e.child.id)]),
      );
      // The other doctor is no secret; their patient list is.
      expect(data.other).toEqual({ code: other.code, patients: null });

      const patientIds = sorted(expected.map((e) => e.child.id));
      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual(patientIds);
      expect(log[0]!.fields).toEqual(expect.arrayContaining(["Child.id", "DoctorContract.recordId"]));
    });

    it(
      "resolves a patient's immunizations through _entities and answers " +
        "null for a child who is not their patient, as for an unknown id",
      async () => {
        const patient = patientsOf(own).find((c) => c.immunizations.length > 0)!;
        const stranger = everyone.find((c) => c.immunizations.length > 0 && !patientsOf(own).includes(c))!;
        const patientFiles = patient.immunizations;

        const { data, requestId } = await runAs(
          { subject: `doctor-${own.code}`, role: "family_doctor", scope: { doctor: own.code } },
          `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Child { id
            immunizations { recordId } } } }`,
          {
            representations: [String(patient.id), String(stranger.id), "999999999"].map((id) => ({
              __typename: "Child",
              id,
            })),
          },
        );

        expect(patientFiles).toHaveLength(1);
        expect(data._entities).toEqual([
          { id: String(patient.id), immunizations: patientFiles.map((f) => ({ recordId: f.recordId })) },
          null,
          null,
        ]);
        const log = await auditRows(requestId);
        expect(log).toEqual([{ childIds: [patient.id], fields: ["Child.id", "Child.immunizations"] }]);
      },
    );

    it("pages a site's children in the scope with full pages and exact cursors", async () => {
      // A family doctor's patients among a busy site's children: few, between many others, so a
      // scope applied after the page was cut would leave short pages.
      const expected = sorted(
        patientsOf(own)
          .filter((c) => childrenAt(busy).includes(c))
          .map((c) => c.id),
      );
      const everyoneThere = childrenAt(busy).length;
      expect(expected).toHaveLength(4);
      expect(everyoneThere).toBe(12);

      const seen: number[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        const { data } = await runAs(
          { subject: `doctor-${own.code}`, role: "family_doctor", scope: { doctor: own.code } },
          `query ($code: String!, $after: String) { vaccinationSite(code: $code) { children(first: 2, after: $after) {
            edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
          { code: busy.code, after },
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
    it("sees a site's children in the county, and none of another county's site", async () => {
      // Children with a file at a site; or only those with a health record in the county: a
      // birth certificate issued there, a file at a site there, an ACTIVE contract with a doctor there.
      const inCounty = (c: BuiltChild) =>
        c.birthCertificate?.regionCode === county ||
        c.immunizations.some((f) => ofCounty.has(f.siteCode)) ||
        c.contracts.some((k) => k.status === "ACTIVE" && ofCounty.has(k.doctorCode));
      const insideAll = sorted(childrenAt(busy).map((c) => c.id));
      const outsideAll = sorted(childrenAt(outside).map((c) => c.id));
      const outsideInCounty = sorted(
        childrenAt(outside)
          .filter(inCounty)
          .map((c) => c.id),
      );
      expect(insideAll).toHaveLength(12);
      expect(outsideAll).toHaveLength(4);
      expect(outsideInCounty).toHaveLength(2);

      const { data, requestId } = await runAs(
        { subject: `health-officer-${county}`, role: "health_officer", scope: { region: county } },
        `query ($inside: String!, $outside: String!, $doctor: String!) {
          inside: vaccinationSite(code: $inside) { code children(first: 500) { edges { node { id } } pageInfo {
            hasNextPage } } }
          outside: vaccinationSite(code: $outside) { code children(first: 500) { edges { node { id } } pageInfo {
            hasNextPage } } }
          doctor: familyDoctor(code: $doctor) { code patients(first: 5) { edges { cursor } } }
        }`,
        { inside: busy.code, outside: outside.code, doctor: outsideDoctor.code },
      );

      type Site = { children: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } };
      const ids = (site: unknown) => (site as Site).children.edges.map((e) => Number(e.node.id));
      expect(ids(data.inside)).toEqual(insideAll);
      // #18.8: a site of another county lists none of its files to a health officer, not even
      // those of children with health records in the county (they are the other county's records),
      // as another county's doctor lists no patients.
      expect(ids(data.outside)).toEqual([]);
      expect((data.outside as Site).children.pageInfo.hasNextPage).toBe(false);
      expect(data.doctor).toEqual({ code: outsideDoctor.code, patients: null });

      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual(insideAll);
    });
  });
});
