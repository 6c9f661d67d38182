import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.ts";
import { withinRegion } from "../../db/region.ts";
import { links } from "../../db/tables/hub.ts";
import { schools, studentRegistrations } from "../../db/tables/education.ts";

export type SchoolRow = typeof schools.$inferSelect;
export type RegistrationRow = Pick<
  typeof studentRegistrations.$inferSelect,
  | "id"
  | "recordId"
  | "studentNumber"
  | "name"
  | "sex"
  | "birthDate"
  | "schoolCode"
  | "grade"
  | "className"
  | "schoolYear"
  | "status"
  | "guardianPhone"
> & {
  /** The master child the registration is currently linked to; null while unlinked. */
  childId: number | null;
};

/** The link table's name for a student registration. */
const SOURCE = "education.student";

const registrationColumns = {
  id: studentRegistrations.id,
  recordId: studentRegistrations.recordId,
  studentNumber: studentRegistrations.studentNumber,
  name: studentRegistrations.name,
  sex: studentRegistrations.sex,
  birthDate: studentRegistrations.birthDate,
  schoolCode: studentRegistrations.schoolCode,
  grade: studentRegistrations.grade,
  className: studentRegistrations.className,
  schoolYear: studentRegistrations.schoolYear,
  status: studentRegistrations.status,
  guardianPhone: studentRegistrations.guardianPhone,
};

/**
 * The registrations linked to each child, newest school year first, those `shown` keeps (the
 * viewer's condition on a record's id, `RowAccess.recordCondition`, or null for all). A
 * department reads its own tables plus the hub's link table (the one shared table), never
 * another department's.
 */
export async function registrationsByChild(
  db: Db,
  childIds: readonly number[],
  shown: (recordId: SQL) => SQL | null = () => null,
): Promise<(RegistrationRow & { childId: number })[]> {
  if (childIds.length === 0) return [];
  return db
    .select({ ...registrationColumns, childId: links.childId })
    .from(links)
    .innerJoin(studentRegistrations, eq(studentRegistrations.recordId, links.recordId))
    .where(
      and(
        eq(links.source, SOURCE),
        isNull(links.unlinkedAt),
        inArray(links.childId, [...childIds]),
        shown(sql`${studentRegistrations.recordId}`) ?? undefined,
      ),
    )
    .orderBy(desc(studentRegistrations.schoolYear), desc(studentRegistrations.id));
}

/**
 * The latest registration under each of these student numbers (newest school year, then latest
 * id), with its linked child, when it is inside the viewer's scope: its school's place
 * (`inPlace`, on the school's code and county) and its child (`inRows`, on the linked child id,
 * NULL while unlinked). One statement, the checks folded in, so a number whose registration lies
 * outside the scope costs exactly what a number nobody holds costs (#18.12). A registration at a
 * school the table does not know has no place: outside.
 */
export async function latestRegistrationsInScope(
  db: Db,
  numbers: readonly string[],
  inPlace: (school: { code: SQL; regionCode: SQL }) => SQL,
  inRows: (childId: SQL) => SQL,
): Promise<RegistrationRow[]> {
  if (numbers.length === 0) return [];
  const rows = await queryRows<RegistrationSqlRow & { id: number | string }>(
    db,
    sql`select r.id, r.record_id, r.student_number, r.name, r.sex, r.birth_date::text as birth_date, r.school_code,
          r.grade, r.class_name, r.school_year, r.status, r.guardian_phone, l.child_id
        from (select distinct on (x.student_number) x.* from ${studentRegistrations} x
               where x.student_number = any(${sql.param([...numbers])}::text[])
               order by x.student_number, x.school_year desc, x.id desc) r
        left join ${schools} sc on sc.school_code = r.school_code
        left join hub.links l on l.source = ${SOURCE} and l.record_id = r.record_id and l.unlinked_at is null
        where ${inPlace({ code: sql`sc.school_code`, regionCode: sql`sc.region_code` })}
          and ${inRows(sql`l.child_id`)}`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    recordId: row.record_id,
    studentNumber: row.student_number,
    name: row.name,
    sex: row.sex,
    birthDate: row.birth_date,
    schoolCode: row.school_code,
    grade: Number(row.grade),
    className: row.class_name,
    schoolYear: Number(row.school_year),
    status: row.status,
    guardianPhone: row.guardian_phone,
    childId: row.child_id === null ? null : Number(row.child_id),
  }));
}

export async function schoolsByCode(db: Db, codes: readonly string[]): Promise<SchoolRow[]> {
  if (codes.length === 0) return [];
  return db
    .select()
    .from(schools)
    .where(inArray(schools.schoolCode, [...codes]));
}

/** Schools of a region in code order, `limit + 1` of them after `afterCode` (keyset pagination). */
export async function schoolsInRegion(
  db: Db,
  prefix: string,
  afterCode: string | null,
  limit: number,
): Promise<SchoolRow[]> {
  return db
    .select()
    .from(schools)
    .where(
      and(withinRegion(schools.regionCode, prefix), afterCode === null ? undefined : gt(schools.schoolCode, afterCode)),
    )
    .orderBy(asc(schools.schoolCode))
    .limit(limit + 1);
}

/** Where a roster page starts: after this row in (grade, class, id) order. */
/** A registration as the statements below select it (snake_case, with its linked child). */
interface RegistrationSqlRow extends Record<string, unknown> {
  record_id: string;
  student_number: string;
  name: string;
  sex: string;
  birth_date: string;
  school_code: string;
  grade: number;
  class_name: string;
  school_year: number;
  status: string;
  guardian_phone: string | null;
  child_id: number | string | null;
}

export interface RosterPosition {
  grade: number;
  className: string;
  id: number;
}

