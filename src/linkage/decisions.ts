import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import type { LinkRule, SourceKind } from "../db/enums.ts";
import { ErrorCode, HubError, InputError, NotFoundError } from "../errors.ts";
import { normaliseRecord } from "./normalise.ts";
import { profilesOf } from "./profile.ts";
import { noMergeReason } from "./rules.ts";
import { readRecords } from "./sources.ts";
import { lockLinkage, refKey } from "./store.ts";
import type { RecordRef } from "./types.ts";

/**
 * What people decide about the index: resolve a review, merge two children, split records off
 * a child, and undo any of these. Each decision is one transaction and one hub.child_events row
 * whose detail lists the links it closed and opened, so undo can restore the links exactly.
 */

export type ReviewDecision = "SAME_CHILD" | "DIFFERENT_CHILDREN";

interface LinkRow extends Record<string, unknown> {
  id: number | string;
  source: SourceKind;
  record_id: string;
  child_id: number | string;
  rule: LinkRule;
  score: number | null;
  linked_at: string;
}

interface EventDetail {
  closed: number[];
  opened: number[];
  [key: string]: unknown;
}

const currentLinksOfChild = (db: Db, childId: number) =>
  queryRows<LinkRow>(
    db,
    sql`select id, source, record_id, child_id, rule, score, linked_at::text as linked_at
        from hub.links where child_id = ${childId} and unlinked_at is null order by id`,
  );

async function requireActiveChild(db: Db, field: string, childId: number): Promise<void> {
  if (!Number.isSafeInteger(childId) || childId < 1)
    throw new InputError(field, `must be a child id (a positive whole number), but got ${childId}`);
  const [row] = await queryRows<{ state: string; merged_into: number | string | null }>(
    db,
    sql`select state, merged_into from hub.children where id = ${childId} for update`,
  );
  if (!row) throw new NotFoundError(`${field}: no child ${childId} exists`);
  if (row.state !== "ACTIVE")
    throw new InputError(
      field,
      `child ${childId} must be ACTIVE, but it is ${row.state} (merged into ${row.merged_into})`,
    );
}

async function insertEvent(
  db: Db,
  kind: string,
  childIds: number[],
  actor: string,
  detail: Record<string, unknown>,
): Promise<number> {
  const [row] = await queryRows<{ id: number | string }>(
    db,
    sql`insert into hub.child_events (kind, child_ids, detail, actor)
        values (${kind}, ${sql.param(childIds)}::bigint[], ${JSON.stringify(detail)}::jsonb, ${actor})
        returning id`,
  );
  return Number(row!.id);
}

async function setEventDetail(db: Db, eventId: number, detail: EventDetail): Promise<void> {
  await db.execute(sql`update hub.child_events set detail = ${JSON.stringify(detail)}::jsonb where id = ${eventId}`);
}

/** Closes the given links and opens one per record on `toChild`; returns the new link ids. */
async function moveLinks(
  db: Db,
  links: readonly LinkRow[],
  toChild: number,
  rule: LinkRule,
  eventId: number,
): Promise<number[]> {
  if (links.length === 0) return [];
  await db.execute(
    sql`update hub.links set unlinked_at = now(), event_id = ${eventId}
        where id = any(${sql.param(links.map((l) => Number(l.id)))}::bigint[])`,
  );
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`insert into hub.links (source, record_id, child_id, rule, score, event_id)
        select s, r, ${toChild}::bigint, ${rule}, null::real, ${eventId}::bigint
        from unnest(
          ${sql.param(links.map((l) => l.source))}::text[],
          ${sql.param(links.map((l) => l.record_id))}::text[]
        ) as u(s, r)
        returning id`,
  );
  return rows.map((r) => Number(r.id));
}

function requireActor(actor: string): void {
  if (typeof actor !== "string" || actor.trim() === "")
    throw new InputError("actor", `must name who decided (a user id), but got ${JSON.stringify(actor)}`);
}

