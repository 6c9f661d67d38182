import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { ENGINES } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";
import { openHealthProvince, type HealthProvince } from "./province.ts";

/** Every Child field of the health subgraph, down to doses, sites, hospitals and doctors. */
const ALL_CHILD_FIELDS = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Child {
        id
        birthCertificate { certificateNumber childName sex birthDate motherName motherIdNumber fatherName fatherIdNumber guardianPhone regionCode issuedOn hospital { code name regionCode } }
        immunizations { recordId childName birthDate guardianName guardianPhone site { code name regionCode } doses { vaccineCode vaccineName doseNumber givenOn } }
        familyDoctor { code name institution teamName phone regionCode }
        doctorContracts { recordId patientName patientIdNumber patientBirthDate guardianName guardianPhone signedOn validUntil status }
      }
    }
  }`;

/**
 * The row-scope check of the representations (one statement over `hub.child_scope`), one
 * statement per loader the query reaches (certificates, hospitals, files, sites, doses,
 * contracts, doctors) and the request's one access-log INSERT. Was 7 before row scopes and the audit.
 */
const CHILD_STATEMENTS = 9;

describe.each(ENGINES)("batching in the health subgraph on %s", (engine) => {
  let province: HealthProvince;
  let statements = 0;

  beforeAll(async () => {
    province = await openHealthProvince(engine, { onQuery: () => statements++ });
  }, 180_000);
  afterAll(async () => province?.close());

  /** Runs an operation and answers how many SQL statements it sent. */
  async function countStatements(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ statements: number; data: unknown }> {
    statements = 0;
    const result = await executeSubgraph(
      healthSubgraph,
      province.database.db,
      query,
      variables,
      await departmentSystemHeaders("health"),
    );
    expect(result.errors).toBeUndefined();
    return { statements, data: result.data };
  }

  /** Children with every kind of health record, so that every loader has work to do. */
  async function healthyChildren(n: number): Promise<{ __typename: "Child"; id: string }[]> {
    const rows = await province.rows<{ child_key: string }>(`
      select c.child_key from truth.children c
      where exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'health.immunization_record')
        and exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'health.doctor_contract')
      order by (exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'health.birth_certificate')) desc, c.child_key
      limit ${n}`);
    expect(rows).toHaveLength(n);
    return rows.map((r) => ({ __typename: "Child", id: String(province.childIds.get(r.child_key)) }));
  }

  it.each([20, 100])(
    "resolves every health field of %i children through _entities in a constant number of statements",
    async (n) => {
      const representations = await healthyChildren(n);

      const { statements, data } = await countStatements(ALL_CHILD_FIELDS, { representations });

      const children = (
        data as {
          _entities: { birthCertificate: unknown; immunizations: { doses: unknown[] }[]; familyDoctor: unknown }[];
        }
      )._entities;
      expect(children).toHaveLength(n);
      expect(children.some((c) => c.birthCertificate !== null)).toBe(true);
      expect(children.some((c) => c.familyDoctor !== null)).toBe(true);
      expect(children.flatMap((c) => c.immunizations.flatMap((i) => i.doses)).length).toBeGreaterThan(0);
      expect(statements).toBe(CHILD_STATEMENTS);
    },
  );

  it("pages through sites and doctors with their children and patients in a constant number of statements", async () => {
    const { statements } = await countStatements(`{
      vaccinationSites(region: "33", first: 20) { edges { node { code children(first: 100) { edges { node { id birthCertificate { certificateNumber } } } } } } }
      familyDoctors(region: "33", first: 20) { edges { node { code patients(first: 100) { edges { node { contract { recordId } child { id familyDoctor { code } } } } } } } }
    }`);

    // Sites, their children (the row scope a condition of that statement), those children's
    // certificates; doctors, their patients (with each contract's link), the row-scope check of
    // the patients' children (one for the page), those children's contracts (the doctors
    // themselves come primed from the doctors' page); the one access-log INSERT. Was 6 before.
    expect(statements).toBe(8);
  });

  it("resolves many sites and doctors through _entities in one statement each, plus the audit", async () => {
    const sites = await province.rows<{ site_code: string }>(`select site_code from health.vaccination_sites`);
    const doctors = await province.rows<{ doctor_code: string }>(`select doctor_code from health.family_doctors`);

    const { statements } = await countStatements(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on VaccinationSite { code children(first: 5) { edges { node { id } } } }
         ... on FamilyDoctor { code patients(first: 5) { edges { node { contract { recordId } } } } } } }`,
      {
        representations: [
          ...sites.map((s) => ({ __typename: "VaccinationSite", code: s.site_code })),
          ...doctors.map((d) => ({ __typename: "FamilyDoctor", code: d.doctor_code })),
        ],
      },
    );

    // Sites, doctors, the sites' children, the doctors' patients, and the access-log INSERT (the
    // children's ids and the contracts are reads of children's data). Was 4 before the audit.
    expect(statements).toBe(5);
  });
});
