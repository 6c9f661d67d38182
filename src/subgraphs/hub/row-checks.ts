import { eq, sql, type SQL } from "drizzle-orm";
import { childEvents } from "../../db/tables/hub.ts";
import { NotFoundError } from "../../errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";
import { activeChildIds } from "./queries.ts";
import { activeChildOf, reviewInScope } from "./review.queries.ts";

type Context = SubgraphContext<HubLoaders>;

/*
 * Row access of the hub's corrections and aggregates, in one place: a review, a child or an event
 * outside the officer's rows is answered exactly as one that does not exist (the same NOT_FOUND
 * messages as src/linkage), and aggregates count what the role's statistics scope says.
 */

/**
 * The review a decision is about must be placed in the viewer's region, and the child the
 * decision would attach its record to (the candidate, or the active child it was merged into)
 * an active child inside the viewer's rows: otherwise NOT_FOUND, as for a review or a child that
 * does not exist.
 */
export async function requireReviewInScope(ctx: Context, reviewId: number): Promise<void> {
  const review = await reviewInScope(ctx.db, ctx.rows, reviewId);
  if (!review) throw new NotFoundError(`reviewId: no link review ${reviewId} exists`);
  const target = await activeChildOf(ctx.db, review.candidate);
  if (target === null || (await ctx.loaders.child(target)) === null)
    throw new NotFoundError(`child ${review.candidate} does not exist`);
}

export async function requireChildrenInScope(ctx: Context, ids: readonly number[]): Promise<void> {
  for (const id of ids) {
    if ((await ctx.loaders.child(id)) === null) throw new NotFoundError(`child ${id} does not exist`);
  }
}

/** An event may be undone by whoever reaches every child it left active. */
export async function requireEventInScope(ctx: Context, eventId: number): Promise<void> {
  const [event] = await ctx.db
    .select({ childIds: childEvents.childIds })
    .from(childEvents)
    .where(eq(childEvents.id, eventId));
  const active = event ? await activeChildIds(ctx.db, event.childIds.map(Number)) : new Set<number>();
  const reachable = event ? await ctx.rows.visible([...active]) : [];
  if (!event || active.size === 0 || reachable.length !== active.size)
    throw new NotFoundError(`eventId: no child event ${eventId} exists`);
}

/** Aggregates are scoped by residence, school or doctor as the role's statistics scope says. */
export function statisticsScope(ctx: Context): SQL {
  return ctx.rows.statisticsCondition({
    residenceRegion: sql.raw("residence_region_code"),
    school: sql.raw("school_code"),
    doctor: sql.raw("doctor_code"),
  });
}

/** Whether the role's statistics are by region (or none), which the county rollup can answer. */
export function statisticsByRegion(ctx: Context): boolean {
  return ctx.rows.statisticsBy === "region" || ctx.rows.statisticsBy === "none";
}

/** Roles that may see no individual child get small cells suppressed in every aggregate. */
export function suppressesSmallCells(ctx: Context): boolean {
  return ctx.rows.suppressSmallCells;
}
