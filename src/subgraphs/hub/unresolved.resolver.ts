import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { refreshCoverage } from "../../coverage/store.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { regionPrefixOf } from "../../db/region.ts";
import { parseChildId } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { decideUnresolved } from "../../linkage/index.ts";
import { NotFoundError } from "../../errors.ts";
import type { HubLoaders } from "./loaders.ts";
import { ChildEventResult } from "./review.type.ts";
import { activeChildOf } from "./review.queries.ts";
import { toReviewedRecord, type StoredRecord } from "./review.resolver.ts";
import { unresolvedInScope, unresolvedPage, type ScopedUnresolvedRow } from "./unresolved.queries.ts";
import {
  UnresolvedChild,
  UnresolvedChildConnection,
  UnresolvedDecisionEnum,
  UnresolvedStatusEnum,
} from "./unresolved.type.ts";

type Context = SubgraphContext<HubLoaders>;

/**
 * The unresolved children (src/linkage/cluster.ts, UnresolvedItem): records the matcher could
 * not tell from a known child, held out of the gap lists and statistics until a person decides.
 * Row-scoped as the review queue is: placed by the region of the record the entry is about, for
 * the officers who review links.
 */
@Resolver(() => UnresolvedChild)
export class UnresolvedResolver {
  @Query(() => UnresolvedChildConnection, {
    nullable: true,
    description:
      "Children the matcher could not tell from another (not counted in gaps or statistics), oldest first; " +
      "filter by region (division code or prefix).",
  })
  async unresolvedChildren(
    @Arg("region", () => String, { nullable: true }) region: string | null,
    @Arg("status", () => UnresolvedStatusEnum, { nullable: true }) status: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<UnresolvedChildConnection> {
    const page = pageArgs(first, after);
    const rows = await unresolvedPage(ctx.db, ctx.rows, {
      status: status ?? "OPEN",
      region: region ? regionPrefixOf(region) : null,
      afterId: page.after === null ? null : parseChildId(page.after, "after"),
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (r) => r.entry.id, toUnresolved);
  }

  @Mutation(() => ChildEventResult, {
    description:
      "Decide an unresolved child: SAME_CHILD merges it into the child it may be (undoable with undoChildEvent), " +
      "NEW_CHILD makes it a child of its own, counted in coverage from then on.",
  })
  async resolveUnresolvedChild(
    @Arg("id", () => ID) id: string,
    @Arg("decision", () => UnresolvedDecisionEnum) decision: UnresolvedDecisionEnum,
    @Ctx() ctx: Context,
  ): Promise<ChildEventResult> {
    const entryId = parseChildId(id, "id");
    // Placed, as a review is, by its record's region: one outside the officer's region is
    // answered as one that does not exist; so is a candidate outside their rows.
    const entry = await unresolvedInScope(ctx.db, ctx.rows, entryId);
    if (!entry) throw new NotFoundError(`id: no unresolved child ${entryId} exists`);
    if (decision === UnresolvedDecisionEnum.SAME_CHILD) await requireCandidate(ctx, entry.candidate);
    const actor = ctx.viewer.role === "anonymous" ? "anonymous" : ctx.viewer.subject;
    const result = await decideUnresolved(ctx.db, entryId, decision, actor);
    // Its coverage now counts (a child of its own), or moved to the child it joined.
    await refreshCoverage(ctx.db, [...new Set([entry.child, result.childId])]);
    return { eventId: String(result.eventId), child: { id: String(result.childId) } };
  }
}

/** The child an unresolved one would join must be an active child inside the viewer's rows. */
async function requireCandidate(ctx: Context, candidate: number | null): Promise<void> {
  const target = candidate === null ? null : await activeChildOf(ctx.db, candidate);
  if (target === null || (await ctx.loaders.child(target)) === null)
    throw new NotFoundError(`child ${candidate ?? "(none)"} does not exist`);
}

/** An entry as the officer sees it: a child outside their rows, or merged away, is null, and so its evidence. */
function toUnresolved({ entry, childVisible, candidateVisible }: ScopedUnresolvedRow): UnresolvedChild {
  const evidence = (typeof entry.evidence === "string" ? JSON.parse(entry.evidence) : entry.evidence) as {
    fields?: Record<string, string>;
    record?: StoredRecord;
    candidate?: StoredRecord;
  };
  return {
    id: String(entry.id),
    child: childVisible ? { id: String(entry.childId) } : null,
    reason: entry.reason,
    source: entry.source as UnresolvedChild["source"],
    recordId: entry.recordId,
    // The record is placed in the officer's region (that is how the entry reached them), as a review's is.
    record: evidence.record ? { ...toReviewedRecord(evidence.record), childId: entry.childId } : null,
    candidate: candidateVisible ? { id: String(entry.candidateChildId) } : null,
    candidateRecord:
      candidateVisible && evidence.candidate
        ? { ...toReviewedRecord(evidence.candidate), childId: Number(entry.candidateChildId) }
        : null,
    score: entry.score,
    fields: candidateVisible
      ? Object.entries(evidence.fields ?? {}).map(([field, level]) => ({ field, level: String(level) }))
      : [],
    regionCode: entry.regionCode?.trim() ?? null,
    status: entry.status,
    createdAt: entry.createdAt.toISOString(),
    resolvedAt: entry.resolvedAt?.toISOString() ?? null,
    resolvedBy: entry.resolvedBy,
    childIds: [entry.childId, candidateVisible ? Number(entry.candidateChildId) : null].filter(
      (c): c is number => c !== null,
    ),
  };
}
