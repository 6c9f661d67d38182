import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { withinRegion } from "../../db/region.ts";
import { unresolvedChildren } from "../../db/tables/hub.ts";

/*
 * The unresolved children (hub.unresolved_children) under the viewer's rows: placed, like link
 * reviews, by the region of the record the entry is about; each child it names shown only when
 * it is an active child inside the viewer's rows.
 */

export type UnresolvedRow = typeof unresolvedChildren.$inferSelect;

export interface ScopedUnresolvedRow {
  entry: UnresolvedRow;
  childVisible: boolean;
  candidateVisible: boolean;
}

export interface UnresolvedPageQuery {
  status: string;
  /** A further region prefix asked for (the viewer's own region always applies). */
  region: string | null;
  afterId: number | null;
  /** Rows wanted: the page size plus one, which only says whether a next page exists. */
  take: number;
}

/** A page of the unresolved children, oldest first, placed in the viewer's region; nothing for a viewer without one. */
export async function unresolvedPage(db: Db, rows: RowAccess, q: UnresolvedPageQuery): Promise<ScopedUnresolvedRow[]> {
  const filter = rows.filter;
  if (filter.kind !== "region") return [];
  const conditions: SQL[] = [
    eq(unresolvedChildren.status, q.status),
    withinRegion(unresolvedChildren.regionCode, filter.prefix),
  ];
  if (q.region !== null) conditions.push(withinRegion(unresolvedChildren.regionCode, q.region));
  if (q.afterId !== null) conditions.push(gt(unresolvedChildren.id, q.afterId));
  const visible = (child: SQL) =>
    sql<boolean>`(exists (select 1 from hub.children c where c.id = ${child} and c.state = 'ACTIVE')
      and ${rows.childCondition(child)})`;
  const found = await db
    .select({
      entry: unresolvedChildren,
      childVisible: visible(sql`${unresolvedChildren.childId}`),
      candidateVisible: visible(sql`${unresolvedChildren.candidateChildId}`),
    })
    .from(unresolvedChildren)
    .where(and(...conditions))
    .orderBy(asc(unresolvedChildren.id))
    .limit(q.take);
  return found.map((r) => ({
    entry: r.entry,
    childVisible: r.childVisible === true,
    candidateVisible: r.candidateVisible === true,
  }));
}

/** An OPEN entry placed in the viewer's region: its child and candidate, or null (as for one that does not exist). */
export async function unresolvedInScope(
  db: Db,
  rows: RowAccess,
  id: number,
): Promise<{ child: number; candidate: number | null } | null> {
  const [entry] = await db
    .select({
      regionCode: unresolvedChildren.regionCode,
      child: unresolvedChildren.childId,
      candidate: unresolvedChildren.candidateChildId,
      status: unresolvedChildren.status,
    })
    .from(unresolvedChildren)
    .where(eq(unresolvedChildren.id, id));
  if (!entry || entry.status !== "OPEN" || !rows.placeInScope({ regionCode: entry.regionCode })) return null;
  return { child: entry.child, candidate: entry.candidate };
}
