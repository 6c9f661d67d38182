import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { notifications } from "../db/tables/followup.ts";
import type { AttemptResult, OutgoingNotification } from "./adapter.ts";
import type { NextStep } from "./backoff.ts";

/**
 * The outbox's statements: write notifications, claim the due ones, record each attempt's end.
 *
 * Delivery is at-least-once on the wire and exactly-once in effect. A notification is marked
 * DELIVERED only after the receiver answered 2xx, in a transaction of its own; a dispatcher that
 * dies between the answer and that commit leaves it PENDING, and the next claim sends it again
 * with the same idempotency key. No design without the receiver's help can do better: the
 * receiver's answer and our commit are two systems. So every receiver must apply a key once
 * (the webhook's `Idempotency-Key`, the SMS gateway's client reference), and then each
 * notification has its effect exactly once (tests/followup/kill.test.ts counts it).
 */

/** A notification to write; `dueAt` defaults to now. */
export interface NewNotification {
  idempotencyKey: string;
  channel: "webhook" | "sms";
  kind: "REMINDER" | "ESCALATION" | "MESSAGE";
  recipientActor: string;
  recipientCode: string;
  itemId?: number | null;
  payload: Record<string, unknown>;
  dueAt?: Date;
}

/**
 * Writes notifications, skipping any whose idempotency key is already in the outbox (whatever
 * its state): writing the same message twice is a no-op. Returns how many were new.
 *
 *   await enqueueNotifications(db, [{ idempotencyKey: "followup:item:42:reminder:14", channel: "sms", … }])  // 1
 */
export async function enqueueNotifications(db: Db, rows: readonly NewNotification[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += 1_000) {
    const slice = rows.slice(start, start + 1_000).map((r) => {
      const dueAt = r.dueAt ?? new Date();
      return {
        idempotencyKey: r.idempotencyKey,
        channel: r.channel,
        kind: r.kind,
        recipientActor: r.recipientActor,
        recipientCode: r.recipientCode,
        itemId: r.itemId ?? null,
        payload: r.payload,
        dueAt,
        nextAttemptAt: dueAt,
      };
    });
    const result = await db
      .insert(notifications)
      .values(slice)
      .onConflictDoNothing({ target: notifications.idempotencyKey })
      .returning({ id: notifications.id });
    inserted += result.length;
  }
  return inserted;
}

export interface ClaimOptions {
  /** Who claims: written into the claim and the delivery log. */
  dispatcher: string;
  limit: number;
  /** How long the claim holds: longer than an attempt can take (its timeout and the commit after). */
  leaseMs: number;
  maxAttempts: number;
  /** Only these channels (the ones the dispatcher has adapters for). */
  channels: readonly ("webhook" | "sms")[];
}

type ClaimedRow = {
  id: number | string;
  idempotency_key: string;
  channel: "webhook" | "sms";
  kind: string;
  recipient_actor: string;
  recipient_code: string;
  item_id: number | string | null;
  payload: Record<string, unknown> | string;
  attempts: number;
};

/**
 * Claims up to `limit` due notifications for this dispatcher, in one transaction: each gets its
 * attempt counted (a claim is an attempt, so a message whose delivery kills the dispatcher cannot
 * loop forever), a lease, and a delivery-log row IN_FLIGHT; an earlier attempt still IN_FLIGHT
 * (its dispatcher died) is marked ABANDONED. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
 * dispatchers claim side by side without waiting for or taking each other's rows; a row whose
 * lease has run out is claimable again. Notifications whose attempts ran out while their last
 * claim was abandoned become FAILED here.
 */
