import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/coverage/store.ts";
import type { Db } from "../../src/db/client.ts";
import { syncFollowUps } from "../../src/followup/items.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { REASON_PRIORITY } from "../../src/domain/coverage-terms.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";
import { historyCounts, itemRows, snapshotRows, type SnapshotRow } from "./snapshot-rows.ts";

/**
 * A generated province replayed over successive as-of dates: the province is written as of the
 * last date, and each earlier snapshot sees only what had happened by its date (coverage counts
 * no enrollment made later), so from date to date newborns arrive and enroll or pass their
 * deadline, the coverage year turns, children age out. After each day's snapshot the items are
 * synced and compared with what the issue says they must be, derived here from the snapshot's
 * rows as data: one open item per gap, for its responsible actor; closed as ENROLLED the first
 * day the child has no gap, as GONE the first day it is not in the snapshot; moved when the actor
 * changes; due on the newborn deadline, the code window's end or the collection period's end.
 */
const DATES = ["2025-12-20", "2026-01-05", "2026-02-15", "2026-03-31", "2026-05-10", "2026-06-01", "2026-06-30"];
const CHILDREN = 1_200;

/** What a gap is (DESIGN.md, issue 21): not insured, or insured and still owed a needy child's subsidy. */
const OWED = new Set(["NEEDY_WITHOUT_SUBSIDY", "SUBSIDY_BELOW_SETTING"]);
const isGap = (r: SnapshotRow) => r.status !== "INSURED" || r.reasons.some((x) => OWED.has(x));
const leadOf = (r: SnapshotRow) => REASON_PRIORITY.find((x) => r.reasons.includes(x)) ?? "UNEXPLAINED";

/**
 * The due date the issue gives a gap first seen on `asOf`: the newborn deadline, the end of the
 * 180-day code window, the end of the collection period. The generated province's areas all
 * collect from 1 September to 31 December for the next year, so on any date of year Y the
 * period that has not closed yet ends on Y-12-31.
 */
function dueOf(r: SnapshotRow, asOf: string): string {
  if (r.status === "NEWBORN_IN_WINDOW") return r.deadline!;
  if (r.status === "NEWBORN_OVERDUE" && r.codeWindowEndsOn! >= asOf) return r.codeWindowEndsOn!;
  return `${asOf.slice(0, 4)}-12-31`;
}
const priorityOf = (r: SnapshotRow) =>
  r.status === "NEWBORN_IN_WINDOW" || r.status === "NEWBORN_OVERDUE" ? 1 : r.needyCategory ? 2 : 3;

interface Expected {
  childId: number;
  openedOn: string;
  dueOn: string;
  priority: number;
  status: string;
  lead: string;
  actor: string;
  code: string | null;
  closedOn: string | null;
  outcome: string | null;
}

describe.each(ENGINES)("follow-up items over a replayed province on %s", (engine) => {
  let database: TestDatabase;
  let db: Db;
  const expected: Expected[] = [];
  const events: Record<string, number> = {};
  const count = (on: string, event: string) => (events[`${on} ${event}`] = (events[`${on} ${event}`] ?? 0) + 1);
  const seen = { enrolled: 0, gone: 0, moved: 0, reclassified: 0 };

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    db = database.db;
    await generateProvince(db, { children: CHILDREN, seed: 21, asOf: DATES.at(-1)! });
    await linkFromTruth(db);
  });
  afterAll(async () => database?.close());

  it.each(DATES.map((d, i) => [i, d] as const))(
    "day %i (%s): items open, close and move as the gaps do",
    async (_, asOf) => {
      await buildSnapshot(db, asOf);
      const rows = await snapshotRows(db, asOf);

      // The expectation, from the snapshot rows alone.
      const want = { opened: 0, closed: 0, moved: 0, reclassified: 0 };
      const open = new Map(expected.filter((e) => e.closedOn === null).map((e) => [e.childId, e]));
      for (const item of open.values()) {
        const row = rows.get(item.childId);
        if (!row || !isGap(row)) {
          item.closedOn = asOf;
          item.outcome = row ? "ENROLLED" : "GONE";
          if (row) expect(row.status).toBe("INSURED");
          want.closed += 1;
          count(asOf, "CLOSED");
          seen[row ? "enrolled" : "gone"] += 1;
          continue;
        }
        const actor = row.actor ?? "INSURANCE_OFFICE";
        if (actor !== item.actor || row.code !== item.code) {
          want.moved += 1;
          count(asOf, "MOVED");
          seen.moved += 1;
        } else if (row.status !== item.status || leadOf(row) !== item.lead) {
          want.reclassified += 1;
          count(asOf, "RECLASSIFIED");
          seen.reclassified += 1;
        }
        Object.assign(item, {
          actor,
          code: row.code,
          status: row.status,
          lead: leadOf(row),
          priority: priorityOf(row),
        });
      }
      for (const row of rows.values()) {
        if (!isGap(row) || open.has(row.childId)) continue;
        expected.push({
          childId: row.childId,
          openedOn: asOf,
          dueOn: dueOf(row, asOf),
          priority: priorityOf(row),
          status: row.status,
          lead: leadOf(row),
          actor: row.actor ?? "INSURANCE_OFFICE",
          code: row.code,
          closedOn: null,
          outcome: null,
        });
        want.opened += 1;
        count(asOf, "OPENED");
      }

      const summary = await syncFollowUps(db, asOf);
      expect(summary).toEqual({ asOf, ...want });

      const stored = await itemRows(db);
      const shape = (e: Omit<Expected, "lead"> | (typeof stored)[number]) => [
        e.childId,
        e.openedOn,
        e.dueOn,
        e.priority,
        e.status,
        e.actor,
        e.code,
        e.closedOn,
        e.outcome,
      ];
      const byChild = (a: unknown[], b: unknown[]) =>
        (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]));
      expect(stored.map(shape).sort(byChild)).toEqual(expected.map(shape).sort(byChild));
      // Every gap of the day has exactly one open item; no child without a gap has one.
      const gaps = [...rows.values()]
        .filter(isGap)
        .map((r) => r.childId)
        .sort((a, b) => a - b);
      expect(stored.filter((i) => i.closedOn === null).map((i) => i.childId)).toEqual(gaps);
      expect(await historyCounts(db)).toEqual(events);

      // Run twice, nothing changes.
      expect(await syncFollowUps(db, asOf)).toEqual({ asOf, opened: 0, closed: 0, moved: 0, reclassified: 0 });
      expect(await itemRows(db)).toEqual(stored);
    },
  );

  it("saw every kind of change the replay can show (so the comparisons above could fail)", () => {
    expect(expected.length).toBeGreaterThan(50);
    expect(seen.enrolled).toBeGreaterThan(0);
    expect(seen.reclassified).toBeGreaterThan(0);
    console.log(`${engine}: ${expected.length} items over ${DATES.length} days; closed and changed:`, seen);
  });
});
