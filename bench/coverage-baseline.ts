import { sql, type SQL } from "drizzle-orm";
import { schoolYearOf } from "../src/coverage/derive-facts.ts";
import { queryRows, type Db } from "../src/db/client.ts";
import { yearOf, type IsoDate } from "../src/domain/dates.ts";
import { provinces } from "../src/domain/division-codes.ts";

/** Children and insured children of one group (a prefecture). */
export interface Figures {
  key: string;
  children: number;
  insured: number;
}

/**
 * The province's children and insured children per prefecture, as ONE statement over the
 * departments' raw tables and hub.links, written as an analyst would who knows the rules
 * (src/coverage/derive-facts.ts and rules.ts), without the snapshot:
 *
 * - a child = an ACTIVE hub child with a current link; its birth date is the one most of its
 *   records agree on (ties: household, birth certificate, insurance, doctor, school,
 *   immunization); aged 0–17 on the as-of date;
 * - residence = the region of its current school (ENROLLED in the school year of the as-of
 *   date; the lowest school code if several), else of its residence permit (the registry's
 *   residence region), else of the vaccination site of its file with the latest dose (none if the
 *   latest files are at different regions), else for a child under one the region of its birth
 *   certificate, else the hukou region (the household registry's, else the region of its most
 *   common valid ID number), else the birth certificate's region;
 * - insured = an ACTIVE enrollment for the coverage year, enrolled and paid by the as-of date.
 *
 * Known approximations (they can only move a child whose records disagree): ties between
 * equally common birth dates, hukou regions or ID numbers within one source are broken by the
 * smaller value here, by record order in the engine.
 */
export async function handWritten(db: Db, asOf: IsoDate): Promise<Figures[]> {
  const rows = await queryRows<{ key: string; children: number; insured: number }>(db, handWrittenQuery(asOf));
  return rows.map((r) => ({ key: String(r.key), children: Number(r.children), insured: Number(r.insured) }));
}

// As parseIdNumber: a province-level code, or 83 (residence permits of Taiwan residents).
const provinceDigits = [...provinces().map((p) => p.code.slice(0, 2)), "83"];

