import { sql } from "drizzle-orm";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { yearOf } from "../../src/domain/dates.ts";
import { assertSameAnswer } from "../kit/compare.ts";
import { bearer, dataOf, type BenchContext, type Scenario } from "../kit/context.ts";
import { say } from "../kit/log.ts";
import { startRssSampler } from "../kit/memory.ts";
import { ratio } from "../kit/stats.ts";
import { formatMs } from "../kit/table.ts";
import { timeInterleaved } from "../kit/timing.ts";
import { AUTHORITY_SQL, realNameSql, validIdSql } from "../kit/sql-identity.ts";

/** The family doctor's question: who is this patient, what vaccinations, which insurance, what gap. */
export const PATIENT_LOOKUP = `query PatientLookup($idNumber: String!, $asOf: Date!, $year: Int!) {
  childByIdNumber(idNumber: $idNumber) {
    id name sex birthDate idNumber
    immunizations { recordId site { code name } doses { vaccineCode vaccineName doseNumber givenOn } }
    insurance { enrollments(coverageYear: $year) { coverageYear status enrolledOn area { code name } } }
    coverage(asOf: $asOf) { status reasons deadline codeWindowEndsOn action }
  }
}`;

/**
 * The same answer by hand: one statement through node-postgres that finds the child by ID
 * number among the current links, applies the doctor's row scope (an ACTIVE contract with this
 * doctor, as hub.child_scope does), picks the identity as the hub does and builds the same JSON.
 * It writes no access-log row and checks no field rules: the gateway does both.
 */
export function patientLookupSql(): string {
  const claimId = `upper(btrim(normalize(id_number, NFKC)))`;
  return `
  with found as (
    select c.id from hub.children c where c.state = 'ACTIVE' and c.id in (
      select l.child_id from hub.links l
        join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
       where p.id_number = $1 and l.unlinked_at is null
      union all select l.child_id from hub.links l
        join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id
       where e.id_number = $1 and l.unlinked_at is null
      union all select l.child_id from hub.links l
        join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
       where s.id_number = $1 and l.unlinked_at is null
      union all select l.child_id from hub.links l
        join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
       where c.patient_id_number = $1 and l.unlinked_at is null
      union all select l.child_id from hub.links l
        join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id
       where i.id_number = $1 and l.unlinked_at is null)
    order by c.id limit 1
  ), child as (
    select f.id from found f
     where exists (select 1 from hub.links l join health.doctor_contracts dc on dc.record_id = l.record_id
                    where l.child_id = f.id and l.source = 'health.doctor_contract' and l.unlinked_at is null
                      and dc.status = 'ACTIVE' and dc.doctor_code = $2)
  ), l as (
    select l.child_id, l.source, l.record_id from hub.links l
      join child on child.id = l.child_id where l.unlinked_at is null
  ), claims as (
    select source, record_id, id_number, name, sex, birth_date from (
      select l.source, l.record_id, p.id_number, p.name, p.sex, p.birth_date
        from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
      union all select l.source, l.record_id, s.id_number, s.name, s.sex, s.birth_date
        from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
      union all select l.source, l.record_id, e.id_number, e.name, e.sex, e.birth_date
        from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id
      union all select l.source, l.record_id, c.patient_id_number, c.patient_name, c.patient_sex, c.patient_birth_date
        from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
      union all select l.source, l.record_id, i.id_number, i.child_name, i.sex, i.birth_date
        from l join health.immunization_records i
          on l.source = 'health.immunization_record' and i.record_id = l.record_id
      union all select l.source, l.record_id, null, b.child_name, b.sex, b.birth_date
        from l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id
    ) raw
  ), ranked as (
    select *, ${AUTHORITY_SQL} as authority, ${claimId} as clean_id from claims
  ), identity as (
    select
      (select clean_id from ranked where clean_id is not null and ${validIdSql("clean_id")}
        order by authority, record_id limit 1) as id_number,
      (select btrim(name) from ranked where ${realNameSql("name")} order by authority, record_id limit 1) as name,
      (select sex from ranked order by authority, record_id limit 1) as first_sex,
      (select birth_date::text from ranked order by authority, record_id limit 1) as first_birth
  )
  select json_build_object(
    'id', child.id::text,
    'name', identity.name,
    'sex', case when identity.id_number is not null
                then case when substr(identity.id_number, 17, 1)::int % 2 = 1 then 'M' else 'F' end
                when identity.first_sex in ('M', 'F') then identity.first_sex end,
    'birthDate', case when identity.id_number is not null
                      then to_char(to_date(substr(identity.id_number, 7, 8), 'YYYYMMDD'), 'YYYY-MM-DD')
                      else identity.first_birth end,
    'idNumber', identity.id_number,
    'immunizations', (
      select coalesce(json_agg(json_build_object(
        'recordId', i.record_id,
        'site', (select json_build_object('code', vs.site_code, 'name', vs.name)
                   from health.vaccination_sites vs where vs.site_code = i.site_code),
        'doses', (select coalesce(json_agg(json_build_object('vaccineCode', d.vaccine_code,
                                                             'vaccineName', d.vaccine_name,
                                                             'doseNumber', d.dose_number,
                                                             'givenOn', d.given_on)
                                           order by d.given_on, d.vaccine_code, d.dose_number, d.id), '[]')
                    from health.immunization_doses d where d.immunization_record_id = i.record_id)
      ) order by i.id), '[]')
      from l join health.immunization_records i
        on l.source = 'health.immunization_record' and i.record_id = l.record_id),
    -- null when no enrollment of any year is linked, as the insurance subgraph answers.
    'insurance', case when exists (select 1 from l where l.source = 'insurance.enrollment')
                 then json_build_object('enrollments', (
      select coalesce(json_agg(json_build_object(
                 'coverageYear', e.coverage_year, 'status', e.status, 'enrolledOn', e.enrolled_on,
                 'area', (select json_build_object('code', btrim(a.area_code), 'name', a.name)
                            from insurance.coordination_areas a where a.area_code = e.area_code))
               order by e.enrolled_on desc, e.id desc), '[]')
      from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id
      where e.coverage_year = $4)) end,
    'coverage', (select json_build_object('status', s.status, 'reasons', s.reasons, 'deadline', s.deadline,
                                          'codeWindowEndsOn', s.code_window_ends_on, 'action', s.action)
                   from hub.coverage_status s where s.as_of = $3 and s.child_id = child.id)
  ) as child
  from child, identity`;
}

