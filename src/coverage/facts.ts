import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import type { IsoDate } from "../domain/dates.ts";
import { isNeedyCategory, type NeedyCategory } from "../domain/insurance-policy.ts";
import { deriveCoverageFacts, validIdNumbersOf } from "./derive-facts.ts";
import { noLinkedRecords, type LinkedRecords } from "./linked-records.ts";
import type { CoverageFacts, EnrollmentFact } from "./types.ts";

/**
 * Children per round trip. Two statements per batch whatever its size; the batch bounds the
 * size of the array parameters and of the rows held in memory at once.
 */
export const FACTS_BATCH_SIZE = 2_000;

/**
 * The coverage facts of each child, from its currently linked department records, as of a
 * date. A child with no linked record (or not in the index) is missing from the map.
 * Two statements per batch of `FACTS_BATCH_SIZE` children: every linked record, then the
 * medical-assistance eligibility under the ID numbers those records carry.
 *
 *   const facts = await loadCoverageFacts(db, [1, 2, 3], "2026-06-30");
 *   assessCoverage(facts.get(1)!, "2026-06-30", policy);
 */
export async function loadCoverageFacts(
  db: Db,
  childIds: readonly number[],
  asOf: IsoDate,
): Promise<Map<number, CoverageFacts>> {
  const facts = new Map<number, CoverageFacts>();
  for (let i = 0; i < childIds.length; i += FACTS_BATCH_SIZE) {
    const records = await loadLinkedRecords(db, childIds.slice(i, i + FACTS_BATCH_SIZE));
    for (const [childId, linked] of records) {
      const derived = deriveCoverageFacts(linked, asOf);
      if (derived) facts.set(childId, derived);
    }
  }
  return facts;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** One batch: every linked record of the children (one statement), then their eligibility (one more). */
export async function loadLinkedRecords(db: Db, childIds: readonly number[]): Promise<Map<number, LinkedRecords>> {
  const byChild = new Map<number, Mutable<LinkedRecords>>();
  if (childIds.length === 0) return byChild;
  const rows = await queryRows<{ child_id: number | string; source: string; record: Record<string, unknown> | string }>(
    db,
    linkedRecordsQuery(childIds),
  );
  for (const row of rows) {
    const childId = Number(row.child_id);
    let linked = byChild.get(childId);
    if (!linked) byChild.set(childId, (linked = noLinkedRecords() as Mutable<LinkedRecords>));
    addRecord(linked, row.source, typeof row.record === "string" ? JSON.parse(row.record) : row.record);
  }

  const idsByChild = new Map([...byChild].map(([childId, linked]) => [childId, validIdNumbersOf(linked)]));
  const idNumbers = [...new Set([...idsByChild.values()].flat())];
  if (idNumbers.length > 0) {
    const eligibility = await queryRows<{
      id_number: string;
      needy_category: string;
      valid_from: string;
      valid_until: string | null;
    }>(
      db,
      sql`select id_number, needy_category, valid_from::text, valid_until::text from insurance.assistance_eligibility where id_number = any(${sql.param(idNumbers)}::text[])`,
    );
    const byIdNumber = new Map<string, typeof eligibility>();
    for (const e of eligibility)
      if (isNeedyCategory(e.needy_category)) byIdNumber.set(e.id_number, [...(byIdNumber.get(e.id_number) ?? []), e]);
    for (const [childId, ids] of idsByChild) {
      byChild.get(childId)!.assistance = ids.flatMap((id) =>
        (byIdNumber.get(id) ?? []).map((e) => ({
          idNumber: id,
          needyCategory: e.needy_category as NeedyCategory,
          validFrom: e.valid_from,
          validUntil: e.valid_until,
        })),
      );
    }
  }
  return byChild;
}

/**
 * Every current link's record, one JSON object per record shaped like `LinkedRecords`' entries,
 * in the style of the hub's `identityClaims`: one CTE of links, one branch per source.
 * Dates travel as ISO text (json_build_object writes a date as "2026-06-30").
 */
function linkedRecordsQuery(childIds: readonly number[]) {
  const ids = sql`${sql.param([...childIds])}::bigint[]`;
  return sql`
    with l as (select child_id, source, record_id from hub.links where unlinked_at is null and child_id = any(${ids}))
    select l.child_id, l.source, json_build_object('idNumber', p.id_number, 'birthDate', p.birth_date, 'hukouRegionCode', trim(p.hukou_region_code)) as record
      from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
    union all
    select l.child_id, l.source, json_build_object('birthDate', b.birth_date)
      from l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id
    union all
    select l.child_id, l.source, json_build_object(
        'recordId', i.record_id, 'idNumber', i.id_number, 'birthDate', i.birth_date, 'siteRegionCode', trim(vs.region_code),
        'lastDoseOn', (select max(d.given_on) from health.immunization_doses d where d.immunization_record_id = i.record_id))
      from l join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id
      left join health.vaccination_sites vs on vs.site_code = i.site_code
    union all
    select l.child_id, l.source, json_build_object(
        'idNumber', c.patient_id_number, 'birthDate', c.patient_birth_date, 'doctorCode', c.doctor_code, 'status', c.status,
        'signedOn', c.signed_on, 'validUntil', c.valid_until)
      from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
    union all
    select l.child_id, l.source, json_build_object(
        'idNumber', s.id_number, 'studentNumber', s.student_number, 'birthDate', s.birth_date, 'schoolCode', s.school_code,
        'schoolRegionCode', trim(sc.region_code), 'status', s.status, 'schoolYear', s.school_year)
      from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
      left join education.schools sc on sc.school_code = s.school_code
    union all
    select l.child_id, l.source, json_build_object(
        'idNumber', e.id_number, 'birthDate', e.birth_date, 'areaCode', trim(e.area_code), 'coverageYear', e.coverage_year, 'status', e.status,
        'enrolledOn', e.enrolled_on, 'paidOn', e.paid_on,
        'payers', coalesce((select json_agg(distinct co.payer_kind) from insurance.contributions co where co.enrollment_record_id = e.record_id), '[]'::json),
        'assistanceCategories', coalesce((select json_agg(distinct co.needy_category) from insurance.contributions co
          where co.enrollment_record_id = e.record_id and co.payer_kind = 'MEDICAL_ASSISTANCE' and co.needy_category is not null), '[]'::json))
      from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id`;
}

function addRecord(linked: Mutable<LinkedRecords>, source: string, r: Record<string, unknown>): void {
  // Nullable and required text fields of the JSON object the query built for this source.
  const text = (key: string) => (r[key] ?? null) as string | null;
  const str = (key: string) => String(r[key]);
  switch (source) {
    case "household.person":
      linked.persons.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        hukouRegionCode: str("hukouRegionCode"),
      });
      return;
    case "health.birth_certificate":
      linked.birthCertificates.push({ birthDate: str("birthDate") });
      return;
    case "health.immunization_record":
      linked.immunizations.push({
        recordId: str("recordId"),
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        siteRegionCode: text("siteRegionCode"),
        lastDoseOn: text("lastDoseOn"),
      });
      return;
    case "health.doctor_contract":
      linked.doctorContracts.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        doctorCode: str("doctorCode"),
        status: str("status"),
        signedOn: str("signedOn"),
        validUntil: str("validUntil"),
      });
      return;
    case "education.student":
      linked.students.push({
        idNumber: text("idNumber"),
        studentNumber: str("studentNumber"),
        birthDate: str("birthDate"),
        schoolCode: str("schoolCode"),
        schoolRegionCode: text("schoolRegionCode"),
        status: str("status"),
        schoolYear: Number(r.schoolYear),
      });
      return;
    case "insurance.enrollment":
      linked.enrollments.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        areaCode: str("areaCode"),
        coverageYear: Number(r.coverageYear),
        status: r.status as EnrollmentFact["status"],
        enrolledOn: str("enrolledOn"),
        paidOn: text("paidOn"),
        payers: r.payers as EnrollmentFact["payers"],
        assistanceCategories: (r.assistanceCategories as string[]).filter(isNeedyCategory),
      });
      return;
    default:
      // A source coverage does not read (none today): ignored, not an error.
      return;
  }
}

// The status table's store imports the policy loader from here, beside the facts it goes with.
export { loadCoveragePolicy } from "./load-policy.ts";
