import { and, asc, gt, eq, sql, type SQL } from "drizzle-orm";
import type { RowAccess } from "../../access/rows/row-access.ts";
import { queryRows, type Db } from "../../db/client.ts";
import { withinRegion } from "../../db/region.ts";
import { linkReviews } from "../../db/tables/hub.ts";

/*
 * The hub's reads under the viewer's rows that are not plain child lookups: the review queue
 * (placed by the record's region, its candidate a child like any other) and the child a
 * review decision would attach a record to.
 */

export type ReviewRow = typeof linkReviews.$inferSelect;

/** A review and whether its candidate may be shown: an active child inside the viewer's rows. */
export interface ScopedReviewRow {
  review: ReviewRow;
  candidateVisible: boolean;
  /** The master child the reviewed record is linked to now (null: none), for the audit. */
  recordChild: number | null;
}

export interface ReviewPageQuery {
  status: string;
  /** A further region prefix asked for (the viewer's own region always applies). */
  region: string | null;
  afterId: number | null;
  /** Rows wanted: the page size plus one, which only says whether a next page exists. */
  take: number;
}

/**
 * A page of the review queue, oldest first: reviews placed (by their record's region) in the
 * viewer's region only, nothing for a viewer without one. Each says, from the same statement,
 * whether its candidate is an active child inside the viewer's rows: one that is not is shown
 * exactly as one merged away (null), with no evidence of it.
 */
export async function reviewPage(db: Db, rows: RowAccess, q: ReviewPageQuery): Promise<ScopedReviewRow[]> {
  const filter = rows.filter;
  if (filter.kind !== "region") return [];
  const conditions: SQL[] = [eq(linkReviews.status, q.status), withinRegion(linkReviews.regionCode, filter.prefix)];
  if (q.region !== null) conditions.push(withinRegion(linkReviews.regionCode, q.region));
  if (q.afterId !== null) conditions.push(gt(linkReviews.id, q.afterId));
  const candidate = sql`${linkReviews.candidateChildId}`;
  const active = sql`exists (select 1 from hub.children c where c.id = ${candidate} and c.state = 'ACTIVE')`;
  // Written out qualified: in a select list drizzle names the columns bare, which inside the
  // subquery would be the link's own.
  const recordChild = sql<number | string | null>`(select l.child_id from hub.links l
    where l.source = hub.link_reviews.source and l.record_id = hub.link_reviews.record_id and l.unlinked_at is null)`;
  const found = await db
    .select({
      review: linkReviews,
      candidateVisible: sql<boolean>`(${active} and ${rows.childCondition(candidate)})`,
      recordChild,
    })
    .from(linkReviews)
    .where(and(...conditions))
    .orderBy(asc(linkReviews.id))
    .limit(q.take);
  return found.map((r) => ({
    review: r.review,
    candidateVisible: r.candidateVisible === true,
    recordChild: r.recordChild === null ? null : Number(r.recordChild),
  }));
}

/**
 * The review a decision is about, when it is placed in the viewer's region: its candidate
 * child as stored, or null (as for a review that does not exist).
 */
export async function reviewInScope(db: Db, rows: RowAccess, reviewId: number): Promise<{ candidate: number } | null> {
  const [review] = await db
    .select({ regionCode: linkReviews.regionCode, candidate: linkReviews.candidateChildId })
    .from(linkReviews)
    .where(eq(linkReviews.id, reviewId));
  return review && rows.placeInScope({ regionCode: review.regionCode }) ? { candidate: review.candidate } : null;
}

/**
 * The active child a (possibly merged) child id now stands for, following `merged_into` as a
 * review decision does (src/linkage/decisions.ts); null when the chain reaches no active child.
 */
export async function activeChildOf(db: Db, childId: number): Promise<number | null> {
  const [row] = await queryRows<{ id: number | string }>(
    db,
    sql`with recursive chain(id, state, merged_into, hops) as (
          select id, state, merged_into, 0 from hub.children where id = ${childId}
          union all
          select c.id, c.state, c.merged_into, chain.hops + 1 from hub.children c join chain on c.id = chain.merged_into
           where chain.state <> 'ACTIVE' and chain.hops < 100
        )
        select id from chain where state = 'ACTIVE' limit 1`,
  );
  return row ? Number(row.id) : null;
}
