import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { parseIdNumber } from "../../src/domain/id-number.ts";
import { isKnownDivision } from "../../src/domain/division-codes.ts";
import { parseBirthCertificateNumber, parseStudentNumber } from "../../src/domain/identifiers.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

const AS_OF = "2026-06-30";
const CHILDREN = 10_000;

describe.each(ENGINES)("a generated province of 10,000 children on %s", (engine) => {
  let database: TestDatabase;
  const rows = <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text));
  const one = async <T extends Record<string, unknown>>(text: string) => (await rows<T>(text))[0]!;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: CHILDREN, seed: 2024, asOf: AS_OF });
  }, 180_000);
  afterAll(async () => database?.close());

  describe("rates", () => {
    it("has overall coverage between 92% and 96%", async () => {
      const { rate } = await one<{ rate: number }>(
        `select avg(case when status in ('INSURED','DUPLICATE') then 1.0 else 0 end)::float8 as rate
           from truth.children`,
      );
      expect(rate).toBeGreaterThanOrEqual(0.92);
      expect(rate).toBeLessThanOrEqual(0.96);
    });

    it("insures 75–85% of last year's newborns in their year of birth", async () => {
      const { rate, n } = await one<{ rate: number; n: number }>(`
        select count(*)::int as n, avg(case when exists (
          select 1 from truth.records r join insurance.enrollments e on e.record_id = r.record_id
          where r.child_key = c.child_key and r.source = 'insurance.enrollment'
            and e.coverage_year = 2025 and e.paid_on is not null and e.status = 'ACTIVE')
          then 1.0 else 0 end)::float8 as rate
        from truth.children c where c.birth_date between '2025-01-01' and '2025-12-31'`);
      expect(n).toBeGreaterThan(300);
      expect(rate).toBeGreaterThanOrEqual(0.75);
      expect(rate).toBeLessThanOrEqual(0.85);
    });

    it(
      "has every status, non-local and needy children, " + "newborns without ID numbers and twins at plausible rates",
      async () => {
        const statuses = Object.fromEntries(
          (
            await rows<{ status: string; n: number }>(
              `select status, count(*)::int as n from truth.children group by 1`,
            )
          ).map((r) => [r.status, r.n / CHILDREN]),
        );
        expect(statuses.INSURED).toBeGreaterThan(0.88);
        expect(statuses.DUPLICATE).toBeGreaterThan(0.004);
        expect(statuses.DUPLICATE).toBeLessThan(0.03);
        expect(statuses.LAPSED).toBeGreaterThan(0.01);
        expect(statuses.UNINSURED).toBeGreaterThan(0.005);
        expect(statuses.NEWBORN_IN_WINDOW).toBeGreaterThan(0);
        expect(statuses.NEWBORN_OVERDUE).toBeGreaterThan(0);
        const mix = await one<{ nonlocal: number; needy: number; no_id: number; twins: number; ages: number }>(`
        select avg(case when hukou_region_code not like '33%' then 1.0 else 0 end)::float8 as nonlocal,
               avg(case when needy_category is not null then 1.0 else 0 end)::float8 as needy,
               count(*) filter (where id_number is null)::int as no_id,
               count(*) filter (where twin_key is not null)::int as twins,
               count(distinct date_part('year', age('${AS_OF}'::date, birth_date)))::int as ages
        from truth.children`);
        expect(mix.nonlocal).toBeGreaterThan(0.1);
        expect(mix.nonlocal).toBeLessThan(0.2);
        expect(mix.needy).toBeGreaterThan(0.01);
        expect(mix.needy).toBeLessThan(0.05);
        expect(mix.no_id).toBeGreaterThan(50);
        expect(mix.twins).toBeGreaterThan(20);
        expect(mix.ages).toBe(18);
      },
    );
  });

  describe("the children the 2024 campaign targets, in the shares family.ts states", () => {
    it("has residence-permit children: non-local, with a household record naming where they live", async () => {
      const permits = await one<{ nonlocal: number; permit: number; consistent: number; placed: number }>(`
        select avg(case when c.hukou_region_code not like '33%' then 1.0 else 0 end)::float8 as nonlocal,
               avg(case when c.permit_region_code is not null then 1.0 else 0 end)::float8 as permit,
               (select count(*)::int from truth.children t
                 where t.permit_region_code is not null and t.permit_region_code <> t.living_region_code) as consistent,
               (select count(*)::int from household.persons p where p.registration_kind = 'RESIDENCE_PERMIT'
                  and p.residence_region_code like '33%' and p.hukou_region_code not like '33%') as placed
          from truth.children c`);
      // About 15% of the province's children are non-local, and about half of them hold a permit.
      expect(permits.nonlocal).toBeGreaterThan(0.12);
      expect(permits.nonlocal).toBeLessThan(0.18);
      expect(permits.permit / permits.nonlocal).toBeGreaterThan(0.45);
      expect(permits.permit / permits.nonlocal).toBeLessThan(0.65);
      // The permit names where the child lives; the registry holds one person record per permit child.
      expect(permits.consistent).toBe(0);
      expect(permits.placed).toBe(Math.round(permits.permit * CHILDREN));
    });

    it("has newborns known only by a birth certificate; the truth records each birthplace and permit", async () => {
      const newborns = await one<{ under_one: number; certificate_only: number; places: number; no_place: number }>(`
        select count(*)::int as under_one,
               count(*) filter (where id_number is null and birth_certificate_number is not null)::int
                 as certificate_only,
               count(*) filter (where birth_region_code is not null)::int as places,
               count(*) filter (where birth_certificate_number is not null and birth_region_code is null)::int
                 as no_place
          from truth.children where birth_date > '${AS_OF}'::date - interval '1 year'`);
      // Hukou registration takes weeks to months: about one newborn in six is known by its certificate alone.
      expect(newborns.certificate_only / newborns.under_one).toBeGreaterThan(0.1);
      expect(newborns.certificate_only / newborns.under_one).toBeLessThan(0.25);
      expect(newborns.places).toBeGreaterThan(newborns.under_one * 0.8);
      expect(newborns.no_place).toBe(0);
      const agree = await one<{ n: number }>(`
        select count(*)::int as n from truth.children c join truth.records r using (child_key)
          join health.birth_certificates b on b.record_id = r.record_id
         where c.birth_region_code is distinct from b.region_code`);
      expect(agree.n).toBe(0);
    });
  });

  describe("records", () => {
    it("gives every registered child a valid ID number that matches its birth date and sex", async () => {
      const children = await rows<{ id_number: string; birth_date: string; sex: string }>(
        `select id_number, birth_date::text, sex from truth.children where id_number is not null`,
      );
      expect(children.length).toBeGreaterThan(CHILDREN * 0.9);
      for (const child of children) {
        const parsed = parseIdNumber(child.id_number);
        expect(parsed.ok, child.id_number).toBe(true);
        if (parsed.ok) expect([parsed.value.birthDate, parsed.value.sex]).toEqual([child.birth_date, child.sex]);
      }
    });

    it("uses real division codes and well-formed identifiers", async () => {
      const regions = await rows<{ code: string }>(`
        select distinct region_code as code from education.schools
        union select distinct hukou_region_code from household.persons
        union select distinct area_code from insurance.enrollments`);
      for (const { code } of regions) expect(isKnownDivision(code), code).toBe(true);
      for (const { n } of await rows<{ n: string }>(`select certificate_number as n from health.birth_certificates`))
        expect(parseBirthCertificateNumber(n).ok, n).toBe(true);
      const numbers = await rows<{ n: string }>(`select student_number as n from education.student_registrations`);
      const kinds = new Set<string>();
      for (const { n } of numbers) {
        const parsed = parseStudentNumber(n);
        expect(parsed.ok, n).toBe(true);
        if (parsed.ok) kinds.add(parsed.value.kind);
      }
      expect([...kinds].sort()).toEqual(["G", "J", "L"]);
    });

    it("carries the noise real registries have", async () => {
      const noise = await one<{ variant_names: number; placeholders: number; bad_ids: number; phone_only: number }>(`
        select
          (select count(*)::int from health.immunization_records i
             join truth.records r on r.record_id = i.record_id join truth.children c using (child_key)
            where i.child_name <> c.name and i.child_name not like '%之子' and i.child_name not like '%之女'
              and i.child_name not in ('婴儿','男婴','女婴')) as variant_names,
          (select count(*)::int from health.birth_certificates
            where child_name like '%之_' or child_name in ('婴儿','男婴','女婴')) as placeholders,
          (select count(*)::int from education.student_registrations s
             join truth.records r on r.record_id = s.record_id join truth.children c using (child_key)
            where s.id_number is not null and s.id_number <> c.id_number) as bad_ids,
          (select count(*)::int from health.immunization_records
            where id_number is null and birth_certificate_number is null
              and guardian_phone is not null) as phone_only`);
      expect(noise.variant_names).toBeGreaterThan(50);
      expect(noise.placeholders).toBeGreaterThan(10);
      expect(noise.bad_ids).toBeGreaterThan(0);
      expect(noise.phone_only).toBeGreaterThan(500);
    });
  });

  describe("truth tables", () => {
    it("hold exactly one truth row per child and one per child record the departments hold", async () => {
      const counts = await one<Record<string, number>>(`
        select (select count(*)::int from truth.children) as children,
               (select count(*)::int from household.persons) as persons,
               (select count(*)::int from truth.records where source = 'household.person') as t_persons,
               (select count(*)::int from health.birth_certificates) as certificates,
               (select count(*)::int from truth.records where source = 'health.birth_certificate') as t_certificates,
               (select count(*)::int from health.immunization_records) as immunizations,
               (select count(*)::int from truth.records where source = 'health.immunization_record') as t_immunizations,
               (select count(*)::int from health.doctor_contracts) as contracts,
               (select count(*)::int from truth.records where source = 'health.doctor_contract') as t_contracts,
               (select count(*)::int from education.student_registrations) as students,
               (select count(*)::int from truth.records where source = 'education.student') as t_students,
               (select count(*)::int from insurance.enrollments) as enrollments,
               (select count(*)::int from truth.records where source = 'insurance.enrollment') as t_enrollments`);
      expect(counts.children).toBe(CHILDREN);
      for (const kind of ["persons", "certificates", "immunizations", "contracts", "students", "enrollments"]) {
        expect(counts[kind], kind).toBeGreaterThan(0);
        expect(counts[`t_${kind}`], kind).toBe(counts[kind]);
      }
    });

    it("point only at records that exist, of children that exist", async () => {
      const dangling = await one<{ n: number }>(`
        select count(*)::int as n from truth.records r
         where not exists (select 1 from truth.children c where c.child_key = r.child_key)
          or (r.source = 'household.person'
              and not exists (select 1 from household.persons x where x.record_id = r.record_id))
          or (r.source = 'health.birth_certificate'
              and not exists (select 1 from health.birth_certificates x where x.record_id = r.record_id))
          or (r.source = 'health.immunization_record'
              and not exists (select 1 from health.immunization_records x where x.record_id = r.record_id))
          or (r.source = 'health.doctor_contract'
              and not exists (select 1 from health.doctor_contracts x where x.record_id = r.record_id))
          or (r.source = 'education.student'
              and not exists (select 1 from education.student_registrations x where x.record_id = r.record_id))
          or (r.source = 'insurance.enrollment'
              and not exists (select 1 from insurance.enrollments x where x.record_id = r.record_id))`);
      expect(dangling.n).toBe(0);
    });

    it("agree with the identifiers on the linked records", async () => {
      const clash = await one<{ persons: number; certificates: number; enrollments: number }>(`
        select
          (select count(*)::int from household.persons p
             join truth.records r on r.record_id = p.record_id join truth.children c using (child_key)
            where p.id_number <> c.id_number) as persons,
          (select count(*)::int from health.birth_certificates b
             join truth.records r on r.record_id = b.record_id join truth.children c using (child_key)
            where b.certificate_number <> c.birth_certificate_number) as certificates,
          (select count(*)::int from insurance.enrollments e
             join truth.records r on r.record_id = e.record_id join truth.children c using (child_key)
            where e.id_number <> c.id_number or e.birth_date <> c.birth_date) as enrollments`);
      expect(clash).toEqual({ persons: 0, certificates: 0, enrollments: 0 });
    });

    it("state statuses the enrollment records bear out", async () => {
      const rowsByStatus = await rows<{ status: string; areas: number; paid_before: number; paid_ever: number }>(`
        select c.status,
          count(distinct e.area_code)
            filter (where e.coverage_year = 2026 and e.status = 'ACTIVE' and e.paid_on is not null)::int as areas,
          count(*) filter (where e.coverage_year < 2026 and e.paid_on is not null)::int as paid_before,
          count(*) filter (where e.paid_on is not null)::int as paid_ever
        from truth.children c
        left join truth.records r on r.child_key = c.child_key and r.source = 'insurance.enrollment'
        left join insurance.enrollments e on e.record_id = r.record_id
        group by c.child_key, c.status`);
      for (const row of rowsByStatus) {
        const expected =
          row.areas >= 2
            ? "DUPLICATE"
            : row.areas === 1
              ? "INSURED"
              : row.paid_before > 0
                ? "LAPSED"
                : ["NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE", "UNINSURED"].includes(row.status)
                  ? row.status
                  : "not a gap status";
        expect(row.status).toBe(expected);
        if (["UNINSURED", "NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE"].includes(row.status)) expect(row.paid_ever).toBe(0);
      }
    });
  });
});
