import { desc, lte, sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { reminderSettings } from "../db/tables/followup.ts";
import { loadCoveragePolicy } from "../coverage/load-policy.ts";
import { isValidIsoDate, type IsoDate } from "../domain/dates.ts";
import { InputError } from "../errors.ts";

/**
 * Reminders and escalations (issue 21, item 3): written into the outbox (outbox.ts) for the
 * dispatcher to deliver, each under a deterministic idempotency key, so running the schedule
 * again the same day, or every day, never writes one twice.
 *
 * - A reminder goes to the item's responsible actor on the day its due date is one of the
 *   reminder offsets away (by default 30, 14 and 3 days). An item that opens late gets the
 *   latest offset it has already passed the day it is first scheduled (an item opened 10 days
 *   before its due date gets the 14-day reminder at once, then the 3-day one), never the
 *   earlier ones all at once. Key: `followup:item:<id>:reminder:<offset>`.
 * - An item still open on its due date escalates that day to the insurance office of the
 *   child's county (the province's office when the child cannot be placed), once. Key:
 *   `followup:item:<id>:escalation`.
 * - Family doctors are reached by SMS (their number is on record, sms.ts), every other actor,
 *   and every escalation, by webhook. Payloads hold ids, codes and dates only.
 */

/** The schedule the hub assumes until the province sets one: the example. */
export const DEFAULT_REMINDER_OFFSETS: readonly number[] = [30, 14, 3];
const MAX_OFFSET_DAYS = 365;
/** When on its day a notification becomes due: 09:00 in China, office hours. */
const SEND_TIME = "T09:00:00+08:00";

/**
 * Sets the reminder offsets in force from a date (until a later row's date). Offsets are whole
 * days before the due date, 1 to 365, each once; stored largest first.
 *
 *   await setReminderOffsets(db, { effectiveFrom: "2026-09-01", offsetsDays: [30, 14, 7, 3], changedBy: "file:ops" })
 */
export async function setReminderOffsets(
  db: Db,
  input: { effectiveFrom: IsoDate; offsetsDays: readonly number[]; changedBy: string },
): Promise<void> {
  if (!isValidIsoDate(input.effectiveFrom))
    throw new InputError("effectiveFrom", `must be a date like 2026-09-01, but got "${input.effectiveFrom}"`);
  const offsets = validOffsets(input.offsetsDays);
  await db
    .insert(reminderSettings)
    .values({ effectiveFrom: input.effectiveFrom, offsetsDays: offsets, changedBy: input.changedBy })
    .onConflictDoUpdate({
      target: reminderSettings.effectiveFrom,
      set: { offsetsDays: offsets, changedBy: input.changedBy, changedAt: new Date() },
    });
}

/**
 * Whole days, 1 to 365, none twice, at least one: largest first.
 *
 *   validOffsets([3, 30, 14])  // [30, 14, 3]
 */
export function validOffsets(offsets: readonly number[]): number[] {
  if (offsets.length === 0) throw new InputError("offsetsDays", "must hold at least one offset, but got none");
  for (const o of offsets)
    if (!Number.isInteger(o) || o < 1 || o > MAX_OFFSET_DAYS)
      throw new InputError("offsetsDays", `must be whole days from 1 to ${MAX_OFFSET_DAYS}, but got ${o}`);
  if (new Set(offsets).size !== offsets.length)
    throw new InputError("offsetsDays", `must name each offset once, but got ${offsets.join(", ")}`);
  return [...offsets].sort((a, b) => b - a);
}

/** The offsets in force on `on`: the latest row from that date or before, else the default. */
export async function reminderOffsetsOn(db: Db, on: IsoDate): Promise<number[]> {
  const [row] = await db
    .select({ offsets: reminderSettings.offsetsDays })
    .from(reminderSettings)
    .where(lte(reminderSettings.effectiveFrom, on))
    .orderBy(desc(reminderSettings.effectiveFrom))
    .limit(1);
  return row ? [...row.offsets] : [...DEFAULT_REMINDER_OFFSETS];
}

export interface ScheduleSummary {
  asOf: IsoDate;
  reminders: number;
  escalations: number;
}

/**
 * Writes the reminders and escalations that fall due on `asOf` for the open follow-up items
 * into the outbox (two statements, whatever the number of items), after syncFollowUps of the
 * same date. Returns how many were new: 0 and 0 when run again.
 *
 *   await scheduleReminders(db, "2026-07-11")  // { asOf: "2026-07-11", reminders: 130, escalations: 12 }
 */
export async function scheduleReminders(db: Db, asOf: IsoDate): Promise<ScheduleSummary> {
  if (!isValidIsoDate(asOf)) throw new InputError("asOf", `must be a date like 2026-07-11, but got "${asOf}"`);
  const offsets = await reminderOffsetsOn(db, asOf);
  const { provinceCode } = await loadCoveragePolicy(db);
  const dueAt = new Date(`${asOf}${SEND_TIME}`);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const reminders = await queryRows<{ id: number | string }>(
      tx,
      sql`
      insert into hub.notifications
             (idempotency_key, channel, kind, recipient_actor, recipient_code, item_id, payload,
              due_at, next_attempt_at)
      select 'followup:item:' || i.id || ':reminder:' || o.days,
             case when i.responsible_actor = 'FAMILY_DOCTOR' then 'sms' else 'webhook' end,
             'REMINDER', i.responsible_actor,
             coalesce(i.responsible_code, trim(i.residence_region_code), ${provinceCode}),
             i.id,
             jsonb_build_object('template', 'FOLLOW_UP_REMINDER', 'itemId', i.id, 'childId', i.child_id,
                                'dueOn', i.due_on::text, 'daysBefore', o.days, 'status', i.status,
                                'reason', i.leading_reason, 'priority', i.priority),
             ${dueAt}, ${dueAt}
        from hub.follow_up_items i
        cross join lateral (select min(x) as days from unnest(${sql.param(offsets)}::int[]) x
                             where x >= i.due_on - ${asOf}::date) o
       where i.closed_on is null and i.due_on >= ${asOf}::date
         and i.due_on <= ${asOf}::date + ${Math.max(...offsets)}::int and o.days is not null
      on conflict (idempotency_key) do nothing
      returning id`,
    );
    const escalations = await queryRows<{ id: number | string }>(
      tx,
      sql`
      insert into hub.notifications
             (idempotency_key, channel, kind, recipient_actor, recipient_code, item_id, payload,
              due_at, next_attempt_at)
      select 'followup:item:' || i.id || ':escalation', 'webhook', 'ESCALATION', 'INSURANCE_OFFICE',
             coalesce(trim(i.residence_region_code), ${provinceCode}), i.id,
             jsonb_build_object('template', 'FOLLOW_UP_ESCALATION', 'itemId', i.id, 'childId', i.child_id,
                                'dueOn', i.due_on::text, 'status', i.status, 'reason', i.leading_reason,
                                'priority', i.priority, 'responsibleActor', i.responsible_actor,
                                'responsibleCode', i.responsible_code),
             ${dueAt}, ${dueAt}
        from hub.follow_up_items i
       where i.closed_on is null and i.due_on <= ${asOf}::date
      on conflict (idempotency_key) do nothing
      returning id`,
    );
    return { asOf, reminders: reminders.length, escalations: escalations.length };
  });
}