/** Refuses a merge the hard rules forbid, whoever asks: two ID numbers, certificates, twins. */
async function assertMayMerge(db: Db, a: readonly LinkRow[], b: readonly LinkRow[]): Promise<void> {
  const toRefs = (rows: readonly LinkRow[]) => rows.map((l) => ({ source: l.source, recordId: l.record_id }));
  const [ra, rb] = [await readRecords(db, toRefs(a)), await readRecords(db, toRefs(b))];
  const reason = noMergeReason(profilesOf([ra.map(normaliseRecord), rb.map(normaliseRecord)]), 0, 1);
  if (reason)
    throw new InputError(
      "mergeId",
      `children may be merged only when no hard rule forbids it, but these two are ${reason}`,
    );
}

/**
 * Merges child `mergeId` into child `keepId`: every record of `mergeId` is relinked to
 * `keepId` (rule MANUAL_MERGE) and `mergeId` becomes MERGED, merged_into `keepId`. Refused when
 * a hard rule forbids it (two different ID numbers or birth certificates, twins).
 *
 *   const { eventId } = await mergeChildren(db, 17, 42, "officer-330106-007");
 *   await undoEvent(db, eventId, "officer-330106-007"); // as it was
 */
export async function mergeChildren(
  db: Db,
  keepId: number,
  mergeId: number,
  actor: string,
): Promise<{ eventId: number }> {
  requireActor(actor);
  if (keepId === mergeId)
    throw new InputError("mergeId", `must be another child than keepId ${keepId}, but got the same`);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // One writer of the index at a time: ingestion's links and a person's decisions take turns.
    await lockLinkage(tx);
    await requireActiveChild(tx, "keepId", keepId);
    await requireActiveChild(tx, "mergeId", mergeId);
    const keepLinks = await currentLinksOfChild(tx, keepId);
    const mergeLinks = await currentLinksOfChild(tx, mergeId);
    await assertMayMerge(tx, keepLinks, mergeLinks);
    const eventId = await insertEvent(tx, "MERGE", [keepId, mergeId], actor, {
      keep: keepId,
      merge: mergeId,
      closed: [],
      opened: [],
    });
    const opened = await moveLinks(tx, mergeLinks, keepId, "MANUAL_MERGE", eventId);
    await tx.execute(sql`update hub.children set state = 'MERGED', merged_into = ${keepId} where id = ${mergeId}`);
    // A person said these are one child: neither is unresolved any more.
    await settleUnresolved(tx, [keepId, mergeId], "SAME_CHILD", actor);
    await setEventDetail(tx, eventId, {
      keep: keepId,
      merge: mergeId,
      closed: mergeLinks.map((l) => Number(l.id)),
      opened,
    });
    return { eventId };
  });
}

/**
 * Splits records off a child into a new child (rule MANUAL_SPLIT). The two are then never
 * merged again by linking (until the split is undone).
 *
 *   const records = [{ source: "health.immunization_record", recordId: "IM-00000031" }];
 *   const { childId, eventId } = await splitChild(db, 17, records, "officer");
 */
export async function splitChild(
  db: Db,
  childId: number,
  recordRefs: readonly RecordRef[],
  actor: string,
): Promise<{ eventId: number; childId: number }> {
  requireActor(actor);
  if (recordRefs.length === 0)
    throw new InputError("recordRefs", "must name at least one record to split off, but got none");
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // One writer of the index at a time: ingestion's links and a person's decisions take turns.
    await lockLinkage(tx);
    await requireActiveChild(tx, "childId", childId);
    const links = await currentLinksOfChild(tx, childId);
    const byKey = new Map(links.map((l) => [refKey(l.source, l.record_id), l]));
    const moving: LinkRow[] = [];
    for (const ref of recordRefs) {
      const link = byKey.get(refKey(ref.source, ref.recordId));
      if (!link)
        throw new InputError(
          "recordRefs",
          `every record must be linked to child ${childId}, but ${ref.source} ${ref.recordId} is not`,
        );
      if (!moving.includes(link)) moving.push(link);
    }
    if (moving.length === links.length) {
      throw new InputError(
        "recordRefs",
        `must leave child ${childId} at least one of its ${links.length} records, but names all of them`,
      );
    }
    const [created] = await queryRows<{ id: number | string }>(
      tx,
      sql`insert into hub.children (state) values ('ACTIVE') returning id`,
    );
    const newChild = Number(created!.id);
    const eventId = await insertEvent(tx, "SPLIT", [childId, newChild], actor, {
      from: childId,
      to: newChild,
      closed: [],
      opened: [],
    });
    const opened = await moveLinks(tx, moving, newChild, "MANUAL_SPLIT", eventId);
    await setEventDetail(tx, eventId, { from: childId, to: newChild, closed: moving.map((l) => Number(l.id)), opened });
    return { eventId, childId: newChild };
  });
}

