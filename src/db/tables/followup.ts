import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, divisionCode, oneOf, surrogateId } from "../columns.ts";
import { hubSchema } from "./hub.ts";
import { COVERAGE_STATUSES, RESPONSIBLE_ACTORS } from "../../domain/coverage-terms.ts";

/**
 * Follow-up (issue 21): every gap of the coverage snapshot becomes an item for its responsible
 * actor, reminders about items go out through an outbox, and a dispatcher delivers them. Kept by
 * src/followup/; the words are defined here, where the CHECK constraints need them.
 */

/** How a notification travels: a signed webhook POST, or an SMS gateway's HTTP JSON API. */
export const NOTIFICATION_CHANNELS = ["webhook", "sms"] as const;
/** PENDING until delivered; FAILED when the receiver refused it for good or the attempts ran out. */
export const NOTIFICATION_STATES = ["PENDING", "DELIVERED", "FAILED"] as const;
/** What a notification is about (the payload says the rest). */
export const NOTIFICATION_KINDS = ["REMINDER", "ESCALATION", "MESSAGE"] as const;
/**
 * The outcome of one delivery attempt: IN_FLIGHT while it runs (and forever, until the next
 * claim marks it ABANDONED, when the dispatcher died during it), DELIVERED, RETRY (a failure
 * worth another attempt: 5xx, 408, 429, a timeout, a refused connection), REJECTED (a failure
 * no retry mends: another 4xx, no address for the recipient).
 */
export const DELIVERY_OUTCOMES = ["IN_FLIGHT", "DELIVERED", "RETRY", "REJECTED", "ABANDONED"] as const;

/** How a follow-up item ended: the child insured (nothing owed), or no longer in the snapshot. */
export const FOLLOW_UP_OUTCOMES = ["ENROLLED", "GONE"] as const;
/** What happened to an item: opened, moved to another actor, its gap changed kind, closed. */
export const FOLLOW_UP_EVENTS = ["OPENED", "MOVED", "RECLASSIFIED", "CLOSED"] as const;

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const isoDate = (name: string) => date(name, { mode: "string" });

/**
 * The outbox: one row per message to send, written in the same transaction as whatever decided
 * to send it, delivered by src/followup/dispatcher.ts. The idempotency key is unique (writing a
 * message twice is a no-op) and travels with every attempt (the receiver's `Idempotency-Key`, the
 * SMS gateway's client reference), so a message delivered twice on the wire has its effect once.
 * The recipient is an actor and its code (a school, a doctor, an office), never a phone number:
 * the SMS adapter looks the number up when it sends, and it is never stored or logged here.
 */
