import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/db/client.ts";
import { followUpItems } from "../../src/db/tables/followup.ts";
import { addDays } from "../../src/domain/dates.ts";
import { dispatchOnce } from "../../src/followup/dispatcher.ts";
import {
  reminderOffsetsOn,
  scheduleReminders,
  setReminderOffsets,
  validOffsets,
} from "../../src/followup/reminders.ts";
import { createWebhookAdapter } from "../../src/followup/webhook.ts";
import { builders } from "../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { startWebhookReceiver } from "./receivers.ts";

/**
 * The reminder schedule over a month of days, run as the daily job would (twice on some days):
 * items open on different days, one closes early; each reminder must be written once, on the
 * day its offset says, to the item's actor by the actor's channel, and each item still open on
 * its due date must escalate that day, once, to its county's insurance office. Expectations are
 * worked out here from the issue's rule and the items' dates.
 */
const FIRST = "2026-06-20";
const LAST = "2026-08-10";

interface ItemSpec {
  childId: number;
  opensOn: string;
  dueOn: string;
  closesOn: string | null;
  actor: string;
  code: string;
  residence: string | null;
}

/** Four items: opened early, opened 10 days before due, closed after its first reminder, a doctor's. */
const ITEMS: ItemSpec[] = [
  {
    childId: 1,
    opensOn: FIRST,
    dueOn: "2026-07-25",
    closesOn: null,
    actor: "SCHOOL",
    code: "3301060101",
    residence: "330106",
  },
  {
    childId: 2,
    opensOn: "2026-07-05",
    dueOn: "2026-07-15",
    closesOn: null,
    actor: "INSURANCE_OFFICE",
    code: "330100",
    residence: "330102",
  },
  {
    childId: 3,
    opensOn: FIRST,
    dueOn: "2026-07-31",
    closesOn: "2026-07-10",
    actor: "SCHOOL",
    code: "3301060102",
    residence: "330106",
  },
  {
    childId: 4,
    opensOn: "2026-06-22",
    dueOn: "2026-07-20",
    closesOn: null,
    actor: "FAMILY_DOCTOR",
    code: "D3301060001",
    residence: null,
  },
];

