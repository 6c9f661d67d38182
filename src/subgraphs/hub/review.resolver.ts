import { eq } from "drizzle-orm";
import { maskIdNumber } from "../../domain/id-number.ts";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { regionPrefixOf } from "../../db/region.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { parseChildId } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { mergeChildren, resolveReview, splitChild, undoEvent } from "../../linkage/index.ts";
import type { HubLoaders } from "./loaders.ts";
import {
  ChildEventResult,
  LinkReview,
  LinkReviewConnection,
  LinkReviewStatusEnum,
  RecordRefInput,
  ReviewDecisionEnum,
  type ReviewedRecord,
} from "./review.type.ts";
import { refreshCoverage } from "../../coverage/store.ts";
import { childEvents } from "../../db/tables/hub.ts";
import type { ScopedReviewRow } from "./review.queries.ts";
import { requireChildrenInScope, requireEventInScope, requireReviewInScope } from "./row-checks.ts";

type Context = SubgraphContext<HubLoaders>;

/** Who made a decision: the verified token's subject, kept in the review and the child's history. */
function actorOf(ctx: Context): string {
  return ctx.viewer.role === "anonymous" ? "anonymous" : ctx.viewer.subject;
}

/** The review queue and the decisions on it: a thin layer over src/linkage. */
@Resolver(() => LinkReview)
export class ReviewResolver {
  @Query(() => LinkReviewConnection, {
    nullable: true,
    description: "Pairs the matcher could not decide, oldest first; filter by region (division code or prefix).",
  })
  async linkReviews(
    @Arg("region", () => String, { nullable: true }) region: string | null,
    @Arg("status", () => LinkReviewStatusEnum, { nullable: true }) status: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<LinkReviewConnection> {
    const page = pageArgs(first, after);
    // Reviews are placed by the record's region, and a candidate outside the viewer's rows is
    // not shown: the loader reads under them.
    const rows = await ctx.loaders.linkReviews({
      status: status ?? "OPEN",
      region: region ? regionPrefixOf(region) : null,
      afterId: page.after === null ? null : parseChildId(page.after, "after"),
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (r) => r.review.id, toReview);
  }

  @Mutation(() => ChildEventResult, {
    description:
      "Decide a review: SAME_CHILD links the record to the candidate, DIFFERENT_CHILDREN keeps them apart for good.",
  })
  async resolveLinkReview(
    @Arg("id", () => ID) id: string,
    @Arg("decision", () => ReviewDecisionEnum) decision: ReviewDecisionEnum,
    @Ctx() ctx: Context,
  ): Promise<ChildEventResult> {
    const reviewId = parseChildId(id, "id");
    await requireReviewInScope(ctx, reviewId);
    const result = await resolveReview(ctx.db, reviewId, decision, actorOf(ctx));
    await refreshAfter(ctx, result.eventId);
    return { eventId: String(result.eventId), child: null };
  }

  @Mutation(() => ChildEventResult, {
    description:
      "Merge two master children that are the same child; " +
      "the merged one is kept in history and can be restored with undoChildEvent.",
  })
  async mergeChildren(
    @Arg("keepId", () => ID) keepId: string,
    @Arg("mergeId", () => ID) mergeId: string,
    @Ctx() ctx: Context,
  ): Promise<ChildEventResult> {
    const keep = parseChildId(keepId, "keepId");
    const merge = parseChildId(mergeId, "mergeId");
    await requireChildrenInScope(ctx, [keep, merge]);
    const result = await mergeChildren(ctx.db, keep, merge, actorOf(ctx));
    await refreshAfter(ctx, result.eventId);
    return { eventId: String(result.eventId), child: { id: String(keep) } };
  }

  @Mutation(() => ChildEventResult, { description: "Move records that are not this child's to a new master child." })
  async splitChild(
    @Arg("childId", () => ID) childId: string,
    @Arg("records", () => [RecordRefInput]) records: RecordRefInput[],
    @Ctx() ctx: Context,
  ): Promise<ChildEventResult> {
    const id = parseChildId(childId, "childId");
    await requireChildrenInScope(ctx, [id]);
    const result = await splitChild(ctx.db, id, records, actorOf(ctx));
    await refreshAfter(ctx, result.eventId);
    return { eventId: String(result.eventId), child: { id: String(result.childId) } };
  }

  @Mutation(() => ChildEventResult, {
    description: "Undo a merge, split or review decision, restoring the links exactly as they were.",
  })
  async undoChildEvent(@Arg("eventId", () => ID) eventId: string, @Ctx() ctx: Context): Promise<ChildEventResult> {
    const event = parseChildId(eventId, "eventId");
    await requireEventInScope(ctx, event);
    const result = await undoEvent(ctx.db, event, actorOf(ctx));
    await refreshAfter(ctx, result.eventId);
    return { eventId: String(result.eventId), child: null };
  }
}

/** A correction moves records between children: their coverage is assessed again in every snapshot. */
async function refreshAfter(ctx: Context, eventId: number): Promise<void> {
  const [event] = await ctx.db
    .select({ childIds: childEvents.childIds })
    .from(childEvents)
    .where(eq(childEvents.id, eventId));
  await refreshCoverage(ctx.db, (event?.childIds ?? []).map(Number));
}

/** A record as the evidence stores it (src/linkage/store.ts, reviewEvidence). */
export interface StoredRecord {
  source: ReviewedRecord["source"];
  recordId: string;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  idNumber: string | null;
  birthCertificateNumber: string | null;
  guardianIdNumbers?: string[];
  guardianPhones?: string[];
  regionCodes?: string[];
}

/**
 * A review as the reviewer sees it. A candidate that is not an active child inside the
 * viewer's rows is null, exactly as one merged away, and the evidence about it (its record, how
 * its fields compared with the reviewed record's) is not shown.
 */
function toReview({ review: row, candidateVisible, recordChild }: ScopedReviewRow): LinkReview {
  const evidence = (typeof row.evidence === "string" ? JSON.parse(row.evidence) : row.evidence) as {
    reason?: string;
    fields?: Record<string, string>;
    record?: StoredRecord;
    candidate?: StoredRecord;
  };
  return {
    id: String(row.id),
    source: row.source as LinkReview["source"],
    recordId: row.recordId,
    candidate: candidateVisible ? { id: String(row.candidateChildId) } : null,
    score: row.score,
    reason: evidence.reason ?? null,
    fields: candidateVisible
      ? Object.entries(evidence.fields ?? {}).map(([field, level]) => ({ field, level: String(level) }))
      : [],
    record: evidence.record ? { ...toReviewedRecord(evidence.record), childId: recordChild } : null,
    candidateRecord:
      candidateVisible && evidence.candidate
        ? { ...toReviewedRecord(evidence.candidate), childId: Number(row.candidateChildId) }
        : null,
    regionCode: row.regionCode?.trim() ?? null,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
    // Every field of the review is evidence about these children (the audit logs it under them).
    childIds: [recordChild, candidateVisible ? Number(row.candidateChildId) : null].filter(
      (id): id is number => id !== null,
    ),
  };
}

/**
 * Evidence is stored already masked (src/linkage/store.ts). ID numbers are masked once more as
 * they are read: evidence stored before the mask changed (#18.13) holds the old first-6-last-4
 * mask, which with the record's birth date gave the whole number away; masking a masked number
 * again changes nothing.
 */
export function toReviewedRecord(r: StoredRecord): ReviewedRecord {
  return {
    source: r.source,
    recordId: r.recordId,
    name: r.name,
    sex: r.sex,
    birthDate: r.birthDate,
    maskedIdNumber: r.idNumber ? maskIdNumber(r.idNumber) : null,
    maskedBirthCertificateNumber: r.birthCertificateNumber,
    maskedGuardianIdNumbers: (r.guardianIdNumbers ?? []).map(maskIdNumber),
    maskedGuardianPhones: r.guardianPhones ?? [],
    regionCodes: r.regionCodes ?? [],
  };
}
