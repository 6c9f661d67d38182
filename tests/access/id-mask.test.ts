import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskValue } from "../../src/access/fields/masking.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { countiesOf, provinces } from "../../src/domain/division-codes.ts";
import { makeIdNumber, parseIdNumber, sexOfSequence } from "../../src/domain/id-number.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

/**
 * #18.13: the ID-number mask. A role that reads a child's birth date and sex (every masked role
 * does: DESIGN.md's matrix) knows 9 of the number's 18 characters without any mask; the mask
 * must leave at least 1,000 numbers possible from everything the role reads. The adversary
 * here is granted more than any role reads: the province the number was issued in (the
 * counties a role sees a child in today are where it lives or is registered now, not where the
 * number was first issued; the province is granted regardless). Every candidate is a valid
 * GB 11643 number of a county of that province with the child's birth date and sex whose masks
 * (as an ID number, and inside a G student number) are exactly the ones the role was shown.
 */

const ENOUGH = 1_000;

interface Observed {
  birthDate: string;
  sex: "M" | "F";
  /** The province granted to the adversary: two digits. */
  province: string;
  maskedIdNumbers: readonly string[];
  maskedStudentNumbers: readonly string[];
}

/** How many valid numbers are consistent with what was observed, counting up to `ENOUGH`. */
function candidatesLeft(observed: Observed): number {
  let count = 0;
  for (const county of countiesOf(`${observed.province}0000`)) {
    for (let sequence = observed.sex === "M" ? 1 : 0; sequence <= 999; sequence += 2) {
      const candidate = makeIdNumber({ regionCode: county.code, birthDate: observed.birthDate, sequence });
      if (!observed.maskedIdNumbers.every((m) => maskValue("idNumber", candidate) === m)) continue;
      if (!observed.maskedStudentNumbers.every((m) => maskValue("studentNumber", `G${candidate}`) === m)) continue;
      if (++count >= ENOUGH) return count;
    }
  }
  return count;
}

const PROVINCES = provinces().filter((p) => countiesOf(p.code).length > 0);