describe.each(ENGINES)("reminders and escalations on %s", (engine) => {
  let database: TestDatabase;
  let db: Db;
  const ids = new Map<number, number>();

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    db = database.db;
    // The province (Zhejiang) is known from its institutions.
    await builders(db).school({ region: "330106" });
  });
  afterAll(async () => database?.close());

  it("takes 30, 14 and 3 days until the province sets other offsets, from their date", async () => {
    expect(await reminderOffsetsOn(db, "2026-01-01")).toEqual([30, 14, 3]);
    await setReminderOffsets(db, { effectiveFrom: "2026-09-01", offsetsDays: [3, 7, 30], changedBy: "test" });
    expect(await reminderOffsetsOn(db, "2026-08-31")).toEqual([30, 14, 3]);
    expect(await reminderOffsetsOn(db, "2026-09-01")).toEqual([30, 7, 3]);
    expect(() => validOffsets([14, 14])).toThrow(/each offset once/);
    expect(() => validOffsets([0])).toThrow(/from 1 to 365, but got 0/);
    expect(() => validOffsets([])).toThrow(/at least one/);
  });

  it("writes each reminder once on its day, and escalates each item still open on its due date once", async () => {
    for (let day = FIRST; day <= LAST; day = addDays(day, 1)) {
      for (const spec of ITEMS) {
        if (spec.opensOn === day) {
          const [row] = await db
            .insert(followUpItems)
            .values({
              childId: spec.childId,
              openedOn: day,
              dueOn: spec.dueOn,
              priority: 3,
              status: "LAPSED",
              leadingReason: "NOT_RENEWED",
              coverageYear: 2026,
              responsibleActor: spec.actor,
              responsibleCode: spec.code,
              residenceRegionCode: spec.residence,
              syncedOn: day,
            })
            .returning({ id: followUpItems.id });
          ids.set(spec.childId, row!.id);
        }
        if (spec.closesOn === day)
          await db.execute(
            sql`update hub.follow_up_items set closed_on = ${day}, outcome = 'ENROLLED'
                 where child_id = ${spec.childId}`,
          );
      }
      await scheduleReminders(db, day);
      if (day.endsWith("5"))
        expect(await scheduleReminders(db, day)).toEqual({ asOf: day, reminders: 0, escalations: 0 });
    }

    // The rule, worked out by hand for each item (offsets 30, 14, 3; escalation on the due date).
    const id = (child: number) => ids.get(child)!;
    const expected = [
      // 1: open from well before, due 07-25: 06-25, 07-11, 07-22, escalated 07-25.
      [`followup:item:${id(1)}:reminder:30`, "2026-06-25", "REMINDER", "webhook", "SCHOOL", "3301060101", 30],
      [`followup:item:${id(1)}:reminder:14`, "2026-07-11", "REMINDER", "webhook", "SCHOOL", "3301060101", 14],
      [`followup:item:${id(1)}:reminder:3`, "2026-07-22", "REMINDER", "webhook", "SCHOOL", "3301060101", 3],
      [`followup:item:${id(1)}:escalation`, "2026-07-25", "ESCALATION", "webhook", "INSURANCE_OFFICE", "330106", null],
      // 2: opened 07-05, 10 days before its due date: the 14-day reminder at once, then the 3-day one.
      [`followup:item:${id(2)}:reminder:14`, "2026-07-05", "REMINDER", "webhook", "INSURANCE_OFFICE", "330100", 14],
      [`followup:item:${id(2)}:reminder:3`, "2026-07-12", "REMINDER", "webhook", "INSURANCE_OFFICE", "330100", 3],
      [`followup:item:${id(2)}:escalation`, "2026-07-15", "ESCALATION", "webhook", "INSURANCE_OFFICE", "330102", null],
      // 3: due 07-31, closed 07-10: only the 30-day reminder (07-01), no escalation.
      [`followup:item:${id(3)}:reminder:30`, "2026-07-01", "REMINDER", "webhook", "SCHOOL", "3301060102", 30],
      // 4: a family doctor's (SMS); opened 06-22, due 07-20; the child cannot be placed: the province's office.
      [`followup:item:${id(4)}:reminder:30`, "2026-06-22", "REMINDER", "sms", "FAMILY_DOCTOR", "D3301060001", 30],
      [`followup:item:${id(4)}:reminder:14`, "2026-07-06", "REMINDER", "sms", "FAMILY_DOCTOR", "D3301060001", 14],
      [`followup:item:${id(4)}:reminder:3`, "2026-07-17", "REMINDER", "sms", "FAMILY_DOCTOR", "D3301060001", 3],
      [`followup:item:${id(4)}:escalation`, "2026-07-20", "ESCALATION", "webhook", "INSURANCE_OFFICE", "330000", null],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

    const stored = await queryRows<Record<string, unknown>>(
      db,
      sql`select idempotency_key, to_char(due_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, kind, channel,
                 recipient_actor, recipient_code, (payload->>'daysBefore')::int as days
            from hub.notifications order by idempotency_key`,
    );
    expect(stored.map((r) => Object.values(r))).toEqual(expected);
  });

  it("hands a reminder to the dispatcher, which delivers it with the item and the offset", async () => {
    const secret = "reminder-test-secret-0123456789abcdefgh";
    const webhook = await startWebhookReceiver(secret);
    try {
      await db.execute(
        sql`update hub.notifications set due_at = now(), next_attempt_at = now() where channel = 'webhook'`,
      );
      const summary = await dispatchOnce({
        db,
        adapters: [createWebhookAdapter({ url: webhook.url, secret, timeoutMs: 2_000 })],
        retry: { baseMs: 100, maxMs: 1_000, maxAttempts: 3, jitter: 0 },
        batchSize: 50,
        concurrency: 4,
        leaseMs: 10_000,
        pollMs: 50,
        name: "reminders-test",
      });
      // The 12 written less the family doctor's 3 SMS reminders.
      expect(summary).toEqual({ claimed: 9, delivered: 9, retried: 0, failed: 0 });
      const key = `followup:item:${ids.get(2)!}:reminder:14`;
      expect(webhook.bodies.get(key)).toMatchObject({
        kind: "REMINDER",
        recipient: { actor: "INSURANCE_OFFICE", code: "330100" },
        itemId: ids.get(2),
        payload: { template: "FOLLOW_UP_REMINDER", itemId: ids.get(2), dueOn: "2026-07-15", daysBefore: 14 },
      });
    } finally {
      await webhook.close();
    }
  });
});