/**
 * A person's answer to a review: SAME_CHILD merges the record's child into the candidate child
 * (rule REVIEW_CONFIRMED); DIFFERENT_CHILDREN only records the answer, and linking never puts
 * the two together again.
 *
 *   await resolveReview(db, 12, "SAME_CHILD", "officer-330106-007"); // { eventId }
 */
export async function resolveReview(
  db: Db,
  reviewId: number,
  decision: ReviewDecision,
  actor: string,
): Promise<{ eventId: number }> {
  requireActor(actor);
  if (decision !== "SAME_CHILD" && decision !== "DIFFERENT_CHILDREN") {
    throw new InputError("decision", `must be SAME_CHILD or DIFFERENT_CHILDREN, but got ${JSON.stringify(decision)}`);
  }
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // One writer of the index at a time: ingestion's links and a person's decisions take turns.
    await lockLinkage(tx);
    const [review] = await queryRows<{
      source: SourceKind;
      record_id: string;
      candidate_child_id: number | string;
      status: string;
    }>(
      tx,
      sql`select source, record_id, candidate_child_id, status from hub.link_reviews where id = ${reviewId} for update`,
    );
    if (!review) throw new NotFoundError(`reviewId: no link review ${reviewId} exists`);
    if (review.status !== "OPEN")
      throw new InputError("reviewId", `review ${reviewId} must be OPEN to be resolved, but it is ${review.status}`);
    const [link] = await queryRows<LinkRow>(
      tx,
      sql`select id, source, record_id, child_id, rule, score, linked_at::text as linked_at from hub.links
          where source = ${review.source} and record_id = ${review.record_id} and unlinked_at is null`,
    );
    if (!link)
      throw new InputError(
        "reviewId",
        `review ${reviewId} must be about a linked record, ` +
          `but ${review.source} ${review.record_id} has no current link`,
      );
    const from = Number(link.child_id);
    const candidate = await activeChildOf(tx, Number(review.candidate_child_id));
    await tx.execute(
      sql`update hub.link_reviews set status = ${decision}, resolved_at = now(), resolved_by = ${actor}
          where id = ${reviewId}`,
    );
    const eventId = await insertEvent(tx, "REVIEW_RESOLVED", [from, candidate], actor, {
      reviewId,
      decision,
      from,
      to: candidate,
      closed: [],
      opened: [],
    });
    // The reviewed record's child was unresolved for this review: a person has now decided.
    await settleUnresolved(tx, [from], decision === "SAME_CHILD" ? "SAME_CHILD" : "NEW_CHILD", actor);
    if (decision === "SAME_CHILD" && from !== candidate) {
      const [fromLinks, toLinks] = [await currentLinksOfChild(tx, from), await currentLinksOfChild(tx, candidate)];
      await assertMayMerge(tx, toLinks, fromLinks);
      const opened = await moveLinks(tx, fromLinks, candidate, "REVIEW_CONFIRMED", eventId);
      await tx.execute(sql`update hub.children set state = 'MERGED', merged_into = ${candidate} where id = ${from}`);
      await setEventDetail(tx, eventId, {
        reviewId,
        decision,
        from,
        to: candidate,
        closed: fromLinks.map((l) => Number(l.id)),
        opened,
      });
    }
    return { eventId };
  });
}

/**
 * Closes the OPEN unresolved entries of these children with a person's decision, and clears
 * their mark (hub.children.unresolved): SAME_CHILD, it was merged into the child it matched;
 * NEW_CHILD, it is a child of its own (the matcher never marks it again).
 */
