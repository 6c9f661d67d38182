import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { links } from "../../db/tables/hub.ts";
import { guardianships, households, persons } from "../../db/tables/household.ts";

export type PersonRow = typeof persons.$inferSelect;
export type GuardianshipRow = typeof guardianships.$inferSelect;
export type HouseholdRow = typeof households.$inferSelect;

/** The link table's name for a person record. */
const SOURCE = "household.person";

/**
 * The person records linked to each child, those `shown` keeps (the viewer's condition on a
 * record's id, `RowAccess.recordCondition`, or null for all). A department reads its own tables
 * plus the hub's link table (the one shared table), never another department's.
 */
export async function personsByChild(
  db: Db,
  childIds: readonly number[],
  shown: (recordId: SQL) => SQL | null = () => null,
): Promise<(PersonRow & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const rows = await db
    .select({ childId: links.childId, person: persons })
    .from(links)
    .innerJoin(persons, eq(persons.recordId, links.recordId))
    .where(
      and(
        eq(links.source, SOURCE),
        isNull(links.unlinkedAt),
        inArray(links.childId, [...childIds]),
        shown(sql`${persons.recordId}`) ?? undefined,
      ),
    )
    .orderBy(asc(persons.id));
  return rows.map((r) => ({ ...r.person, childId: r.childId }));
}

export async function guardiansOfPersons(db: Db, personRecordIds: readonly string[]): Promise<GuardianshipRow[]> {
  if (personRecordIds.length === 0) return [];
  return db
    .select()
    .from(guardianships)
    .where(inArray(guardianships.childRecordId, [...personRecordIds]))
    .orderBy(asc(guardianships.id));
}

export async function householdsByNumber(db: Db, numbers: readonly string[]): Promise<HouseholdRow[]> {
  if (numbers.length === 0) return [];
  return db
    .select()
    .from(households)
    .where(inArray(households.householdNumber, [...numbers]));
}

/**
 * The persons registered in these households, eldest first, each with the master child its
 * record is currently linked to (null for an unlinked record, such as most adults), in one
 * statement, among those `inScope` says (a condition on the member's child id: the viewer's
 * rows, `RowAccess.memberCondition`).
 */
export async function membersOfHouseholds(
  db: Db,
  numbers: readonly string[],
  inScope: (childId: SQL) => SQL | null,
): Promise<(PersonRow & { childId: number | null })[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .select({ person: persons, childId: links.childId })
    .from(persons)
    .leftJoin(links, and(eq(links.source, SOURCE), eq(links.recordId, persons.recordId), isNull(links.unlinkedAt)))
    .where(and(inArray(persons.householdNumber, [...numbers]), inScope(sql`${links.childId}`) ?? undefined))
    .orderBy(asc(persons.birthDate), asc(persons.id));
  return rows.map((r) => ({ ...r.person, childId: r.childId }));
}