export const notifications = hubSchema.table(
  "notifications",
  {
    id: surrogateId(),
    idempotencyKey: text("idempotency_key").notNull(),
    channel: text("channel").notNull(),
    kind: text("kind").notNull(),
    recipientActor: text("recipient_actor").notNull(),
    recipientCode: text("recipient_code").notNull(),
    /** The follow-up item it is about, if any. */
    itemId: bigint("item_id", { mode: "number" }),
    /** What the receiver gets (no personal data: codes, dates, item ids). */
    payload: jsonb("payload").notNull(),
    dueAt: at("due_at").notNull(),
    state: text("state").notNull().default("PENDING"),
    /** Attempts started (a claim counts one, so a message that kills its dispatcher cannot loop forever). */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    /** The dispatcher holding it, until claim_expires_at; then anyone may claim it again. */
    claimedBy: text("claimed_by"),
    claimExpiresAt: at("claim_expires_at"),
    deliveredAt: at("delivered_at"),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("notifications_idempotency_key").on(t.idempotencyKey),
    // What the dispatcher claims: due, pending rows, earliest first (few; delivered rows are not in it).
    index("notifications_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`state = 'PENDING'`),
    index("notifications_item_idx").on(t.itemId),
    check("notifications_channel_check", oneOf("channel", NOTIFICATION_CHANNELS)),
    check("notifications_state_check", oneOf("state", NOTIFICATION_STATES)),
    check("notifications_kind_check", oneOf("kind", NOTIFICATION_KINDS)),
  ],
);

/** The delivery log: one row per attempt of a notification, written when it starts and when it ends. */
export const notificationDeliveries = hubSchema.table(
  "notification_deliveries",
  {
    id: surrogateId(),
    notificationId: bigint("notification_id", { mode: "number" })
      .notNull()
      .references(() => notifications.id),
    attempt: integer("attempt").notNull(),
    dispatcher: text("dispatcher").notNull(),
    startedAt: at("started_at").notNull().defaultNow(),
    finishedAt: at("finished_at"),
    outcome: text("outcome").notNull().default("IN_FLIGHT"),
    httpStatus: smallint("http_status"),
    /** Why it failed, in words without personal data (the adapters never quote a phone number or a body). */
    error: text("error"),
    durationMs: integer("duration_ms"),
  },
  (t) => [
    uniqueIndex("notification_deliveries_attempt_key").on(t.notificationId, t.attempt),
    check("notification_deliveries_outcome_check", oneOf("outcome", DELIVERY_OUTCOMES)),
  ],
);

/**
 * A follow-up item: one child's gap for its responsible actor, from the day the snapshot first
 * showed the gap until the day it showed none (ENROLLED) or no longer showed the child (GONE).
 * At most one open item per child (a child has one gap at a time: one status, one leading
 * reason, one responsible actor); the item moves when the actor changes and keeps its history in
 * follow_up_item_history. Kept by src/followup/items.ts (syncFollowUps).
 */
export const followUpItems = hubSchema.table(
  "follow_up_items",
  {
    id: surrogateId(),
    childId: bigint("child_id", { mode: "number" }).notNull(),
    openedOn: isoDate("opened_on").notNull(),
    /** Set when the item opens and kept: the date reminders count down to and escalation waits for. */
    dueOn: isoDate("due_on").notNull(),
    /** 1 (most urgent) to 3; see src/followup/items.ts. */
    priority: smallint("priority").notNull(),
    /** The gap as of the last sync: coverage status, leading reason (coverage/rollup.ts REASON_GROUP_SQL), year. */
    status: text("status").notNull(),
    leadingReason: text("leading_reason"),
    coverageYear: integer("coverage_year").notNull(),
    responsibleActor: text("responsible_actor").notNull(),
    responsibleCode: text("responsible_code"),
    /** The child's residence county as of the last sync: whose insurance office an escalation goes to. */
    residenceRegionCode: divisionCode("residence_region_code"),
    /** The snapshot date of the item's last change (opened, moved, reclassified, closed). */
    syncedOn: isoDate("synced_on").notNull(),
    closedOn: isoDate("closed_on"),
    outcome: text("outcome"),
  },
  (t) => [
    uniqueIndex("follow_up_items_open_child_key")
      .on(t.childId)
      .where(sql`closed_on is null`),
    index("follow_up_items_actor_idx")
      .on(t.responsibleActor, t.responsibleCode)
      .where(sql`closed_on is null`),
    index("follow_up_items_due_idx")
      .on(t.dueOn)
      .where(sql`closed_on is null`),
    index("follow_up_items_child_idx").on(t.childId),
    check("follow_up_items_status_check", oneOf("status", COVERAGE_STATUSES)),
    check("follow_up_items_actor_check", oneOf("responsible_actor", RESPONSIBLE_ACTORS)),
    check("follow_up_items_outcome_check", oneOf("outcome", FOLLOW_UP_OUTCOMES)),
    check("follow_up_items_closed_check", sql`(closed_on is null) = (outcome is null)`),
  ],
);

/** Every change of an item, dated by the snapshot that showed it. */
export const followUpItemHistory = hubSchema.table(
  "follow_up_item_history",
  {
    id: surrogateId(),
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => followUpItems.id),
    on: isoDate("on").notNull(),
    event: text("event").notNull(),
    fromActor: text("from_actor"),
    fromCode: text("from_code"),
    toActor: text("to_actor"),
    toCode: text("to_code"),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    outcome: text("outcome"),
    recordedAt: at("recorded_at").notNull().defaultNow(),
  },
  (t) => [
    index("follow_up_item_history_item_idx").on(t.itemId, t.on),
    check("follow_up_item_history_event_check", oneOf("event", FOLLOW_UP_EVENTS)),
  ],
);

/** Which snapshot dates items were synced with: a sync never goes back before the newest. */
export const followUpSyncs = hubSchema.table("follow_up_syncs", {
  asOf: isoDate("as_of").primaryKey(),
  syncedAt: at("synced_at").notNull().defaultNow(),
  opened: integer("opened").notNull(),
  closed: integer("closed").notNull(),
  moved: integer("moved").notNull(),
  reclassified: integer("reclassified").notNull(),
});

/**
 * The reminder schedule (src/followup/reminders.ts): the days before an item's due date a
 * reminder goes out, for the province, in force from a date until the next row's. Its own table
 * rather than a key of hub.policy_settings, whose keys are the coverage policy's.
 */
export const reminderSettings = hubSchema.table("reminder_settings", {
  effectiveFrom: isoDate("effective_from").primaryKey(),
  /** Days before the due date, e.g. {30,14,3}. */
  offsetsDays: integer("offsets_days").array().notNull(),
  changedAt: at("changed_at").notNull().defaultNow(),
  changedBy: text("changed_by").notNull(),
});
