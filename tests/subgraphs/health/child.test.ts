import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSubgraph } from "../../../src/subgraphs/health/index.ts";
import { ENGINES } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";
import { childIdOf, openHealthProvince, type HealthProvince } from "./province.ts";

const CHILD_FIELDS = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Child {
        id
        birthCertificate {
          certificateNumber childName sex birthDate motherName motherIdNumber fatherName fatherIdNumber guardianPhone regionCode issuedOn
          hospital { code name regionCode }
        }
        immunizations {
          recordId childName birthDate guardianName guardianPhone
          site { code name regionCode }
          doses { vaccineCode vaccineName doseNumber givenOn }
        }
        familyDoctor { code name institution teamName phone regionCode }
        doctorContracts { recordId patientName patientIdNumber patientBirthDate guardianName guardianPhone signedOn validUntil status }
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
  let province: HealthProvince;

  beforeAll(async () => {
    province = await openHealthProvince(engine);
  }, 180_000);
  afterAll(async () => province?.close());

  async function childData(childKey: string): Promise<ChildData> {
    const result = await executeSubgraph(
      healthSubgraph,
      province.database.db,
      CHILD_FIELDS,
      { representations: [{ __typename: "Child", id: childIdOf(province, childKey) }] },
      await departmentSystemHeaders("health"),
    );
    expect(result.errors).toBeUndefined();
    return (result.data as { _entities: ChildData[] })._entities[0]!;
  }

  /** A child with a record of `source` linked, and optionally more conditions on the child key `c`. */
  async function someChild(where: string): Promise<string> {
    const [row] = await province.rows<{ child_key: string }>(
      `select c.child_key from truth.children c where ${where} order by c.child_key limit 1`,
    );
    if (!row) throw new Error(`the generated province has no child where ${where}`);
    return row.child_key;
  }
  const has = (source: string, extra = "") =>
    `exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = '${source}' ${extra})`;

  it("returns the child's birth certificate, immunization files with their doses, and family doctor as the health department wrote them", async () => {
    const childKey = await someChild(
      `${has("health.birth_certificate")} and ${has("health.immunization_record", "and exists (select 1 from health.immunization_doses d where d.immunization_record_id = r.record_id)")}
       and ${has("health.doctor_contract", "and exists (select 1 from health.doctor_contracts d where d.record_id = r.record_id and d.status = 'ACTIVE')")}`,
    );

    const child = await childData(childKey);

    const [certificate] = await province.rows<Record<string, string | null>>(`
      select b.certificate_number, b.child_name, b.sex, b.birth_date::text, b.mother_name, b.mother_id_number, b.father_name, b.father_id_number,
             b.guardian_phone, b.region_code, b.issued_on::text, h.hospital_code, h.name as hospital_name, h.region_code as hospital_region
      from truth.records r join health.birth_certificates b on b.record_id = r.record_id join health.hospitals h on h.hospital_code = b.hospital_code
      where r.child_key = '${childKey}' and r.source = 'health.birth_certificate'`);
    expect(child.birthCertificate).toEqual({
      certificateNumber: certificate!.certificate_number,
      childName: certificate!.child_name,
      sex: certificate!.sex,
      birthDate: certificate!.birth_date,
      motherName: certificate!.mother_name,
      motherIdNumber: certificate!.mother_id_number,
      fatherName: certificate!.father_name,
      fatherIdNumber: certificate!.father_id_number,
      guardianPhone: certificate!.guardian_phone,
      regionCode: certificate!.region_code,
      issuedOn: certificate!.issued_on,
      hospital: {
        code: certificate!.hospital_code,
        name: certificate!.hospital_name,
        regionCode: certificate!.hospital_region,
      },
    });

    const files = await province.rows<{ record_id: string; site_code: string }>(`
      select i.record_id, i.site_code from truth.records r join health.immunization_records i on i.record_id = r.record_id
      where r.child_key = '${childKey}' and r.source = 'health.immunization_record' order by i.id`);
    expect(child.immunizations!.map((f) => ({ recordId: f.recordId, siteCode: f.site?.code }))).toEqual(
      files.map((f) => ({ recordId: f.record_id, siteCode: f.site_code })),
    );
    for (const file of child.immunizations!) {
      const doses = await province.rows<{ vaccine_code: string; given_on: string }>(`
        select vaccine_code, given_on::text from health.immunization_doses where immunization_record_id = '${file.recordId}'
        order by given_on, vaccine_code, dose_number, id`);
      expect(file.doses.map((d) => [d.vaccineCode, d.givenOn])).toEqual(doses.map((d) => [d.vaccine_code, d.given_on]));
    }
    expect(child.immunizations!.flatMap((f) => f.doses).length).toBeGreaterThan(0);

    const contracts = await province.rows<{ record_id: string; status: string; doctor_code: string }>(`
      select d.record_id, d.status, d.doctor_code from truth.records r join health.doctor_contracts d on d.record_id = r.record_id
      where r.child_key = '${childKey}' and r.source = 'health.doctor_contract' order by d.signed_on, d.id`);
    expect(child.doctorContracts!.map((c) => [c.recordId, c.status])).toEqual(
      contracts.map((c) => [c.record_id, c.status]),
    );
    expect(child.familyDoctor?.code).toBe(contracts.filter((c) => c.status === "ACTIVE").at(-1)!.doctor_code);
  });

  it("gives a child who moved house both immunization files, each with its own site", async () => {
    const childKey = await someChild(
      `(select count(*) from truth.records r where r.child_key = c.child_key and r.source = 'health.immunization_record') = 2`,
    );

    const child = await childData(childKey);

    const sites = await province.rows<{ site_code: string }>(`
      select i.site_code from truth.records r join health.immunization_records i on i.record_id = r.record_id
      where r.child_key = '${childKey}' and r.source = 'health.immunization_record' order by i.id`);
    expect(child.immunizations!.map((f) => f.site!.code)).toEqual(sites.map((s) => s.site_code));
    for (const file of child.immunizations!) {
      const dates = file.doses.map((d) => d.givenOn);
      expect(dates).toEqual([...dates].sort());
    }
  });

  it("has no family doctor when the child's only contracts have expired, but still lists them", async () => {
    const childKey = await someChild(
      `${has("health.doctor_contract")} and not ${has("health.doctor_contract", "and exists (select 1 from health.doctor_contracts d where d.record_id = r.record_id and d.status = 'ACTIVE')")}`,
    );

    const child = await childData(childKey);

    expect(child.familyDoctor).toBeNull();
    expect(child.doctorContracts!.length).toBeGreaterThan(0);
    expect(child.doctorContracts!.every((c) => c.status !== "ACTIVE")).toBe(true);
  });

  it("answers null for a child without health records, as for an id no child has, and empty lists for what a child in scope lacks", async () => {
    // A child without any health record is outside every health viewer's scope (its records
    // are what place it there): null, exactly like an id no child has or a malformed one.
    const bare = await someChild(
      `not ${has("health.birth_certificate")} and not ${has("health.immunization_record")} and not ${has("health.doctor_contract")}`,
    );
    // A child placed by its birth certificate alone shows empty lists for the rest.
    const certificateOnly = await someChild(
      `${has("health.birth_certificate", "and exists (select 1 from health.birth_certificates b where b.record_id = r.record_id and b.region_code like '33%')")}
       and not ${has("health.immunization_record")} and not ${has("health.doctor_contract")}`,
    );

    const result = await executeSubgraph(
      healthSubgraph,
      province.database.db,
      CHILD_FIELDS,
      {
        representations: [
          childIdOf(province, bare),
          childIdOf(province, certificateOnly),
          "999999999",
          "not-a-number",
        ].map((id) => ({ __typename: "Child", id })),
      },
      await departmentSystemHeaders("health"),
    );

    expect(result.errors).toBeUndefined();
    const [bareChild, certified, ...unknown] = (result.data as { _entities: (ChildData | null)[] })._entities;
    expect(bareChild).toBeNull();
    expect(certified).toMatchObject({
      id: childIdOf(province, certificateOnly),
      immunizations: [],
      familyDoctor: null,
      doctorContracts: [],
    });
    expect(certified!.birthCertificate).not.toBeNull();
    expect(unknown).toEqual([null, null]);
  });

  it("ignores records whose link to the child has been closed", async () => {
    // An immunization file too, so that the child stays in scope without its certificate.
    const childKey = await someChild(`${has("health.birth_certificate")} and ${has("health.immunization_record")}`);
    const childId = childIdOf(province, childKey);
    await province.rows(
      `update hub.links set unlinked_at = now() where child_id = ${childId} and source = 'health.birth_certificate'`,
    );

    try {
      const child = await childData(childKey);

      expect(child.birthCertificate).toBeNull();
    } finally {
      await province.rows(
        `update hub.links set unlinked_at = null where child_id = ${childId} and source = 'health.birth_certificate'`,
      );
    }
  });
});