export async function claimDue(db: Db, options: ClaimOptions): Promise<OutgoingNotification[]> {
  const channels = sql.param([...options.channels]);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await tx.execute(sql`
      update hub.notifications
         set state = 'FAILED', claimed_by = null, claim_expires_at = null,
             last_error = 'abandoned: its last attempt never finished (the dispatcher stopped)'
       where state = 'PENDING' and attempts >= ${options.maxAttempts}
         and (claim_expires_at is null or claim_expires_at < now())`);
    const rows = await queryRows<ClaimedRow>(
      tx,
      sql`
      with due as (
        select id from hub.notifications
         where state = 'PENDING' and next_attempt_at <= now() and attempts < ${options.maxAttempts}
           and (claim_expires_at is null or claim_expires_at < now())
           and channel = any(${channels}::text[])
         order by next_attempt_at, id
         limit ${options.limit}
         for update skip locked)
      update hub.notifications n
         set attempts = n.attempts + 1, claimed_by = ${options.dispatcher},
             claim_expires_at = now() + make_interval(secs => ${options.leaseMs / 1000})
        from due where n.id = due.id
      returning n.id, n.idempotency_key, n.channel, n.kind, n.recipient_actor, n.recipient_code, n.item_id,
                n.payload, n.attempts`,
    );
    if (rows.length === 0) return [];
    const ids = sql.param(rows.map((r) => Number(r.id)));
    await tx.execute(sql`
      update hub.notification_deliveries set outcome = 'ABANDONED'
       where notification_id = any(${ids}::bigint[]) and outcome = 'IN_FLIGHT'`);
    await tx.execute(sql`
      insert into hub.notification_deliveries (notification_id, attempt, dispatcher)
      select n.id, n.attempts, ${options.dispatcher} from hub.notifications n where n.id = any(${ids}::bigint[])`);
    return rows
      .map((r) => ({
        id: Number(r.id),
        idempotencyKey: r.idempotency_key,
        channel: r.channel,
        kind: r.kind,
        recipientActor: r.recipient_actor,
        recipientCode: r.recipient_code,
        itemId: r.item_id === null ? null : Number(r.item_id),
        payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        attempt: r.attempts,
      }))
      .sort((a, b) => a.id - b.id);
  });
}

/**
 * Records how an attempt ended, in one transaction: its delivery-log row, and the notification —
 * DELIVERED, or back to PENDING at its next attempt, or FAILED. A delivery counts whoever holds
 * the claim now, and even after another attempt gave up (the message did arrive); a failure
 * reschedules only under this attempt's own claim, so a dispatcher whose lease ran out cannot
 * undo a newer attempt's schedule.
 */
export async function finishAttempt(
  db: Db,
  n: OutgoingNotification,
  result: AttemptResult,
  next: NextStep | null,
  options: { dispatcher: string; durationMs: number },
): Promise<void> {
  await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const outcome = result.outcome === "DELIVERED" ? "DELIVERED" : result.outcome;
    await tx.execute(sql`
      update hub.notification_deliveries
         set outcome = ${outcome}, finished_at = now(), http_status = ${result.httpStatus},
             error = ${result.error}, duration_ms = ${Math.round(options.durationMs)}
       where notification_id = ${n.id} and attempt = ${n.attempt}`);
    const mine = sql`claimed_by = ${options.dispatcher} and attempts = ${n.attempt}`;
    if (result.outcome === "DELIVERED") {
      await tx.execute(sql`
        update hub.notifications
           set state = 'DELIVERED', delivered_at = now(), last_error = null,
               claimed_by = case when ${mine} then null else claimed_by end,
               claim_expires_at = case when ${mine} then null else claim_expires_at end
         where id = ${n.id} and state <> 'DELIVERED'`);
    } else if (next?.kind === "retry") {
      await tx.execute(sql`
        update hub.notifications
           set next_attempt_at = now() + make_interval(secs => ${next.delayMs / 1000}), last_error = ${result.error},
               claimed_by = null, claim_expires_at = null
         where id = ${n.id} and state = 'PENDING' and ${mine}`);
    } else {
      const why = next?.kind === "give-up" ? `${next.why}: ${result.error ?? ""}` : result.error;
      await tx.execute(sql`
        update hub.notifications
           set state = 'FAILED', last_error = ${why}, claimed_by = null, claim_expires_at = null
         where id = ${n.id} and state = 'PENDING' and ${mine}`);
    }
  });
}

/**
 * Frees every claim at once: for a PGlite directory, which one process holds at a time, so any
 * claim found at start-up belongs to a dispatcher that died. Never on a shared server, where
 * another dispatcher may be at work (its leases expire by themselves).
 */
export async function releaseAllClaims(db: Db): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update hub.notifications set claim_expires_at = null
         where state = 'PENDING' and claim_expires_at is not null returning id`,
  );
  return rows.length;
}
