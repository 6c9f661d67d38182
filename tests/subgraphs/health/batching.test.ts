import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { builders, type BuiltChild, type BuiltFamilyDoctor, type BuiltVaccinationSite } from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

/** Every Child field of the health subgraph, down to doses, sites, hospitals and doctors. */
const ALL_CHILD_FIELDS = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Child {
        id
        birthCertificate { certificateNumber childName sex birthDate motherName motherIdNumber fatherName
          fatherIdNumber guardianPhone regionCode issuedOn hospital { code name regionCode } }
        immunizations { recordId childName birthDate guardianName guardianPhone site { code name regionCode } doses {
          vaccineCode vaccineName doseNumber givenOn } }
        familyDoctor { code name institution teamName phone regionCode }
        doctorContracts { recordId patientName patientIdNumber patientBirthDate guardianName guardianPhone signedOn
          validUntil status }
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
  let database: TestDatabase;
  let statements = 0;
  /** Four sites and four doctors of the province. */
  let sites: BuiltVaccinationSite[];
  let doctors: BuiltFamilyDoctor[];
  /**
   * Children with every kind of health record, so that every loader has work to do: a birth
   * certificate, a file of three doses at one of the sites, an ACTIVE contract with one of the doctors.
   */
  let healthy: BuiltChild[];

  beforeAll(async () => {
    database = await openTestDatabase(engine, { onQuery: () => statements++ });
    const build = builders(database.db);
    sites = [];
    doctors = [];
    for (const region of ["330106", "330102", "330203", "330302"]) {
      sites.push(await build.vaccinationSite({ region }));
      doctors.push(await build.familyDoctor({ region }));
    }
    healthy = await build.children(100, (i) => ({
      birthCertificate: true,
      immunizations: [sites[i % 4]!],
      contracts: [doctors[i % 4]!],
    }));
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  /** Runs an operation and answers how many SQL statements it sent. */
  async function countStatements(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ statements: number; data: unknown }> {
    statements = 0;
    const result = await executeSubgraph(
      healthSubgraph,
      database.db,
      query,
      variables,
      await departmentSystemHeaders("health"),
    );
    expect(result.errors).toBeUndefined();
    return { statements, data: result.data };
  }

  it.each([20, 100])(
    "resolves every health field of %i children through _entities in a constant number of statements",
    async (n) => {
      const representations = healthy.slice(0, n).map((c) => c.ref);

      const { statements, data } = await countStatements(ALL_CHILD_FIELDS, { representations });

      const children = (
        data as {
          _entities: { birthCertificate: unknown; immunizations: { doses: unknown[] }[]; familyDoctor: unknown }[];
        }
      )._entities;
      expect(children).toHaveLength(n);
      expect(children.every((c) => c.birthCertificate !== null)).toBe(true);
      expect(children.every((c) => c.familyDoctor !== null)).toBe(true);
      expect(children.flatMap((c) => c.immunizations.flatMap((i) => i.doses))).toHaveLength(3 * n);
      expect(statements).toBe(CHILD_STATEMENTS);
    },
  );

  it(
    "pages through sites and doctors with their children " + "and patients in a constant number of statements",
    async () => {
      const { statements } = await countStatements(`{
      vaccinationSites(region: "33", first: 20) { edges { node { code children(first: 100) { edges { node { id
        birthCertificate { certificateNumber } } } } } } }
      familyDoctors(region: "33", first: 20) { edges { node { code patients(first: 100) { edges { node { contract {
        recordId } child { id familyDoctor { code } } } } } } } }
    }`);

      // Sites, their children (the row scope a condition of that statement), those children's
      // certificates; doctors, their patients (with each contract's link), the row-scope check of
      // the patients' children (one for the page), those children's contracts (the doctors
      // themselves come primed from the doctors' page); the one access-log INSERT. Was 6 before.
      expect(statements).toBe(8);
    },
  );

  it("resolves many sites and doctors through _entities in one statement each, plus the audit", async () => {
    const { statements } = await countStatements(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on VaccinationSite { code children(first: 5) { edges { node { id } } } }
         ... on FamilyDoctor { code patients(first: 5) { edges { node { contract { recordId } } } } } } }`,
      {
        representations: [
          ...sites.map((s) => ({ __typename: "VaccinationSite", code: s.code })),
          ...doctors.map((d) => ({ __typename: "FamilyDoctor", code: d.code })),
        ],
      },
    );

    // Sites, doctors, the sites' children, the doctors' patients, and the access-log INSERT (the
    // children's ids and the contracts are reads of children's data). Was 4 before the audit.
    expect(statements).toBe(5);
  });
});