export interface RosterRequest {
  schoolCode: string;
  /** null: the latest school year the school has registrations for. */
  schoolYear: number | null;
  after: RosterPosition | null;
  limit: number;
}

export interface RosterPage {
  /** The school year listed (null when the school has no registrations at all). */
  schoolYear: number | null;
  /** Up to `limit + 1` enrolled registrations in (grade, class, id) order, with their linked children. */
  rows: RegistrationRow[];
}

/**
 * A condition on the registration `r`, for statements that list a container's registrations:
 * `inScope` applied to the child its current link points at (NULL while unlinked), or nothing
 * when `inScope` needs no condition (`RowAccess.memberCondition`).
 */
function registrationInScope(inScope: (childId: SQL) => SQL | null): SQL {
  const condition = inScope(
    sql`(select ml.child_id from hub.links ml
          where ml.source = ${SOURCE} and ml.record_id = r.record_id and ml.unlinked_at is null)`,
  );
  return condition === null ? sql`` : sql`and ${condition}`;
}

/**
 * Pages of several schools' rosters in one statement: each request is a row of `unnest(…)`,
 * and a lateral subquery takes that school's next `limit + 1` enrolled students after the
 * cursor, so a list of schools each asking for its students costs one round trip. Each
 * student comes with its current link (at most one: `links_current_record_key`), so the page's
 * children need no second statement. `inScope` (the viewer's rows on a student's child) is a
 * condition inside the page, so pages stay full and cursors exact.
 */
export async function rosterPages(
  db: Db,
  requests: readonly RosterRequest[],
  inScope: (childId: SQL) => SQL | null,
): Promise<RosterPage[]> {
  if (requests.length === 0) return [];
  const column = <T>(values: T[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;
  const rows = await queryRows<
    RegistrationSqlRow & { ord: number | string; year: number | null; id: number | string | null }
  >(
    db,
    sql`
    select k.ord, y.year, s.id, s.record_id, s.student_number, s.name, s.sex, s.birth_date, s.school_code, s.grade,
      s.class_name, s.school_year, s.status, s.guardian_phone, l.child_id
    from unnest(
      ${column(
        requests.map((r) => r.schoolCode),
        "text",
      )},
      ${column(
        requests.map((r) => r.schoolYear),
        "int",
      )},
      ${column(
        requests.map((r) => r.after?.grade ?? null),
        "int",
      )},
      ${column(
        requests.map((r) => r.after?.className ?? null),
        "text",
      )},
      ${column(
        requests.map((r) => r.after?.id ?? null),
        "bigint",
      )},
      ${column(
        requests.map((r) => r.limit + 1),
        "int",
      )}
    ) with ordinality as k(code, school_year, after_grade, after_class, after_id, lim, ord)
    cross join lateral (
      select coalesce(k.school_year,
        (select max(r.school_year) from ${studentRegistrations} r where r.school_code = k.code)) as year
    ) y
    left join lateral (
      select r.id, r.record_id, r.student_number, r.name, r.sex, r.birth_date::text as birth_date, r.school_code,
        r.grade, r.class_name, r.school_year, r.status, r.guardian_phone
      from ${studentRegistrations} r
      where r.school_code = k.code and r.school_year = y.year and r.status = 'ENROLLED'
        and (k.after_id is null or (r.grade, r.class_name, r.id) > (k.after_grade, k.after_class, k.after_id))
        ${registrationInScope(inScope)}
      order by r.grade, r.class_name, r.id
      limit k.lim
    ) s on true
    -- The link is joined after the page is cut: inside the lateral it was looked up for every
    -- student of the school before the sort (1,975 lookups for a page of 500).
    left join hub.links l on l.source = ${SOURCE} and l.record_id = s.record_id and l.unlinked_at is null
    order by k.ord, s.grade, s.class_name, s.id`,
  );
  const pages: RosterPage[] = requests.map((r) => ({ schoolYear: r.schoolYear, rows: [] }));
  for (const row of rows) {
    const page = pages[Number(row.ord) - 1]!;
    page.schoolYear = row.year === null ? null : Number(row.year);
    if (row.id === null) continue;
    page.rows.push({
      id: Number(row.id),
      recordId: row.record_id,
      studentNumber: row.student_number,
      name: row.name,
      sex: row.sex,
      birthDate: row.birth_date,
      schoolCode: row.school_code,
      grade: Number(row.grade),
      className: row.class_name,
      schoolYear: Number(row.school_year),
      status: row.status,
      guardianPhone: row.guardian_phone,
      childId: row.child_id === null ? null : Number(row.child_id),
    });
  }
  return pages;
}

/**
 * Enrolled students per (school, school year) request, in one statement; a null year is the
 * school's latest. Only those `inScope` keeps are counted (as `rosterPages`).
 */
export async function enrolledCounts(
  db: Db,
  requests: readonly { schoolCode: string; schoolYear: number | null }[],
  inScope: (childId: SQL) => SQL | null,
): Promise<number[]> {
  if (requests.length === 0) return [];
  const rows = await queryRows<{ ord: number | string; n: number | string }>(
    db,
    sql`
    select k.ord, (
      select count(*)::int from ${studentRegistrations} r
      where r.school_code = k.code and r.status = 'ENROLLED'
        and r.school_year = coalesce(k.school_year,
          (select max(m.school_year) from ${studentRegistrations} m where m.school_code = k.code))
        ${registrationInScope(inScope)}
    ) as n
    from unnest(${sql.param(requests.map((r) => r.schoolCode))}::text[],
                ${sql.param(requests.map((r) => r.schoolYear))}::int[]) with ordinality as k(code, school_year, ord)`,
  );
  const counts = requests.map(() => 0);
  for (const row of rows) counts[Number(row.ord) - 1] = Number(row.n);
  return counts;
}
