import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { builders, type BuiltChild, type BuiltFamilyDoctor, type BuiltVaccinationSite } from "../../kit/builders.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

const CHILD_FIELDS = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Child {
        id
        birthCertificate {
          certificateNumber childName sex birthDate motherName motherIdNumber fatherName fatherIdNumber guardianPhone
            regionCode issuedOn
          hospital { code name regionCode }
        }
        immunizations {
          recordId childName birthDate guardianName guardianPhone
          site { code name regionCode }
          doses { vaccineCode vaccineName doseNumber givenOn }
        }
        familyDoctor { code name institution teamName phone regionCode }
        doctorContracts { recordId patientName patientIdNumber patientBirthDate guardianName guardianPhone signedOn
          validUntil status }
      }
    }
  }`;

interface ChildData {
  id: string;
  birthCertificate: (Record<string, unknown> & { hospital: Record<string, unknown> | null }) | null;
  immunizations:
    { recordId: string; site: { code: string } | null; doses: { vaccineCode: string; givenOn: string }[] }[] | null;
  familyDoctor: { code: string } | null;
  doctorContracts: { recordId: string; status: string }[] | null;
}

describe.each(ENGINES)("Child in the health subgraph on %s", (engine) => {
  let database: TestDatabase;
  let home: BuiltVaccinationSite;
  let newHome: BuiltVaccinationSite;
  let firstDoctor: BuiltFamilyDoctor;
  let secondDoctor: BuiltFamilyDoctor;
  /** A certificate, a file of four doses, an expired contract with one doctor and an active one with another. */
  let complete: BuiltChild;
  /** Files at two sites: the family moved house. */
  let moved: BuiltChild;
  /** A file, and contracts that are all over (expired, cancelled). */
  let expiredOnly: BuiltChild;
  /** Known to the household registry only. */
  let bare: BuiltChild;
  /** A birth certificate issued in the province and no other health record. */
  let certificateOnly: BuiltChild;
  /** A certificate and a file. */
  let certifiedAndVaccinated: BuiltChild;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const build = builders(database.db);
    home = await build.vaccinationSite({ region: "330106" });
    newHome = await build.vaccinationSite({ region: "330102" });
    firstDoctor = await build.familyDoctor({ region: "330106" });
    secondDoctor = await build.familyDoctor({ region: "330106" });
    const born = "2024-05-10";
    complete = await build.child({
      birthDate: born,
      birthCertificate: true,
      // Written out of order: the file lists them by date, then vaccine.
      immunizations: [
        {
          site: home,
          doses: [
            { vaccineCode: "DTaP", givenOn: "2024-08-08" },
            { vaccineCode: "HepB", doseNumber: 2, givenOn: "2024-06-09" },
            { vaccineCode: "HepB", givenOn: born },
            { vaccineCode: "BCG", givenOn: born },
          ],
        },
      ],
      contracts: [
        { doctor: firstDoctor, status: "EXPIRED", signedOn: "2024-06-01", validUntil: "2025-05-31" },
        { doctor: secondDoctor, status: "ACTIVE", signedOn: "2025-06-01" },
      ],
    });
    moved = await build.child({ immunizations: [home, newHome] });
    expiredOnly = await build.child({
      immunizations: [home],
      contracts: [
        { doctor: firstDoctor, status: "EXPIRED", signedOn: "2023-03-01" },
        { doctor: secondDoctor, status: "CANCELLED", signedOn: "2024-03-01" },
      ],
    });
    bare = await build.child({ hukou: "330106" });
    certificateOnly = await build.child({ birthCertificate: { region: "330106" } });
    certifiedAndVaccinated = await build.child({ birthCertificate: true, immunizations: [home] });
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  async function childData(child: BuiltChild): Promise<ChildData> {
    const result = await executeSubgraph(
      healthSubgraph,
      database.db,
      CHILD_FIELDS,
      { representations: [child.ref] },
      await departmentSystemHeaders("health"),
    );
    expect(result.errors).toBeUndefined();
    return (result.data as { _entities: ChildData[] })._entities[0]!;
  }

  it(
    "returns the child's birth certificate, immunization files with " +
      "their doses, and family doctor as the health department wrote them",
    async () => {
      const child = await childData(complete);

      const certificate = complete.birthCertificate!;
      expect(child.birthCertificate).toEqual({
        certificateNumber: certificate.certificateNumber,
        childName: certificate.childName,
        sex: certificate.sex,
        birthDate: certificate.birthDate,
        motherName: certificate.motherName,
        motherIdNumber: certificate.motherIdNumber,
        fatherName: certificate.fatherName,
        fatherIdNumber: certificate.fatherIdNumber,
        guardianPhone: certificate.guardianPhone,
        regionCode: certificate.regionCode,
        issuedOn: certificate.issuedOn,
        hospital: {
          code: certificate.hospital.code,
          name: certificate.hospital.name,
          regionCode: certificate.hospital.regionCode,
        },
      });

      expect(child.immunizations!.map((f) => ({ recordId: f.recordId, siteCode: f.site?.code }))).toEqual(
        complete.immunizations.map((f) => ({ recordId: f.recordId, siteCode: f.siteCode })),
      );
      expect(child.immunizations![0]!.doses.map((d) => [d.vaccineCode, d.givenOn])).toEqual([
        ["BCG", "2024-05-10"],
        ["HepB", "2024-05-10"],
        ["HepB", "2024-06-09"],
        ["DTaP", "2024-08-08"],
      ]);

      expect(child.doctorContracts!.map((c) => [c.recordId, c.status])).toEqual(
        complete.contracts.map((c) => [c.recordId, c.status]),
      );
      expect(child.familyDoctor?.code).toBe(secondDoctor.code);
    },
  );

  it("gives a child who moved house both immunization files, each with its own site", async () => {
    const child = await childData(moved);

    expect(child.immunizations!.map((f) => f.site!.code)).toEqual([home.code, newHome.code]);
    for (const file of child.immunizations!) {
      const dates = file.doses.map((d) => d.givenOn);
      expect(dates).toHaveLength(3);
      expect(dates).toEqual([...dates].sort());
    }
  });

  it("has no family doctor when the child's only contracts have expired, but still lists them", async () => {
    const child = await childData(expiredOnly);

    expect(child.familyDoctor).toBeNull();
    expect(child.doctorContracts!.map((c) => c.recordId)).toEqual(expiredOnly.contracts.map((c) => c.recordId));
    expect(child.doctorContracts!.every((c) => c.status !== "ACTIVE")).toBe(true);
  });

  it(
    "answers null for a child without health records, as for an id " +
      "no child has, and empty lists for what a child in scope lacks",
    async () => {
      // A child without any health record is outside every health viewer's scope (its records
      // are what place it there): null, exactly like an id no child has or a malformed one.
      // A child placed by its birth certificate alone shows empty lists for the rest.
      const result = await executeSubgraph(
        healthSubgraph,
        database.db,
        CHILD_FIELDS,
        {
          representations: [String(bare.id), String(certificateOnly.id), "999999999", "not-a-number"].map((id) => ({
            __typename: "Child",
            id,
          })),
        },
        await departmentSystemHeaders("health"),
      );

      expect(result.errors).toBeUndefined();
      const [bareChild, certified, ...unknown] = (result.data as { _entities: (ChildData | null)[] })._entities;
      expect(bareChild).toBeNull();
      expect(certified).toMatchObject({
        id: String(certificateOnly.id),
        immunizations: [],
        familyDoctor: null,
        doctorContracts: [],
      });
      expect(certified!.birthCertificate).not.toBeNull();
      expect(unknown).toEqual([null, null]);
    },
  );

  it("ignores records whose link to the child has been closed", async () => {
    // An immunization file too, so that the child stays in scope without its certificate.
    const childId = certifiedAndVaccinated.id;
    const close = (at: ReturnType<typeof sql>) =>
      database.db.execute(
        sql`update hub.links set unlinked_at = ${at}
            where child_id = ${childId} and source = 'health.birth_certificate'`,
      );
    expect((await childData(certifiedAndVaccinated)).birthCertificate).not.toBeNull();
    await close(sql`now()`);

    try {
      const child = await childData(certifiedAndVaccinated);

      expect(child.birthCertificate).toBeNull();
    } finally {
      await close(sql`null`);
    }
  });
});
