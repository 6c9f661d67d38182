import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { carriedFacetsReach, facetMatchOf } from "../../src/access/rows/facets.ts";
import { createRowAccess, type RowAccess } from "../../src/access/rows/row-access.ts";
import { rowFilterFor } from "../../src/access/rows/scopes.ts";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { createEducationLoaders } from "../../src/subgraphs/education/loaders.ts";
import { createHealthLoaders } from "../../src/subgraphs/health/loaders.ts";
import { createHouseholdLoaders } from "../../src/subgraphs/household/loaders.ts";
import { createInsuranceLoaders } from "../../src/subgraphs/insurance/loaders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";

/**
 * The row access object (src/access/rows/row-access.ts) as the subgraphs' loaders apply it to
 * containers. A container whose records settle the rows by themselves (a school administrator's
 * roster) is read as it is; any other is read with the rows a condition of its statement, or
 * checked in its batch function. Both ways must keep exactly the children the batched check
 * (`canSee`) lets through, so each loader is read here by a viewer the container does not
 * settle (a household officer: registration, not schools or doctors or insurance areas, makes a
 * child theirs) and compared with the same container read whole and filtered by that check.
 */

const viewer = (role: AuthenticatedViewer["role"], scope: AuthenticatedViewer["scope"]): AuthenticatedViewer => ({
  subject: `test-${role}`,
  role,
  scope,
});

describe("what a container's records carry", () => {
  it("settles the rows when a carried facet is one the viewer's rows are made of, with a matching code", () => {
    const admin = facetMatchOf(rowFilterFor(viewer("school_admin", { schools: ["2330106101"] })));
    expect(carriedFacetsReach(admin, { school: "2330106101", school_region: "330106" })).toBe(true);
    expect(carriedFacetsReach(admin, { school: "2330106102", school_region: "330106" })).toBe(false);
    const officer = facetMatchOf(rowFilterFor(viewer("education_officer", { region: "3301" })));
    expect(carriedFacetsReach(officer, { school: "2330106101", school_region: "330106" })).toBe(true);
    expect(carriedFacetsReach(officer, { student_record_region: "330106" })).toBe(false);
    const household = facetMatchOf(rowFilterFor(viewer("household_officer", { region: "3301" })));
    expect(carriedFacetsReach(household, { doctor: "D3301060001", doctor_region: "330106" })).toBe(false);
  });

  it("settles nothing for a viewer without rows", () => {
    const analyst = facetMatchOf(rowFilterFor(viewer("analyst", { region: "33" })));
    expect(carriedFacetsReach(analyst, { insurance_area: "330100" })).toBe(false);
  });
});

