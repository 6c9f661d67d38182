import { and, asc, count, desc, eq, gt, inArray, isNull, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { links } from "../../db/tables/hub.ts";
import { assistanceEligibility, contributions, coordinationAreas, enrollments } from "../../db/tables/insurance.ts";

export type EnrollmentRow = typeof enrollments.$inferSelect;
export type ContributionRow = typeof contributions.$inferSelect;
export type AreaRow = typeof coordinationAreas.$inferSelect;
export type AssistanceRow = typeof assistanceEligibility.$inferSelect;

/** A child's enrollments are listed newest coverage year first, then latest enrolled. */
const NEWEST_FIRST = [desc(enrollments.coverageYear), desc(enrollments.enrolledOn), desc(enrollments.id)] as const;

/**
 * The enrollments linked to each child, each saying whether `shown` keeps it (the viewer's
 * condition on a record's id, `RowAccess.recordCondition`, or null for all): the status is the
 * child's whatever the area, the records shown are the viewer's region's. A department reads its
 * own tables plus the hub's link table (the one shared table), never another department's.
 */
export async function enrollmentsOfChildren(
  db: Db,
  childIds: readonly number[],
  shown: (recordId: SQL) => SQL | null = () => null,
): Promise<(EnrollmentRow & { childId: number; shown: boolean })[]> {
  if (childIds.length === 0) return [];
  // Written out qualified: in a select list drizzle may name a column bare.
  const condition = shown(sql.raw(`"enrollments"."record_id"`));
  const rows = await db
    .select({
      childId: links.childId,
      enrollment: enrollments,
      shown: condition === null ? sql<boolean>`true` : sql<boolean>`${condition}`,
    })
    .from(links)
    .innerJoin(enrollments, eq(enrollments.recordId, links.recordId))
    .where(
      and(eq(links.source, "insurance.enrollment"), isNull(links.unlinkedAt), inArray(links.childId, [...childIds])),
    )
    .orderBy(...NEWEST_FIRST);
  return rows.map((r) => ({ ...r.enrollment, childId: r.childId, shown: r.shown === true }));
}

/**
 * An enrollment and the master child its current link points at (null while unlinked): the audit
 * logs its reads by that child.
 */
export type LinkedEnrollmentRow = EnrollmentRow & { childId: number | null };

/** The current link of an enrollment, for a left join in the statement that reads it (no statement of its own). */
const currentLink = (recordId: AnyColumn) =>
  and(eq(links.source, "insurance.enrollment"), eq(links.recordId, recordId), isNull(links.unlinkedAt));

export async function enrollmentsByIdNumbers(db: Db, idNumbers: readonly string[]): Promise<LinkedEnrollmentRow[]> {
  if (idNumbers.length === 0) return [];
  const rows = await db
    .select({ enrollment: enrollments, childId: links.childId })
    .from(enrollments)
    .leftJoin(links, currentLink(enrollments.recordId))
    .where(inArray(enrollments.idNumber, [...idNumbers]))
    .orderBy(...NEWEST_FIRST);
  return rows.map((r) => ({ ...r.enrollment, childId: r.childId === null ? null : Number(r.childId) }));
}

export async function contributionsOfEnrollments(
  db: Db,
  enrollmentRecordIds: readonly string[],
): Promise<ContributionRow[]> {
  if (enrollmentRecordIds.length === 0) return [];
  return db
    .select()
    .from(contributions)
    .where(inArray(contributions.enrollmentRecordId, [...enrollmentRecordIds]))
    .orderBy(asc(contributions.paidOn), asc(contributions.id));
}

export async function areasByCode(db: Db, codes: readonly string[]): Promise<AreaRow[]> {
  if (codes.length === 0) return [];
  return db
    .select()
    .from(coordinationAreas)
    .where(inArray(coordinationAreas.areaCode, [...codes]));
}

export async function assistanceByIdNumbers(db: Db, idNumbers: readonly string[]): Promise<AssistanceRow[]> {
  if (idNumbers.length === 0) return [];
  return db
    .select()
    .from(assistanceEligibility)
    .where(inArray(assistanceEligibility.idNumber, [...idNumbers]))
    .orderBy(asc(assistanceEligibility.validFrom), asc(assistanceEligibility.id));
}

/** Coordination areas in code order, after a code (keyset pagination); `limit` rows at most. */
export async function areasAfter(db: Db, afterCode: string | null, limit: number): Promise<AreaRow[]> {
  return db
    .select()
    .from(coordinationAreas)
    .where(afterCode === null ? undefined : gt(coordinationAreas.areaCode, afterCode))
    .orderBy(asc(coordinationAreas.areaCode))
    .limit(limit);
}

/**
 * `inScope` (a condition on a child id, or null for none: the viewer's rows,
 * `RowAccess.memberCondition`) applied to the child an enrollment's current link points at
 * (NULL while unlinked), for statements that list a container's enrollments.
 */
function enrollmentInScope(inScope: (childId: SQL) => SQL | null): SQL | undefined {
  return (
    inScope(
      sql`(select ml.child_id from hub.links ml where ml.source = 'insurance.enrollment'
            and ml.record_id = ${enrollments.recordId} and ml.unlinked_at is null)`,
    ) ?? undefined
  );
}

/**
 * One page of enrollments for a year in each of several areas, in enrollment id order after
 * `afterId`: one statement for the whole batch, each area's page bounded by a lateral LIMIT.
 * Only enrollments `inScope` keeps are listed, inside the page, so pages stay full.
 */
export async function enrollmentPagesOfAreas(
  db: Db,
  areaCodes: readonly string[],
  coverageYear: number,
  afterId: number,
  limit: number,
  inScope: (childId: SQL) => SQL | null,
): Promise<(LinkedEnrollmentRow & { pageAreaCode: string })[]> {
  if (areaCodes.length === 0) return [];
  const page = db
    .select()
    .from(enrollments)
    .where(
      and(
        eq(enrollments.areaCode, coordinationAreas.areaCode),
        eq(enrollments.coverageYear, coverageYear),
        gt(enrollments.id, afterId),
        enrollmentInScope(inScope),
      ),
    )
    .orderBy(asc(enrollments.id))
    .limit(limit)
    .as("page");
  const rows = await db
    .select()
    .from(coordinationAreas)
    .crossJoinLateral(page)
    .leftJoin(links, currentLink(page.recordId))
    .where(inArray(coordinationAreas.areaCode, [...areaCodes]))
    .orderBy(asc(coordinationAreas.areaCode), asc(page.id));
  return rows.map((r) => ({
    ...r.page,
    childId: r.links === null ? null : Number(r.links.childId),
    pageAreaCode: r.coordination_areas.areaCode,
  }));
}

/** ACTIVE enrollments for a year that `inScope` keeps, counted per area; areas without any are absent. */
export async function activeEnrollmentCounts(
  db: Db,
  areaCodes: readonly string[],
  coverageYear: number,
  inScope: (childId: SQL) => SQL | null,
): Promise<Map<string, number>> {
  if (areaCodes.length === 0) return new Map();
  const rows = await db
    .select({ areaCode: enrollments.areaCode, n: count() })
    .from(enrollments)
    .where(
      and(
        inArray(enrollments.areaCode, [...areaCodes]),
        eq(enrollments.coverageYear, coverageYear),
        eq(enrollments.status, "ACTIVE"),
        enrollmentInScope(inScope),
      ),
    )
    .groupBy(enrollments.areaCode);
  return new Map(rows.map((r) => [r.areaCode, r.n]));
}
