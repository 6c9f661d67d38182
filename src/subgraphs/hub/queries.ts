import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.ts";
import type { SourceKind } from "../../db/enums.ts";
import { withinRegion } from "../../db/region.ts";
import { children, links } from "../../db/tables/hub.ts";
import type { IdentityClaim } from "./identity.ts";

/** The hub reads every department's tables (it is the one subgraph allowed to): here, and only here. */

export async function activeChildIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  // One array parameter, not `in ($1, …, $500)`: a page's 500 ids parse and plan in a fraction of the time.
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`select c.id from hub.children c where c.id = any(${sql.param([...ids])}::bigint[]) and c.state = 'ACTIVE'`,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

export interface LinkRow {
  childId: number;
  source: string;
  recordId: string;
  rule: string;
  score: number | null;
  linkedAt: Date;
}

export async function currentLinks(db: Db, childIds: readonly number[]): Promise<LinkRow[]> {
  if (childIds.length === 0) return [];
  return db
    .select({
      childId: links.childId,
      source: links.source,
      recordId: links.recordId,
      rule: links.rule,
      score: links.score,
      linkedAt: links.linkedAt,
    })
    .from(links)
    .where(and(inArray(links.childId, [...childIds]), isNull(links.unlinkedAt)))
    .orderBy(asc(links.childId), asc(links.source), asc(links.recordId));
}

/** One statement for a whole batch of children: what each linked record says about identity. */
export async function identityClaims(
  db: Db,
  childIds: readonly number[],
): Promise<(IdentityClaim & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const ids = sql`${sql.param([...childIds])}::bigint[]`;
  const rows = await queryRows<{
    child_id: number | string;
    source: SourceKind;
    id_number: string | null;
    name: string | null;
    sex: string | null;
    birth_date: string | null;
    region_code: string | null;
  }>(
    db,
    sql`
    with l as (select child_id, source, record_id from hub.links where unlinked_at is null and child_id = any(${ids}))
    select l.child_id, l.source, p.id_number, p.name, p.sex, p.birth_date::text, p.hukou_region_code as region_code
      from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
    union all
    select l.child_id, l.source, s.id_number, s.name, s.sex, s.birth_date::text, case when s.status = 'ENROLLED' then sc.region_code end
      from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
      left join education.schools sc on sc.school_code = s.school_code
    union all
    select l.child_id, l.source, e.id_number, e.name, e.sex, e.birth_date::text, null
      from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id
    union all
    select l.child_id, l.source, c.patient_id_number, c.patient_name, c.patient_sex, c.patient_birth_date::text, null
      from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
    union all
    select l.child_id, l.source, i.id_number, i.child_name, i.sex, i.birth_date::text, vs.region_code
      from l join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id
      left join health.vaccination_sites vs on vs.site_code = i.site_code
    union all
    select l.child_id, l.source, null, b.child_name, b.sex, b.birth_date::text, b.region_code
      from l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id`,
  );
  return rows.map((r) => ({
    childId: Number(r.child_id),
    source: r.source,
    idNumber: r.id_number,
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    regionCode: r.region_code?.trim() ?? null,
  }));
}

/** Which active child a department identifier belongs to, through the current links. */
export async function childIdByIdentifier(
  db: Db,
  kind: "idNumber" | "birthCertificateNumber" | "studentNumber",
  value: string,
): Promise<number | null> {
  const query =
    kind === "idNumber"
      ? sql`
        select l.child_id from hub.links l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id where p.id_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id where e.id_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id where s.id_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id where c.patient_id_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id where i.id_number = ${value} and l.unlinked_at is null`
      : kind === "birthCertificateNumber"
        ? sql`
        select l.child_id from hub.links l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id where b.certificate_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id where e.birth_certificate_number = ${value} and l.unlinked_at is null
        union all select l.child_id from hub.links l join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id where i.birth_certificate_number = ${value} and l.unlinked_at is null`
        : sql`select l.child_id from hub.links l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id where s.student_number = ${value} and l.unlinked_at is null`;
  const rows = await queryRows<{ child_id: number | string }>(
    db,
    sql`select c.id as child_id from hub.children c where c.state = 'ACTIVE' and c.id in (${query}) order by c.id limit 1`,
  );
  return rows[0] ? Number(rows[0].child_id) : null;
}

/**
 * Children known to a region's departments (any linked record placing them there), in id
 * order for keyset pagination, among those `inScope` (the viewer's row scope on `l.child_id`).
 */
export async function childIdsInRegion(
  db: Db,
  prefix: string,
  afterId: number | null,
  limit: number,
  inScope: SQL,
): Promise<number[]> {
  const after = afterId ?? 0;
  const region = (column: string) => withinRegion(sql.raw(column), prefix);
  const rows = await queryRows<{ child_id: number | string }>(
    db,
    sql`
    select distinct l.child_id from hub.links l
    where l.unlinked_at is null and l.child_id > ${after} and l.child_id in (select id from hub.children where state = 'ACTIVE') and ${inScope} and (
      (l.source = 'household.person' and exists (select 1 from household.persons p where p.record_id = l.record_id and (${region("p.hukou_region_code")} or ${region("p.residence_region_code")})))
      or (l.source = 'education.student' and exists (select 1 from education.student_registrations s join education.schools sc on sc.school_code = s.school_code where s.record_id = l.record_id and ${region("sc.region_code")}))
      or (l.source = 'health.immunization_record' and exists (select 1 from health.immunization_records i join health.vaccination_sites vs on vs.site_code = i.site_code where i.record_id = l.record_id and ${region("vs.region_code")}))
      or (l.source = 'health.birth_certificate' and exists (select 1 from health.birth_certificates b where b.record_id = l.record_id and ${region("b.region_code")}))
      or (l.source = 'health.doctor_contract' and exists (select 1 from health.doctor_contracts c join health.family_doctors d on d.doctor_code = c.doctor_code where c.record_id = l.record_id and c.status = 'ACTIVE' and ${region("d.region_code")}))
      or (l.source = 'insurance.enrollment' and exists (select 1 from insurance.enrollments e where e.record_id = l.record_id and ${region("e.area_code")}))
    )
    order by l.child_id limit ${limit + 1}`,
  );
  return rows.map((r) => Number(r.child_id));
}