async function settleUnresolved(
  tx: Db,
  childIds: readonly number[],
  status: "SAME_CHILD" | "NEW_CHILD",
  actor: string,
): Promise<void> {
  const ids = sql.param([...childIds]);
  await tx.execute(
    sql`update hub.unresolved_children set status = ${status}, resolved_at = now(), resolved_by = ${actor}
        where status = 'OPEN' and child_id = any(${ids}::bigint[])`,
  );
  await tx.execute(sql`update hub.children set unresolved = false where unresolved and id = any(${ids}::bigint[])`);
}

/** What a person may say of an unresolved child (hub.unresolved_children). */
export type UnresolvedDecision = "SAME_CHILD" | "NEW_CHILD";

/**
 * Decides an unresolved child (an OPEN entry of hub.unresolved_children): SAME_CHILD merges it
 * into the child it may be (a MERGE event, as mergeChildren, which undoEvent can undo);
 * NEW_CHILD makes it a child of its own (an UNRESOLVED_DECIDED event), which coverage counts
 * from then on and the matcher never marks unresolved again.
 *
 *   await decideUnresolved(db, 12, "NEW_CHILD", "officer-330106-007"); // { eventId, childId }
 */
export async function decideUnresolved(
  db: Db,
  entryId: number,
  decision: UnresolvedDecision,
  actor: string,
): Promise<{ eventId: number; childId: number }> {
  requireActor(actor);
  if (decision !== "SAME_CHILD" && decision !== "NEW_CHILD")
    throw new InputError("decision", `must be SAME_CHILD or NEW_CHILD, but got ${JSON.stringify(decision)}`);
  const [entry] = await queryRows<{
    child_id: number | string;
    candidate_child_id: number | string | null;
    status: string;
  }>(db, sql`select child_id, candidate_child_id, status from hub.unresolved_children where id = ${entryId}`);
  if (!entry) throw new NotFoundError(`id: no unresolved child ${entryId} exists`);
  if (entry.status !== "OPEN")
    throw new InputError("id", `unresolved child ${entryId} must be OPEN to be decided, but it is ${entry.status}`);
  const child = Number(entry.child_id);
  if (decision === "SAME_CHILD") {
    if (entry.candidate_child_id === null)
      throw new InputError("decision", `unresolved child ${entryId} names no child it may be: decide NEW_CHILD`);
    const candidate = await activeChildOf(db, Number(entry.candidate_child_id));
    const { eventId } = await mergeChildren(db, candidate, child, actor);
    return { eventId, childId: candidate };
  }
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await lockLinkage(tx);
    await requireActiveChild(tx, "id", child);
    const eventId = await insertEvent(tx, "UNRESOLVED_DECIDED", [child], actor, { entryId, decision });
    await settleUnresolved(tx, [child], "NEW_CHILD", actor);
    return { eventId, childId: child };
  });
}

/** The active child a (possibly merged) child id now stands for. */
async function activeChildOf(db: Db, childId: number): Promise<number> {
  let id = childId;
  for (let hops = 0; hops < 100; hops++) {
    const [row] = await queryRows<{ state: string; merged_into: number | string | null }>(
      db,
      sql`select state, merged_into from hub.children where id = ${id}`,
    );
    if (!row) throw new NotFoundError(`child ${id} does not exist`);
    if (row.state === "ACTIVE" || row.merged_into == null) return id;
    id = Number(row.merged_into);
  }
  throw new HubError(
    ErrorCode.INTERNAL_SERVER_ERROR,
    `child ${childId} must lead to an active child through merged_into, but the chain does not end`,
  );
}

/**
 * Undoes a merge, split or review decision: closes the links it opened and opens again, as
 * they were (child, rule, score, linked_at), the links it closed; restores the children's
 * states; reopens a resolved review. Refused when a later change moved any of those records
 * (undo that first), or when the event was undone already.
 *
 *   await undoEvent(db, eventId, "officer-330106-007"); // { eventId: the UNDO event }
 */