export const patientLookup: Scenario = {
  name: "lookup",
  title: "1. family doctor looks up a patient",
  async run(context: BenchContext) {
    const { asOf } = context.options;
    const year = yearOf(asOf);
    // The doctor with the most active contracts, and up to 25 of their patients with an ID
    // number: the timed runs cycle through them, so no single row stays hot in every cache.
    const [doctor] = await queryRows<{ doctor_code: string }>(
      context.database.db,
      sql`select doctor_code from health.doctor_contracts where status = 'ACTIVE'
          group by 1 order by count(*) desc, 1 limit 1`,
    );
    if (!doctor) throw new Error("the province has no active family-doctor contract");
    const patients = (
      await queryRows<{ id: string }>(
        context.database.db,
        sql`select distinct patient_id_number as id from health.doctor_contracts
            where doctor_code = ${doctor.doctor_code} and status = 'ACTIVE' and patient_id_number is not null
            order by 1 limit 25`,
      )
    ).map((r) => r.id);
    const viewer: AuthenticatedViewer = {
      subject: "bench-family-doctor",
      role: "family_doctor",
      scope: { doctor: doctor.doctor_code },
    };
    const headers = await bearer(context, viewer);
    const text = patientLookupSql();

    const viaGateway = async (idNumber: string) =>
      dataOf("PatientLookup", await context.gateway.execute(PATIENT_LOOKUP, { idNumber, asOf, year }, headers))
        .childByIdNumber ?? null;
    const viaSql = async (idNumber: string) =>
      (await context.pool.query<{ child: unknown }>(text, [idNumber, doctor.doctor_code, asOf, year])).rows[0]?.child ??
      null;

    // The check first: every patient's answer, field by field.
    let found = 0;
    for (const idNumber of patients) {
      const [api, hand] = [await viaGateway(idNumber), await viaSql(idNumber)];
      assertSameAnswer(`patient ${idNumber}`, api, hand);
      if (api) found++;
    }
    if (found === 0) throw new Error(`none of doctor ${doctor.doctor_code}'s patients was found through the gateway`);
    say(
      `lookup: ${found} of ${patients.length} patients of doctor ${doctor.doctor_code} ` +
        "answer the same through the gateway and by SQL",
    );

    let next = 0;
    const patient = () => patients[next++ % patients.length]!;
    const memory = startRssSampler();
    const stats = await timeInterleaved(
      { sql: () => viaSql(patient()), gateway: () => viaGateway(patient()) },
      { runs: context.options.runs * 4, warmup: 10 },
    );
    const peak = memory.stop();
    const check = `✓ ${found} patients equal`;
    const scenario = "1 patient lookup (family doctor)";
    context.record({
      scenario,
      variant: "hand-written SQL (node-postgres, 1 statement)",
      runs: stats.sql.runs,
      median: stats.sql.median,
      p95: stats.sql.p95,
      throughput: `${stats.sql.throughput.toFixed(0)} /s`,
      peakRss: peak,
      ratio: 1,
      against: "baseline",
      check: "baseline",
    });
    context.record({
      scenario,
      variant: "gateway, in process",
      runs: stats.gateway.runs,
      median: stats.gateway.median,
      p95: stats.gateway.p95,
      throughput: `${stats.gateway.throughput.toFixed(0)} /s`,
      peakRss: peak,
      ratio: ratio(stats.gateway.median, stats.sql.median),
      against: "hand-written SQL",
      check,
    });
    context.note(
      "1: identity (picked as the hub does: ID validated, placeholder names skipped), immunizations with doses " +
        "and site, this year's enrollments with area, coverage; " +
        `${patients.length} patients of doctor ${doctor.doctor_code} in turn. ` +
        "The SQL applies the same row scope (an ACTIVE contract with the doctor) but writes no access-log row and " +
        "checks no field rules; the gateway verifies the token, plans, fetches from 4 in-process subgraphs (which " +
        "share its verified token and one row-scope check per child; subgraphs over HTTP verify and check on their " +
        "own), applies every field rule and writes one audit row. " +
        `Gateway median ${formatMs(stats.gateway.median)}.`,
    );
  },
};