describe("#18.13 the ID-number mask leaves at least 1,000 numbers possible", () => {
  it("#18.13 for any child, from its birth date, sex, masked number and masked G student number", () => {
    const child = fc
      .record({
        province: fc.constantFrom(...PROVINCES.map((p) => p.code)),
        countyIndex: fc.nat(),
        day: fc.integer({ min: 0, max: 19 * 366 }),
        sequence: fc.integer({ min: 0, max: 999 }),
      })
      .map(({ province, countyIndex, day, sequence }) => {
        const counties = countiesOf(province);
        const county = counties[countyIndex % counties.length]!;
        const birthDate = new Date(Date.UTC(2008, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        return makeIdNumber({
          regionCode: county.code,
          birthDate: birthDate > "2026-12-01" ? "2026-12-01" : birthDate,
          sequence,
        });
      });
    fc.assert(
      fc.property(child, (idNumber) => {
        const parsed = parseIdNumber(idNumber);
        if (!parsed.ok) throw new Error(parsed.problem.message);
        const observed: Observed = {
          birthDate: parsed.value.birthDate,
          sex: parsed.value.sex,
          province: idNumber.slice(0, 2),
          maskedIdNumbers: [maskValue("idNumber", idNumber)],
          maskedStudentNumbers: [maskValue("studentNumber", `G${idNumber}`)],
        };
        expect(observed.maskedIdNumbers[0]).not.toBe(idNumber);
        expect(candidatesLeft(observed)).toBeGreaterThanOrEqual(ENOUGH);
      }),
      { numRuns: 200, seed: 1813 },
    );
  });

  it("#18.13 the worst case of the old mask fails this count (the test can tell)", () => {
    // The first 6 and last 4 characters (DESIGN.md's mask) with the birth date: one number.
    const idNumber = makeIdNumber({ regionCode: "330203", birthDate: "2020-07-14", sequence: 509 });
    const oldMask = `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
    let left = 0;
    for (let sequence = 1; sequence <= 999; sequence += 2) {
      const candidate = makeIdNumber({ regionCode: "330203", birthDate: "2020-07-14", sequence });
      if (`${candidate.slice(0, 6)}********${candidate.slice(-4)}` === oldMask) left++;
    }
    expect(left).toBe(1);
    expect(sexOfSequence(509)).toBe("M");
  });
});

/** What DESIGN.md's matrix lets each masked role read about a child's identity and places, as a query. */
const MASKED_ROLES: readonly { role: AuthenticatedViewer["role"]; query: string }[] = [
  {
    // identity (ID masked), birth certificates, immunizations, insurance status; hukou region (not address)
    role: "health_officer",
    query: `query($id: ID!) { child(id: $id) { birthDate sex idNumber residenceRegionCode
      hukou { regionCode residenceRegionCode } birthCertificate { regionCode birthDate }
      immunizations { birthDate site { regionCode } } doctorContracts { patientIdNumber patientBirthDate }
      insurance { enrollments { idNumber area { code } } } } }`,
  },
  {
    // identity (ID masked), enrollment, insurance status and gap
    role: "education_officer",
    query: `query($id: ID!) { child(id: $id) { birthDate sex idNumber residenceRegionCode
      studentRegistrations { studentNumber birthDate sex school { regionCode } }
      insurance { enrollments { idNumber area { code } } } } }`,
  },
  {
    // name, sex, birth date, ID masked, grade and class, insurance status
    role: "school_admin",
    query: `query($id: ID!) { child(id: $id) { birthDate sex idNumber residenceRegionCode
      studentRegistrations { studentNumber birthDate sex school { regionCode } }
      insurance { enrollments { idNumber area { code } } } } }`,
  },
];

describe.each(ENGINES)("#18.13 what masked roles read through the gateway, on %s", (engine) => {
  let hub: TestHub;
  let child: BuiltChild;
  const viewers = new Map<string, AuthenticatedViewer>();

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const school = await build.school({ region: "330203" });
    const site = await build.vaccinationSite({ region: "330203" });
    const doctor = await build.familyDoctor({ region: "330203" });
    const area = await build.coordinationArea({ code: "330200" });
    child = await build.child({
      hukou: "330203",
      sex: "M",
      birthDate: "2020-07-14",
      birthCertificate: { region: "330203" },
      immunizations: [site],
      registrations: [school],
      contracts: [doctor],
      enrollments: [area],
    });
    await build.link();
    viewers.set("health_officer", { subject: "mask-health", role: "health_officer", scope: { region: "3302" } });
    viewers.set("education_officer", { subject: "mask-edu", role: "education_officer", scope: { region: "3302" } });
    viewers.set("school_admin", { subject: "mask-school", role: "school_admin", scope: { schools: [school.code] } });
  }, 180_000);
  afterAll(async () => hub?.close());

  it("#18.13 masks review evidence stored under the old mask as it is read", async () => {
    // Evidence is stored masked (src/linkage/store.ts); a row written before the mask changed holds 6 + 4.
    const idNumber = child.idNumber!;
    const old = `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
    const evidence = {
      reason: "NAME_SIMILAR",
      fields: { name: "SIMILAR" },
      record: {
        source: "household.person",
        recordId: child.person!.recordId,
        name: child.name,
        birthDate: child.birthDate,
        idNumber: old,
        guardianIdNumbers: [old],
      },
    };
    await hub.database.db.execute(
      sql`insert into hub.link_reviews (source, record_id, candidate_child_id, score, evidence, region_code)
          values ('household.person', ${child.person!.recordId}, ${child.id}, 0.7, ${JSON.stringify(evidence)}::jsonb,
                  '330203')`,
    );
    const reviewer: AuthenticatedViewer = {
      subject: "mask-reviewer",
      role: "household_officer",
      scope: { region: "3302" },
    };
    const result = await hub.gateway.execute(
      `{ linkReviews(first: 10) { edges { node { record { birthDate maskedIdNumber maskedGuardianIdNumbers } } } } }`,
      {},
      await headersFor(reviewer),
    );
    expect(result.errors).toBeUndefined();
    const records = (result.data!.linkReviews as { edges: { node: { record: Record<string, unknown> } }[] }).edges.map(
      (e) => e.node.record,
    );
    expect(records).toEqual([
      {
        birthDate: child.birthDate,
        maskedIdNumber: "33****************",
        maskedGuardianIdNumbers: ["33****************"],
      },
    ]);
  });

  it.each(MASKED_ROLES)("#18.13 leaves at least 1,000 numbers for a $role", async ({ role, query }) => {
    const result = await hub.gateway.execute(query, { id: String(child.id) }, await headersFor(viewers.get(role)!));
    expect(result.errors).toBeUndefined();
    const strings: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === "string") strings.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") Object.values(value).forEach(walk);
    };
    walk(result.data);
    const idNumber = child.idNumber!;
    const masked = strings.filter((s) => s.includes("*"));
    // Nothing it reads holds the number or its 8-character birth date part; no masked value its last 4 characters.
    for (const s of strings) expect(s).not.toContain(idNumber.slice(6, 14));
    for (const s of masked) expect(s).not.toContain(idNumber.slice(-4));
    const maskedStudentNumbers = masked.filter((s) => /^[GJL]/.test(s));
    const maskedIdNumbers = masked.filter((s) => !/^[GJL]/.test(s));
    expect(maskedIdNumbers.length, "the role reads the masked number").toBeGreaterThan(0);
    const observed: Observed = {
      birthDate: child.birthDate,
      sex: child.sex,
      province: "33",
      maskedIdNumbers,
      maskedStudentNumbers,
    };
    expect(candidatesLeft(observed)).toBeGreaterThanOrEqual(ENOUGH);
  });
});
