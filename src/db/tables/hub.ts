import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  jsonb,
  pgSchema,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, divisionCode, oneOf, surrogateId } from "../columns.ts";
import {
  CHILD_EVENT_KINDS,
  CHILD_STATES,
  LINK_RULES,
  REVIEW_STATUSES,
  SOURCE_KINDS,
  UNRESOLVED_REASONS,
  UNRESOLVED_STATUSES,
} from "../enums.ts";

/** The hub: the master child index that joins the departments' records into one child. */
export const hubSchema = pgSchema("hub");

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A master child. Merged children are kept (state MERGED, mergedInto set) so a merge can be undone.
 * `unresolved`: the matcher could not tell this child from another (its entry in
 * `unresolved_children` says why, and which): it is no new child until a person decides, and
 * coverage counts it in no gap list and no statistic meanwhile.
 */
export const children = hubSchema.table(
  "children",
  {
    id: surrogateId(),
    state: text("state").notNull().default("ACTIVE"),
    mergedInto: bigint("merged_into", { mode: "number" }),
    unresolved: boolean("unresolved").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check("children_state_check", oneOf("state", CHILD_STATES)),
    index("children_merged_into_idx").on(t.mergedInto),
  ],
);

/**
 * Which child a department record belongs to, which rule said so, with what score, when.
 * Links are never overwritten: a re-link closes the old row (unlinkedAt) and opens a new one,
 * so history is kept and any change can be explained or undone.
 */
export const links = hubSchema.table(
  "links",
  {
    id: surrogateId(),
    source: text("source").notNull(),
    recordId: text("record_id").notNull(),
    childId: bigint("child_id", { mode: "number" })
      .notNull()
      .references(() => children.id),
    rule: text("rule").notNull(),
    score: real("score"),
    linkedAt: at("linked_at").notNull().defaultNow(),
    unlinkedAt: at("unlinked_at"),
    /** The child event (merge, split, review) that closed or opened this link. */
    eventId: bigint("event_id", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("links_current_record_key")
      .on(t.source, t.recordId)
      .where(sql`unlinked_at is null`),
    index("links_child_idx").on(t.childId),
    // Closed links only (few): which children an incremental link just moved records away from.
    index("links_unlinked_at_idx")
      .on(t.unlinkedAt)
      .where(sql`unlinked_at is not null`),
    check("links_source_check", oneOf("source", SOURCE_KINDS)),
    check("links_rule_check", oneOf("rule", LINK_RULES)),
  ],
);

/** A pair the matcher was unsure about, waiting for a person to decide. */
export const linkReviews = hubSchema.table(
  "link_reviews",
  {
    id: surrogateId(),
    source: text("source").notNull(),
    recordId: text("record_id").notNull(),
    candidateChildId: bigint("candidate_child_id", { mode: "number" })
      .notNull()
      .references(() => children.id),
    score: real("score").notNull(),
    /** Which fields agreed or disagreed, for the reviewer (identifiers masked when shown). */
    evidence: jsonb("evidence").notNull(),
    regionCode: divisionCode("region_code"),
    status: text("status").notNull().default("OPEN"),
    createdAt: createdAt(),
    resolvedAt: at("resolved_at"),
    resolvedBy: text("resolved_by"),
  },
  (t) => [
    index("link_reviews_status_region_idx").on(t.status, t.regionCode),
    index("link_reviews_record_idx").on(t.source, t.recordId),
    check("link_reviews_status_check", oneOf("status", REVIEW_STATUSES)),
  ],
);

/** History of merges, splits and review decisions; `undoneBy` points at the event that undid it. */
export const childEvents = hubSchema.table(
  "child_events",
  {
    id: surrogateId(),
    kind: text("kind").notNull(),
    childIds: bigint("child_ids", { mode: "number" }).array().notNull(),
    detail: jsonb("detail").notNull(),
    actor: text("actor").notNull(),
    at: at("at").notNull().defaultNow(),
    undoneBy: bigint("undone_by", { mode: "number" }),
  },
  () => [check("child_events_kind_check", oneOf("kind", CHILD_EVENT_KINDS))],
);

/**
 * Children the matcher could not tell apart from another (hub.children.unresolved), with the
 * child each may be and the masked evidence, as the officers who review links see them. One
 * OPEN entry per unresolved child; closed (never deleted) by a person's decision or when a later
 * link resolves it.
 */
export const unresolvedChildren = hubSchema.table(
  "unresolved_children",
  {
    id: surrogateId(),
    childId: bigint("child_id", { mode: "number" })
      .notNull()
      .references(() => children.id),
    /** The record of the child the evidence is about. */
    source: text("source").notNull(),
    recordId: text("record_id").notNull(),
    candidateChildId: bigint("candidate_child_id", { mode: "number" }).references(() => children.id),
    reason: text("reason").notNull(),
    score: real("score").notNull(),
    /** Which fields agreed or disagreed with the candidate's record (identifiers masked). */
    evidence: jsonb("evidence").notNull(),
    regionCode: divisionCode("region_code"),
    status: text("status").notNull().default("OPEN"),
    createdAt: createdAt(),
    resolvedAt: at("resolved_at"),
    resolvedBy: text("resolved_by"),
  },
  (t) => [
    index("unresolved_children_status_region_idx").on(t.status, t.regionCode),
    uniqueIndex("unresolved_children_open_child_key")
      .on(t.childId)
      .where(sql`status = 'OPEN'`),
    index("unresolved_children_child_idx").on(t.childId),
    check("unresolved_children_reason_check", oneOf("reason", UNRESOLVED_REASONS)),
    check("unresolved_children_status_check", oneOf("status", UNRESOLVED_STATUSES)),
    check("unresolved_children_source_check", oneOf("source", SOURCE_KINDS)),
  ],
);
