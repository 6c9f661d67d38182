import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer, Department } from "../../src/access/identity/viewer.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { headersFor } from "../kit/auth.ts";
import {
  builders,
  type BuiltChild,
  type BuiltCoordinationArea,
  type BuiltFamilyDoctor,
  type BuiltSchool,
  type BuiltVaccinationSite,
} from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * #18.8, the read side. A child lives in Hangzhou (西湖区, 3301): born there (a birth certificate
 * with both parents' ID numbers), vaccinated, at school, with a family doctor and insured there.
 * Records of Ningbo (北仑区, 3302) also carry its ID number — one immunization file, one school
 * registration, one doctor contract, one enrollment: a family that moved, or records a Ningbo
 * system could write for its own region about any child. They put the child in Ningbo's rows
 * (DESIGN.md: department systems "its department, its region"; health officers "children with
 * health records in region"), and nothing more: of the department's records, Ningbo's viewers
 * read Ningbo's, Hangzhou's viewers Hangzhou's — not the other region's birth certificate,
 * files, school, contracts or enrollments. The insurance officer reads every enrollment of a
 * child it reaches (a duplicate in another area is its work).
 */

const HERE = "330106";
const THERE = "330206";

interface Places {
  school: BuiltSchool;
  site: BuiltVaccinationSite;
  doctor: BuiltFamilyDoctor;
  area: BuiltCoordinationArea;
}

describe.each(ENGINES)("#18.8 each region's viewers read that region's records of a child, on %s", (engine) => {
  let hub: TestHub;
  let child: BuiltChild;
  let here: Places;
  let there: Places;

  const viewer = (role: AuthenticatedViewer["role"], prefix: string, department?: Department): AuthenticatedViewer => ({
    subject: `t8-${role}-${department ?? ""}-${prefix}`,
    role,
    scope: department ? { department, region: prefix } : { region: prefix },
  });

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const places = async (county: string, area: string): Promise<Places> => ({
      school: await build.school({ region: county }),
      site: await build.vaccinationSite({ region: county }),
      doctor: await build.familyDoctor({ region: county }),
      area: await build.coordinationArea({ code: area }),
    });
    here = await places(HERE, "330100");
    there = await places(THERE, "330200");
    child = await build.child({
      hukou: HERE,
      birthDate: "2019-05-06",
      birthCertificate: { region: HERE },
      immunizations: [here.site],
      registrations: [{ school: here.school, schoolYear: 2024, status: "TRANSFERRED_OUT" }],
      contracts: [{ doctor: here.doctor, status: "EXPIRED", signedOn: "2023-01-01", validUntil: "2024-01-01" }],
      enrollments: [here.area],
    });
    await build.immunization(child, there.site);
    await build.registration(child, there.school);
    await build.contract(child, there.doctor);
    await build.enrollment(child, { area: there.area, coverageYear: 2025 });
    await build.link();
  }, 180_000);
  afterAll(async () => hub?.close());

  async function childAs(v: AuthenticatedViewer, fields: string) {
    const result = await hub.gateway.execute(
      `query($id: ID!) { child(id: $id) { id ${fields} } }`,
      { id: String(child.id) },
      await headersFor(v),
    );
    expect(result.errors, v.subject).toBeUndefined();
    const answer = result.data!.child as Record<string, unknown> | null;
    expect(answer, `${v.subject} reaches the child`).not.toBeNull();
    return answer!;
  }

  const HEALTH = `birthCertificate { certificateNumber motherIdNumber fatherIdNumber }
    immunizations { site { code } } doctorContracts { recordId } familyDoctor { code }`;

  it("#18.8 a health system and a health officer read their own region's health records only", async () => {
    for (const [places, other, prefix] of [
      [there, here, "3302"],
      [here, there, "3301"],
    ] as const) {
      for (const v of [viewer("department_system", prefix, "health"), viewer("health_officer", prefix)]) {
        const answer = await childAs(v, HEALTH);
        const ownContract = child.contracts.find((c) => c.doctorCode === places.doctor.code)!;
        expect(answer.immunizations, v.subject).toEqual([{ site: { code: places.site.code } }]);
        expect(answer.doctorContracts, v.subject).toEqual([{ recordId: ownContract.recordId }]);
        if (places === here) {
          expect(answer.birthCertificate, v.subject).toMatchObject({
            certificateNumber: expect.any(String),
          });
          expect(answer.familyDoctor, v.subject).toBeNull(); // the Hangzhou contract expired
        } else {
          expect(answer.birthCertificate, `${v.subject}: the certificate is Hangzhou's`).toBeNull();
          expect(answer.familyDoctor, v.subject).toEqual({ code: places.doctor.code });
        }
        expect(JSON.stringify(answer)).not.toContain(other.site.code);
        expect(JSON.stringify(answer)).not.toContain(other.doctor.code);
      }
    }
  });

  it("#18.8 a Ningbo health officer is not told the record ids of Hangzhou's health records, nor others'", async () => {
    // Child.sources (each linked record's kind and id) is the link reviewers' (insurance and
    // household officers), a hole the black-box suite found: a health officer gets FORBIDDEN.
    const result = await hub.gateway.execute(
      `query($id: ID!) { child(id: $id) { id sources { source recordId } } }`,
      { id: String(child.id) },
      await headersFor(viewer("health_officer", "3302")),
    );
    expect((result.data!.child as { id: string; sources: unknown }).sources).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    for (const r of child.records) expect(JSON.stringify(result)).not.toContain(r.recordId);
  });

  it("#18.8 a Ningbo site's children are not listed by Hangzhou's health viewers, nor the reverse", async () => {
    for (const [site, prefix] of [
      [here.site, "3302"],
      [there.site, "3301"],
    ] as const) {
      for (const v of [viewer("department_system", prefix, "health"), viewer("health_officer", prefix)]) {
        const result = await hub.gateway.execute(
          `query($code: String!) { vaccinationSite(code: $code) { children(first: 50) { edges { node { id } } } } }`,
          { code: site.code },
          await headersFor(v),
        );
        expect(result.errors, v.subject).toBeUndefined();
        const site_ = result.data!.vaccinationSite as { children: { edges: unknown[] } };
        expect(site_.children.edges, `${v.subject} lists another region's site's children`).toEqual([]);
      }
    }
  });

  it("#18.8 an education system and an education officer read their own region's registrations only", async () => {
    for (const v of [viewer("department_system", "3302", "education"), viewer("education_officer", "3302")]) {
      const answer = await childAs(v, `studentRegistrations { school { code } } enrollment { school { code } }`);
      expect(answer.studentRegistrations, v.subject).toEqual([{ school: { code: there.school.code } }]);
      expect(answer.enrollment, v.subject).toEqual({ school: { code: there.school.code } });
    }
    const system = await childAs(
      viewer("department_system", "3301", "education"),
      `studentRegistrations { school { code } }`,
    );
    expect(system.studentRegistrations).toEqual([{ school: { code: here.school.code } }]);
  });

  it("#18.8 an insurance system reads its own area's enrollments, and the child's insurance status", async () => {
    const answer = await childAs(
      viewer("department_system", "3302", "insurance"),
      `insurance { insuredFor(coverageYear: 2026) enrollments { area { code } coverageYear } }`,
    );
    // Insured for 2026 in Hangzhou: the status is the child's; the records shown are Ningbo's.
    expect(answer.insurance).toEqual({
      insuredFor: true,
      enrollments: [{ area: { code: there.area.code }, coverageYear: 2025 }],
    });
    const officer = await childAs(viewer("insurance_officer", "3302"), `insurance { enrollments { area { code } } }`);
    expect(
      (officer.insurance as { enrollments: { area: { code: string } }[] }).enrollments.map((e) => e.area.code).sort(),
    ).toEqual([here.area.code, there.area.code].sort());
  });

  it("#18.8 straight to the health subgraph: the other region's birth certificate is not there", async () => {
    const result = await executeSubgraph(
      SUBGRAPHS.health,
      hub.database.db,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id birthCertificate { motherIdNumber }
        immunizations { site { code } } } } }`,
      { r: [child.ref] },
      await headersFor(viewer("department_system", "3302", "health")),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([
      { id: String(child.id), birthCertificate: null, immunizations: [{ site: { code: there.site.code } }] },
    ]);
  });
});