export async function undoEvent(db: Db, eventId: number, actor: string): Promise<{ eventId: number }> {
  requireActor(actor);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // One writer of the index at a time: ingestion's links and a person's decisions take turns.
    await lockLinkage(tx);
    const [event] = await queryRows<{
      kind: string;
      detail: EventDetail | string;
      undone_by: number | string | null;
      child_ids: unknown;
    }>(tx, sql`select kind, detail, undone_by, child_ids from hub.child_events where id = ${eventId} for update`);
    if (!event) throw new NotFoundError(`eventId: no child event ${eventId} exists`);
    if (event.undone_by != null)
      throw new InputError(
        "eventId",
        `event ${eventId} must not be undone already, but event ${event.undone_by} undid it`,
      );
    if (!["MERGE", "SPLIT", "REVIEW_RESOLVED"].includes(event.kind)) {
      throw new InputError(
        "eventId",
        `only MERGE, SPLIT and REVIEW_RESOLVED events can be undone, but event ${eventId} is ${event.kind}`,
      );
    }
    const detail = (typeof event.detail === "string" ? JSON.parse(event.detail) : event.detail) as EventDetail;
    // The links the event opened must still stand — as rows, or as equal rows a later undo
    // restored (undoing a merge that followed a split brings the split's links back).
    const standing = await queryRows<
      LinkRow & {
        current_id: number | string | null;
        current_child: number | string | null;
        current_rule: string | null;
      }
    >(
      tx,
      sql`select o.id, o.source, o.record_id, o.child_id, o.rule,
                 c.id as current_id, c.child_id as current_child, c.rule as current_rule
          from hub.links o
          left join hub.links c on c.source = o.source and c.record_id = o.record_id and c.unlinked_at is null
          where o.id = any(${sql.param(detail.opened)}::bigint[])`,
    );
    const moved = standing.find(
      (l) => l.current_id == null || Number(l.current_child) !== Number(l.child_id) || l.current_rule !== l.rule,
    );
    if (moved)
      throw new InputError(
        "eventId",
        `event ${eventId} can be undone only while its links stand, ` +
          `but ${moved.source} ${moved.record_id} was relinked since`,
      );
    const toClose = standing.map((l) => Number(l.current_id));
    const undoId = await insertEvent(tx, "UNDO", (event.child_ids as unknown[]).map(Number), actor, {
      undid: eventId,
      kind: event.kind,
      closed: toClose,
      opened: [],
    });
    if (toClose.length > 0) {
      await tx.execute(
        sql`update hub.links set unlinked_at = now(), event_id = ${undoId}
            where id = any(${sql.param(toClose)}::bigint[])`,
      );
    }
    let restored: number[] = [];
    if (detail.closed.length > 0) {
      const rows = await queryRows<{ id: number | string }>(
        tx,
        sql`insert into hub.links (source, record_id, child_id, rule, score, linked_at, event_id)
            select source, record_id, child_id, rule, score, linked_at, ${undoId}::bigint from hub.links
            where id = any(${sql.param(detail.closed)}::bigint[]) order by id returning id`,
      );
      restored = rows.map((r) => Number(r.id));
    }
    switch (event.kind) {
      case "MERGE":
        await tx.execute(
          sql`update hub.children set state = 'ACTIVE', merged_into = null where id = ${Number(detail.merge)}`,
        );
        break;
      case "SPLIT":
        await tx.execute(
          sql`update hub.children set state = 'MERGED', merged_into = ${Number(detail.from)}
              where id = ${Number(detail.to)}`,
        );
        break;
      case "REVIEW_RESOLVED":
        if (detail.closed.length > 0)
          await tx.execute(
            sql`update hub.children set state = 'ACTIVE', merged_into = null where id = ${Number(detail.from)}`,
          );
        await tx.execute(
          sql`update hub.link_reviews set status = 'OPEN', resolved_at = null, resolved_by = null
              where id = ${Number(detail.reviewId)}`,
        );
        break;
    }
    await setEventDetail(tx, undoId, { undid: eventId, kind: event.kind, closed: toClose, opened: restored });
    await tx.execute(sql`update hub.child_events set undone_by = ${undoId} where id = ${eventId}`);
    return { eventId: undoId };
  });
}
