import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPolicySettings } from "../../src/coverage/settings-store.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows, type Db } from "../../src/db/client.ts";
import { syncFollowUps } from "../../src/followup/items.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";
import { itemRows, snapshotRows, type SnapshotRow } from "./snapshot-rows.ts";

/**
 * What syncFollowUps makes of each kind of change, on snapshots edited by hand as data: a child's
 * gap handed to another actor, a child gone from the snapshot, a child insured, a newborn past
 * its deadline, an insured needy child still owed a subsidy, a gap that comes back after an item
 * closed, and a collection period that runs into its coverage year. The rows are the snapshot's
 * own (hub.coverage_status); only the values the sync reads are changed.
 */
const D1 = "2026-06-30";
const D2 = "2026-07-01";
const D3 = "2026-07-02";
const D4 = "2027-01-10";
const OWED = ["NEEDY_WITHOUT_SUBSIDY", "SUBSIDY_BELOW_SETTING"];
const isGap = (r: SnapshotRow) => r.status !== "INSURED" || r.reasons.some((x) => OWED.includes(x));

describe.each(ENGINES)("syncing follow-up items with edited snapshots on %s", (engine) => {
  let database: TestDatabase;
  let db: Db;
  let gaps: SnapshotRow[];
  let insured: SnapshotRow[];
  let a: number, b: number, c: number, n: number, i: number, j: number;

  /** The snapshot of `from` copied to `to` (registered as built), to be edited. */
  async function copySnapshot(from: string, to: string, year?: number) {
    await db.execute(sql`
      insert into hub.coverage_status
      select (jsonb_populate_record(null::hub.coverage_status,
                to_jsonb(s) || jsonb_build_object('as_of', ${to}::text,
                                                  'coverage_year', coalesce(${year ?? null}::int, s.coverage_year)))).*
        from hub.coverage_status s where s.as_of = ${from}`);
    await db.execute(sql`
      insert into hub.coverage_snapshots (as_of, children)
      select ${to}, count(*)::int from hub.coverage_status where as_of = ${to}`);
  }
  const edit = (asOf: string, child: number, set: ReturnType<typeof sql>) =>
    db.execute(sql`update hub.coverage_status set ${set} where as_of = ${asOf} and child_id = ${child}`);
  const itemsOf = async (child: number) => (await itemRows(db)).filter((r) => r.childId === child);
  const historyOf = (child: number) =>
    queryRows<Record<string, unknown>>(
      db,
      sql`select h."on"::text as on, h.event, h.from_actor, h.from_code, h.to_actor, h.to_code, h.from_status,
                 h.to_status, h.outcome
            from hub.follow_up_item_history h join hub.follow_up_items i on i.id = h.item_id
           where i.child_id = ${child} order by h.id`,
    );

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    db = database.db;
    await generateProvince(db, { children: 300, seed: 5, asOf: D1 });
    await linkFromTruth(db);
    await buildSnapshot(db, D1);
    const rows = [...(await snapshotRows(db, D1)).values()].sort((x, y) => x.childId - y.childId);
    gaps = rows.filter(isGap);
    insured = rows.filter((r) => !isGap(r));
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    [a, b, c, n] = gaps.map((r) => r.childId) as [number, number, number, number];
    [i, j] = insured.map((r) => r.childId) as [number, number];
    // Child n, as a newborn in its window: due on its deadline.
    await edit(
      D1,
      n,
      sql`status = 'NEWBORN_IN_WINDOW', reasons = '{NEVER_ENROLLED}', deadline = '2026-07-20',
          code_window_ends_on = '2026-10-01', responsible_actor = 'FAMILY_DOCTOR', responsible_code = 'D3301060001'`,
    );
  });
  afterAll(async () => database?.close());

  it("opens one item per gap, for its actor, due as the issue says", async () => {
    expect(await syncFollowUps(db, D1)).toEqual({
      asOf: D1,
      opened: gaps.length,
      closed: 0,
      moved: 0,
      reclassified: 0,
    });
    expect(await itemsOf(n)).toMatchObject([
      { openedOn: D1, dueOn: "2026-07-20", priority: 1, status: "NEWBORN_IN_WINDOW", actor: "FAMILY_DOCTOR" },
    ]);
    const [itemA] = await itemsOf(a);
    const rowA = gaps[0]!;
    expect(itemA).toMatchObject({ actor: rowA.actor, code: rowA.code, status: rowA.status, closedOn: null });
    expect(await itemsOf(i)).toEqual([]);
  });

  it("moves, closes as GONE or ENROLLED, reclassifies and opens, each with its history", async () => {
    const before = (await itemsOf(a))[0]!;
    await copySnapshot(D1, D2);
    await edit(D2, a, sql`responsible_actor = 'FAMILY_DOCTOR', responsible_code = 'D3301069999'`);
    await db.execute(sql`delete from hub.coverage_status where as_of = ${D2} and child_id = ${b}`);
    await edit(D2, c, sql`status = 'INSURED', reasons = '{}', responsible_actor = null, responsible_code = null`);
    await edit(D2, n, sql`status = 'NEWBORN_OVERDUE'`);
    await edit(
      D2,
      i,
      sql`reasons = '{NEEDY_WITHOUT_SUBSIDY}', needy_category = 'MIN_LIVING', responsible_actor = 'MEDICAL_ASSISTANCE',
          responsible_code = '330100'`,
    );

    expect(await syncFollowUps(db, D2)).toEqual({ asOf: D2, opened: 1, closed: 2, moved: 1, reclassified: 1 });

    // Moved: same item, same due date, the new actor; the history says from whom to whom.
    expect(await itemsOf(a)).toEqual([{ ...before, actor: "FAMILY_DOCTOR", code: "D3301069999" }]);
    expect((await historyOf(a)).map((h) => [h.on, h.event, h.from_actor, h.from_code, h.to_actor, h.to_code])).toEqual([
      [D1, "OPENED", null, null, before.actor, before.code],
      [D2, "MOVED", before.actor, before.code, "FAMILY_DOCTOR", "D3301069999"],
    ]);
    expect(await itemsOf(b)).toMatchObject([{ closedOn: D2, outcome: "GONE" }]);
    expect(await itemsOf(c)).toMatchObject([{ closedOn: D2, outcome: "ENROLLED" }]);
    expect((await historyOf(c)).at(-1)).toMatchObject({ on: D2, event: "CLOSED", outcome: "ENROLLED" });
    // Past its deadline the newborn's item keeps its due date: it is overdue now.
    expect(await itemsOf(n)).toMatchObject([{ dueOn: "2026-07-20", status: "NEWBORN_OVERDUE", closedOn: null }]);
    expect((await historyOf(n)).at(-1)).toMatchObject({
      event: "RECLASSIFIED",
      from_status: "NEWBORN_IN_WINDOW",
      to_status: "NEWBORN_OVERDUE",
    });
    // Insured but owed a subsidy: a gap of a needy child, due at the end of the collection period.
    expect(await itemsOf(i)).toMatchObject([
      {
        openedOn: D2,
        dueOn: "2026-12-31",
        priority: 2,
        status: "INSURED",
        actor: "MEDICAL_ASSISTANCE",
        code: "330100",
      },
    ]);
  });

  it("changes nothing when run again on the same snapshot", async () => {
    const items = await itemRows(db);
    expect(await syncFollowUps(db, D2)).toEqual({ asOf: D2, opened: 0, closed: 0, moved: 0, reclassified: 0 });
    expect(await itemRows(db)).toEqual(items);
  });

  it("opens a new item when a closed child's gap comes back, keeping the closed one", async () => {
    await copySnapshot(D2, D3);
    await edit(
      D3,
      c,
      sql`status = 'LAPSED', reasons = '{NOT_RENEWED}', responsible_actor = 'INSURANCE_OFFICE',
          responsible_code = '330100'`,
    );
    expect(await syncFollowUps(db, D3)).toMatchObject({ opened: 1, closed: 0 });
    expect((await itemsOf(c)).map((r) => [r.openedOn, r.closedOn, r.outcome, r.status])).toEqual([
      [D1, D2, "ENROLLED", gaps[2]!.status],
      [D3, null, null, "LAPSED"],
    ]);
  });

  it("refuses a date before one already synced, and a date without a snapshot", async () => {
    await expect(syncFollowUps(db, D1)).rejects.toThrow(/synced with the snapshot of 2026-07-02 already/);
    await expect(syncFollowUps(db, "2026-07-09")).rejects.toThrow(/npm run coverage -- --as-of 2026-07-09/);
  });

  it("dates a gap by a collection period still open in its coverage year", async () => {
    // The province collects for 2027 from 1 September 2026 to 28 February 2027.
    await setPolicySettings(
      db,
      [
        {
          key: "COLLECTION_PERIOD",
          effectiveFrom: "2027-01-01",
          value: { opensOn: "2026-09-01", closesOn: "2027-02-28" },
        },
      ],
      { actor: "test", role: "insurance_officer", source: "file" },
    );
    await copySnapshot(D3, D4, 2027);
    await edit(
      D4,
      j,
      sql`status = 'LAPSED', reasons = '{NOT_RENEWED}', responsible_actor = 'INSURANCE_OFFICE',
          responsible_code = '330100'`,
    );
    await syncFollowUps(db, D4);
    expect(await itemsOf(j)).toMatchObject([{ openedOn: D4, dueOn: "2027-02-28", status: "LAPSED" }]);
  });
});
