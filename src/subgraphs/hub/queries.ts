import { and, asc, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.ts";
import { COVERAGE_FIELDS, recordOf, type LinkedRecordRow } from "../../coverage/facts.ts";
import type { SourceKind } from "../../db/enums.ts";
import { childIdsByIdentifierQuery, linkedRecordsQuery } from "../../db/source-queries.ts";
import type { SourceField } from "../../db/sources.ts";
import { links } from "../../db/tables/hub.ts";
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

/**
 * The children's current links, those `shown` keeps (a condition on the link row, or null for
 * all: `RowAccess.recordCondition` per source, so a viewer shown only its region's records of a
 * department is not told the other regions' record ids either).
 */
export async function currentLinks(db: Db, childIds: readonly number[], shown: SQL | null = null): Promise<LinkRow[]> {
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
    .where(and(inArray(links.childId, [...childIds]), isNull(links.unlinkedAt), shown ?? undefined))
    .orderBy(asc(links.childId), asc(links.source), asc(links.recordId));
}

/** What the hub reads of each linked record: identity, and what the residence rule weighs. */
const IDENTITY_FIELDS: readonly SourceField[] = ["name", "sex", ...COVERAGE_FIELDS];

/** One statement for a whole batch of children: what each linked record says about identity. */
export async function identityClaims(
  db: Db,
  childIds: readonly number[],
): Promise<(IdentityClaim & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const rows = await queryRows<LinkedRecordRow>(db, linkedRecordsQuery(childIds, IDENTITY_FIELDS));
  return rows.map((row) => {
    const record = recordOf(row);
    const text = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : null);
    return {
      childId: Number(row.child_id),
      source: row.source as SourceKind,
      idNumber: text("idNumber"),
      name: text("name"),
      sex: text("sex"),
      birthDate: text("birthDate"),
      record,
    };
  });
}

/**
 * Which active child inside the viewer's rows (`inScope`, a condition on `q.child_id`) a
 * department identifier belongs to, through the current links: one statement, the row check
 * folded in, so an identifier of a child outside the rows costs exactly what an identifier
 * nobody holds costs (#18.12) — no second statement follows either answer.
 */
export async function childIdByIdentifier(
  db: Db,
  kind: "idNumber" | "birthCertificateNumber" | "studentNumber",
  value: string,
  inScope: SQL,
): Promise<number | null> {
  const rows = await queryRows<{ child_id: number | string }>(
    db,
    sql`select q.child_id from (${childIdsByIdentifierQuery(kind, value)}) q
        where ${inScope} order by q.child_id limit 1`,
  );
  return rows[0] ? Number(rows[0].child_id) : null;
}

/**
 * Active children `listed` (a condition on `c.id`: the viewer's rows and the region they list by,
 * src/access/rows), in id order for keyset pagination: `limit + 1` ids.
 */
export async function childIdsInRegion(db: Db, afterId: number | null, limit: number, listed: SQL): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`select c.id from hub.children c where c.state = 'ACTIVE' and c.id > ${afterId ?? 0} and ${listed}
      order by c.id limit ${limit + 1}`,
  );
  return rows.map((r) => Number(r.id));
}