/** The statement of `handWritten`, for EXPLAIN. */
export function handWrittenQuery(asOf: IsoDate): SQL {
  const year = yearOf(asOf);
  const schoolYear = schoolYearOf(asOf);
  return sql`
    with l as not materialized (
      select l.child_id, l.source, l.record_id from hub.links l
        join hub.children c on c.id = l.child_id and c.state = 'ACTIVE'
       where l.unlinked_at is null
    ), rec as materialized (
      select l.child_id, 1 as src, p.birth_date, p.id_number as id, null::text as id2,
             trim(p.hukou_region_code) as hukou, null::text as school_code, null::text as school_region,
             null::text as site_region, null::date as last_dose, false as insuring,
             trim(p.residence_region_code) as place
        from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
      union all
      select l.child_id, 2, b.birth_date, null, null, null, null, null, null, null, false, trim(b.region_code)
        from l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id
      union all
      select l.child_id, 3, e.birth_date, e.id_number, null, null, null, null, null, null,
             e.coverage_year = ${year} and e.status = 'ACTIVE'
               and e.enrolled_on <= ${asOf}::date and e.paid_on <= ${asOf}::date, null
        from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id
      union all
      select l.child_id, 4, c.patient_birth_date, c.patient_id_number, null, null, null, null, null, null, false, null
        from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
      union all
      select l.child_id, 5, s.birth_date, s.id_number,
             case when s.student_number like 'G%' then substr(s.student_number, 2) end, null,
             case when s.status = 'ENROLLED' and s.school_year = ${schoolYear} then s.school_code end,
             trim(sc.region_code), null, null, false, null
        from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
        left join education.schools sc on sc.school_code = s.school_code
      union all
      select l.child_id, 6, i.birth_date, i.id_number, null, null, null, null, trim(vs.region_code),
             (select max(d.given_on) from health.immunization_doses d where d.immunization_record_id = i.record_id),
             false, null
        from l join health.immunization_records i
          on l.source = 'health.immunization_record' and i.record_id = l.record_id
        left join health.vaccination_sites vs on vs.site_code = i.site_code
    ), birth as (
      select distinct on (child_id) child_id, birth_date
        from (select child_id, birth_date, count(*) as n, min(src) as first_src from rec group by 1, 2) v
        order by child_id, n desc, first_src, birth_date
    ), school as (
      select distinct on (child_id) child_id, school_region from rec
       where school_code is not null order by child_id, school_code
    ), vaccination as (
      select child_id, case when count(distinct site_region) = 1 then min(site_region) end as region
        from (select child_id, site_region, last_dose, max(last_dose) over (partition by child_id) as latest
                from rec where src = 6 and site_region is not null) f
        where last_dose is not distinct from latest group by child_id
    ), permit as (
      select distinct on (child_id) child_id, place
        from (select child_id, place, count(*) as n from rec where src = 1 and place is not null group by 1, 2) p
        order by child_id, n desc, place
    ), birth_place as (
      select distinct on (child_id) child_id, place
        from (select child_id, place, count(*) as n from rec where src = 2 and place is not null group by 1, 2) p
        order by child_id, n desc, place
    ), registered as (
      select distinct on (child_id) child_id, hukou
        from (select child_id, hukou, count(*) as n from rec where hukou is not null group by 1, 2) h
        order by child_id, n desc, hukou
    ), ids as materialized (
      -- Grouped before normalising and validating: each distinct number is checked once.
      select child_id, upper(trim(normalize(id, NFKC))) as id, sum(n) as n, min(first_src) as first_src
        from (select child_id, id, count(*) as n, min(src) as first_src
                from (select child_id, src, id from rec where id is not null
                      union all select child_id, src, id2 from rec where id2 is not null) raw
               group by 1, 2) r
       group by 1, 2
    ), valid_id as (
      select distinct on (child_id) child_id, id
        from (select child_id, id, n, first_src from ids
               where id ~ '^[0-9]{17}[0-9X]$' and left(id, 2) = any(${sql.param(provinceDigits)}::text[])
                 and case when substr(id, 11, 2)::int between 1 and 12 and left(substr(id, 7, 8), 4)::int >= 1900
                          then substr(id, 13, 2)::int between 1 and extract(day from make_date(
                                 substr(id, 7, 4)::int, substr(id, 11, 2)::int, 1) + interval '1 month - 1 day')
                          else false end
                 and substr('10X98765432', ((
                       substr(id, 1, 1)::int * 7 + substr(id, 2, 1)::int * 9
                     + substr(id, 3, 1)::int * 10 + substr(id, 4, 1)::int * 5
                     + substr(id, 5, 1)::int * 8 + substr(id, 6, 1)::int * 4
                     + substr(id, 7, 1)::int * 2 + substr(id, 8, 1)::int * 1
                     + substr(id, 9, 1)::int * 6 + substr(id, 10, 1)::int * 3
                     + substr(id, 11, 1)::int * 7 + substr(id, 12, 1)::int * 9
                     + substr(id, 13, 1)::int * 10 + substr(id, 14, 1)::int * 5
                     + substr(id, 15, 1)::int * 8 + substr(id, 16, 1)::int * 4
                     + substr(id, 17, 1)::int * 2) % 11) + 1, 1) = substr(id, 18, 1)) v
        order by child_id, n desc, first_src, id
    ), child as (
      -- One row per child from a union of its facts, not a join of the fact CTEs: the planner
      -- has no statistics on a CTE's output, guesses 200 children, and a nested-loop join of
      -- those guesses is quadratic.
      select child_id, max(birth_date) as birth_date,
             coalesce(max(school_region), max(permit_region), max(vaccination_region),
                      case when max(birth_date) > ${asOf}::date - interval '1 year' then max(birth_region) end,
                      max(hukou), max(id_region), max(birth_region)) as residence,
             bool_or(insured) as insured
        from (
          select child_id, birth_date, null::text as school_region, null::text as permit_region,
                 null::text as vaccination_region, null::text as birth_region,
                 null::text as hukou, null::text as id_region, null::boolean as insured from birth
          union all select child_id, null, school_region, null, null, null, null, null, null from school
          union all select child_id, null, null, place, null, null, null, null, null from permit
          union all select child_id, null, null, null, region, null, null, null, null from vaccination
          union all select child_id, null, null, null, null, place, null, null, null from birth_place
          union all select child_id, null, null, null, null, null, hukou, null, null from registered
          union all select child_id, null, null, null, null, null, null, left(id, 6), null from valid_id
          union all select child_id, null, null, null, null, null, null, null, insuring from rec
        ) facts
       group by child_id
    )
    select left(residence, 4) || '00' as key, count(*)::int as children,
           count(*) filter (where insured)::int as insured
      from child
     where residence between '330000' and '339999'
       and birth_date <= ${asOf}::date and birth_date > ${asOf}::date - interval '18 years'
     group by 1 order by 1`;
}