describe.each(ENGINES)("containers read under rows they do not settle, on %s", (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 600, seed: 23, asOf: "2026-06-30" });
    await linkFromTruth(database.db);
  }, 180_000);
  afterAll(async () => database?.close());

  const rowsOf = (v: AuthenticatedViewer): RowAccess => createRowAccess(database.db, v);
  /** Children of `ids` the viewer's batched check lets through. */
  const allowed = async (rows: RowAccess, ids: readonly (number | null | undefined)[]) =>
    new Set(await rows.visible([...new Set(ids.filter((id): id is number => typeof id === "number"))]));
  const keep = (inRows: Set<number>) => (childId: number | null | undefined) =>
    childId === null || childId === undefined || inRows.has(childId);

  /** A county whose households, schools, doctors hold children registered elsewhere, and its prefecture. */
  async function countyWithStrangers(): Promise<{ county: string; school: string; year: number }> {
    const [row] = await queryRows<{ county: string; school: string; year: number }>(
      database.db,
      sql`select sc.region_code::text as county, s.school_code as school, s.school_year as year
            from education.student_registrations s join education.schools sc on sc.school_code = s.school_code
            join hub.links l on l.source = 'education.student' and l.record_id = s.record_id and l.unlinked_at is null
           where s.status = 'ENROLLED' and not exists (
             select 1 from hub.links h
               join household.persons p on h.source = 'household.person' and p.record_id = h.record_id
              where h.child_id = l.child_id and h.unlinked_at is null
                and (p.hukou_region_code = sc.region_code or p.residence_region_code = sc.region_code))
           group by 1, 2, 3 order by count(*) desc, 2 limit 1`,
    );
    expect(row, "a school with a student registered outside its county").toBeDefined();
    return { county: row!.county.trim(), school: row!.school, year: Number(row!.year) };
  }

  it("lists and counts a school's students under the rows, as the batched check would", async () => {
    const { county, school, year } = await countyWithStrangers();
    const place = { code: school, regionCode: county };
    const key = { school: place, schoolYear: year, after: null, limit: 500 };
    const whole = await createEducationLoaders(
      database.db,
      rowsOf(viewer("school_admin", { schools: [school] })),
    ).roster.load(key);
    const household = rowsOf(viewer("household_officer", { region: county }));
    const loaders = createEducationLoaders(database.db, household);
    const [page, count] = await Promise.all([
      loaders.roster.load(key),
      loaders.studentCount.load({ school: place, schoolYear: year }),
    ]);
    const inRows = await allowed(
      household,
      whole!.rows.map((r) => r.childId),
    );
    const expected = whole!.rows.filter((r) => keep(inRows)(r.childId)).map((r) => r.recordId);
    expect(page!.rows.map((r) => r.recordId)).toEqual(expected);
    expect(expected.length).toBeLessThan(whole!.rows.length);
    expect(count).toBe(expected.length);
  });

  it("answers a student number only inside the rows", async () => {
    const { county, school, year } = await countyWithStrangers();
    const registrations = await queryRows<{ student_number: string }>(
      database.db,
      sql`select student_number from education.student_registrations
           where school_code = ${school} and school_year = ${year} and status = 'ENROLLED' order by id`,
    );
    const household = rowsOf(viewer("household_officer", { region: county }));
    const system = createEducationLoaders(
      database.db,
      rowsOf(viewer("department_system", { region: "33", department: "education" })),
    );
    const numbers = registrations.map((r) => r.student_number);
    const whole = await system.registrationByStudentNumber.loadMany(numbers);
    const scoped = await createEducationLoaders(database.db, household).registrationByStudentNumber.loadMany(numbers);
    const inRows = await allowed(
      household,
      whole.map((r) => (r instanceof Error ? null : r?.childId)),
    );
    const expected = whole.map((r) =>
      r instanceof Error || r === null || !keep(inRows)(r.childId) ? null : r.recordId,
    );
    expect(scoped.map((r) => (r instanceof Error || r === null ? null : r.recordId))).toEqual(expected);
    expect(expected.filter((r) => r === null).length).toBeGreaterThan(0);
  });

  it("lists a doctor's patients and a household's members under the rows, as the batched check would", async () => {
    const [doctor] = await queryRows<{ code: string; region: string }>(
      database.db,
      sql`select d.doctor_code as code, d.region_code::text as region from health.family_doctors d
            join health.doctor_contracts c on c.doctor_code = d.doctor_code and c.status = 'ACTIVE'
           group by 1, 2 order by count(*) desc, 1 limit 1`,
    );
    const place = { code: doctor!.code, regionCode: doctor!.region.trim() };
    const key = { doctor: place, after: 0, take: 500 };
    const whole = await createHealthLoaders(
      database.db,
      rowsOf(viewer("family_doctor", { doctor: place.code })),
    ).patientsOfDoctor.load(key);
    const household = rowsOf(viewer("household_officer", { region: place.regionCode }));
    const patients = await createHealthLoaders(database.db, household).patientsOfDoctor.load(key);
    const inRows = await allowed(
      household,
      whole!.map((p) => p.childId),
    );
    expect(patients!.map((p) => p.contract.recordId)).toEqual(
      whole!.filter((p) => keep(inRows)(p.childId)).map((p) => p.contract.recordId),
    );
    expect(patients!.length).toBeLessThan(whole!.length);

    // Households anywhere: the members loader keeps a member by its child alone (the household's own place is
    // the household loader's to check), so members of other counties' households are what it must leave out.
    const numbers = await queryRows<{ household_number: string }>(
      database.db,
      sql`select household_number from household.households order by md5(household_number) limit 200`,
    );
    const system = rowsOf(viewer("department_system", { region: "33", department: "household" }));
    const all = await createHouseholdLoaders(database.db, system).members.loadMany(
      numbers.map((n) => n.household_number),
    );
    const officer = rowsOf(viewer("household_officer", { region: place.regionCode }));
    const scoped = await createHouseholdLoaders(database.db, officer).members.loadMany(
      numbers.map((n) => n.household_number),
    );
    const members = all.flatMap((m) => (m instanceof Error ? [] : m));
    const inOfficersRows = await allowed(
      officer,
      members.map((m) => m.childId),
    );
    expect(members.filter((m) => !keep(inOfficersRows)(m.childId)).length).toBeGreaterThan(0);
    expect(scoped.map((m) => (m instanceof Error ? [] : m.map((p) => p.recordId)))).toEqual(
      all.map((m) =>
        m instanceof Error ? [] : m.filter((p) => keep(inOfficersRows)(p.childId)).map((p) => p.recordId),
      ),
    );
  });

  it("lists, counts and finds an area's enrollments under the rows, as the batched check would", async () => {
    const [area] = await queryRows<{ code: string; year: number }>(
      database.db,
      sql`select area_code::text as code, coverage_year as year from insurance.enrollments group by 1, 2
           order by count(*) desc, 1 limit 1`,
    );
    const areaCode = area!.code.trim();
    const key = { areaCode, coverageYear: Number(area!.year), afterId: 0, limit: 1_000 };
    const system = createInsuranceLoaders(
      database.db,
      rowsOf(viewer("department_system", { region: "33", department: "insurance" })),
    );
    const whole = await system.areaEnrollments.load(key);
    const household = rowsOf(viewer("household_officer", { region: areaCode.slice(0, 4) }));
    const loaders = createInsuranceLoaders(database.db, household);
    const [page, count] = await Promise.all([
      loaders.areaEnrollments.load(key),
      loaders.activeEnrollmentCount.load(key),
    ]);
    const inRows = await allowed(
      household,
      whole!.map((e) => e.childId),
    );
    const expected = whole!.filter((e) => keep(inRows)(e.childId));
    expect(page!.map((e) => e.recordId)).toEqual(expected.map((e) => e.recordId));
    expect(count).toBe(expected.filter((e) => e.status === "ACTIVE").length);
    expect(expected.length).toBeLessThan(whole!.length);

    const idNumbers = [...new Set(whole!.flatMap((e) => (e.idNumber ? [e.idNumber] : [])))].slice(0, 300);
    const byIdNumber = await loaders.enrollmentsByIdNumber.loadMany(idNumbers);
    const allById = await system.enrollmentsByIdNumber.loadMany(idNumbers);
    const all = allById.flatMap((rows) => (rows instanceof Error ? [] : rows));
    const inRowsById = await allowed(
      household,
      all.map((e) => e.childId),
    );
    expect(byIdNumber.map((rows) => (rows instanceof Error ? [] : rows.map((e) => e.recordId)))).toEqual(
      allById.map((rows) =>
        rows instanceof Error
          ? []
          : rows
              .filter((e) => e.areaCode.startsWith(areaCode.slice(0, 4)) && keep(inRowsById)(e.childId))
              .map((e) => e.recordId),
      ),
    );
  });
});
