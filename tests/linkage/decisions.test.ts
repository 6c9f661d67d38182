import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import type { SourceKind } from "../../src/db/enums.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { mergeChildren, resolveReview, splitChild, undoEvent } from "../../src/linkage/decisions.ts";
import { linkAll, linkRecords } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

interface LinkSnapshot {
  source: string;
  record_id: string;
  child_id: number;
  rule: string;
  score: number | null;
  linked_at: string;
}

describe.each(ENGINES)("merge, split, review and undo on %s", (engine) => {
  let database: TestDatabase;
  const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => queryRows<T>(database.db, q);
  const snapshot = async (childIds: number[]) =>
    (
      await rows<LinkSnapshot & Record<string, unknown>>(
        sql`select source, record_id, child_id::int as child_id, rule, score, linked_at::text as linked_at
            from hub.links where unlinked_at is null and child_id = any(${sql.param(childIds)}::bigint[])
            order by source, record_id`,
      )
    ).map((r) => ({ ...r, child_id: Number(r.child_id) }));
  const childState = async (id: number) =>
    (
      await rows<{ state: string; merged_into: number | null }>(
        sql`select state, merged_into::int as merged_into from hub.children where id = ${id}`,
      )
    )[0];

  /** A child with an ID number and at least three records, one of them a clinic record. */
  let child: number;
  let clinicRecord: { source: SourceKind; recordId: string };

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 300, seed: 11, asOf: "2026-06-30" });
    await linkAll(database.db);
    const [row] = await rows<{ child_id: number; record_id: string }>(sql`
      select l.child_id::int as child_id,
             min(l.record_id) filter (where l.source = 'health.immunization_record') as record_id
      from hub.links l where l.unlinked_at is null group by l.child_id
      having count(*) >= 3 and count(*) filter (where l.source = 'health.immunization_record') = 1
         and count(*) filter (where l.rule = 'ID_NUMBER') >= 2
      order by l.child_id limit 1`);
    child = Number(row!.child_id);
    clinicRecord = { source: "health.immunization_record", recordId: row!.record_id };
  }, 120_000);
  afterAll(async () => database?.close());

  it("splits records off into a new child, and undo restores the links exactly", async () => {
    const before = await snapshot([child]);
    const [{ last }] = (await rows<{ last: number }>(sql`select max(id)::int as last from hub.children`)) as [
      { last: number },
    ];
    const { eventId, childId: splitOff } = await splitChild(database.db, child, [clinicRecord], "officer-1");
    // The first link reserved its children's ids from the sequence: the next child follows them.
    expect(splitOff).toBe(Number(last) + 1);
    const after = await snapshot([child, splitOff]);
    expect(after.find((l) => l.record_id === clinicRecord.recordId)).toMatchObject({
      child_id: splitOff,
      rule: "MANUAL_SPLIT",
    });
    expect(after.filter((l) => l.child_id === child)).toHaveLength(before.length - 1);

    await undoEvent(database.db, eventId, "officer-1");
    expect(await snapshot([child, splitOff])).toEqual(before);
    expect(await childState(splitOff)).toEqual({ state: "MERGED", merged_into: child });
    const [event] = await rows<{ undone_by: number | null }>(
      sql`select undone_by from hub.child_events where id = ${eventId}`,
    );
    expect(event!.undone_by).not.toBeNull();
  });

  it("merges two children and undo restores both exactly", async () => {
    const { childId: other, eventId: splitEvent } = await splitChild(database.db, child, [clinicRecord], "officer-1");
    const before = await snapshot([child, other]);
    const { eventId } = await mergeChildren(database.db, child, other, "officer-2");
    const merged = await snapshot([child, other]);
    expect(merged.every((l) => l.child_id === child)).toBe(true);
    expect(merged.find((l) => l.record_id === clinicRecord.recordId)!.rule).toBe("MANUAL_MERGE");
    expect(await childState(other)).toEqual({ state: "MERGED", merged_into: child });

    await undoEvent(database.db, eventId, "officer-2");
    expect(await snapshot([child, other])).toEqual(before);
    expect(await childState(other)).toEqual({ state: "ACTIVE", merged_into: null });
    await undoEvent(database.db, splitEvent, "officer-1");
  });

  it("refuses to undo an event twice, or one whose links were moved since", async () => {
    const { childId: other, eventId: splitEvent } = await splitChild(database.db, child, [clinicRecord], "officer-1");
    const { eventId: mergeEvent } = await mergeChildren(database.db, child, other, "officer-2");
    await expect(undoEvent(database.db, splitEvent, "officer-1")).rejects.toThrow(
      /can be undone only while its links stand/,
    );
    await undoEvent(database.db, mergeEvent, "officer-2");
    await expect(undoEvent(database.db, mergeEvent, "officer-2")).rejects.toThrow(/must not be undone already/);
    await undoEvent(database.db, splitEvent, "officer-1");
  });

  it("refuses to merge two children with different ID numbers", async () => {
    const [row] = await rows<{ child_id: number }>(sql`
      select child_id::int as child_id from hub.links
       where unlinked_at is null and rule = 'ID_NUMBER' and child_id <> ${child} order by child_id limit 1`);
    await expect(mergeChildren(database.db, child, Number(row!.child_id), "officer-3")).rejects.toThrow(
      /DIFFERENT_ID_NUMBERS/,
    );
  });

  it(
    "resolves a review as the same child (a merge, undoable) " + "or as different children (never linked again)",
    async () => {
      const { childId: other } = await splitChild(database.db, child, [clinicRecord], "officer-1");
      const before = await snapshot([child, other]);
      const [review] = await rows<{ id: number }>(sql`
      insert into hub.link_reviews (source, record_id, candidate_child_id, score, evidence, region_code)
      values (${clinicRecord.source}, ${clinicRecord.recordId}, ${child}, 12, '{}'::jsonb, null)
      returning id::int as id`);
      const { eventId } = await resolveReview(database.db, Number(review!.id), "SAME_CHILD", "officer-4");
      expect((await snapshot([child, other])).every((l) => l.child_id === child)).toBe(true);
      await expect(resolveReview(database.db, Number(review!.id), "SAME_CHILD", "officer-4")).rejects.toThrow(
        /must be OPEN/,
      );

      await undoEvent(database.db, eventId, "officer-4");
      expect(await snapshot([child, other])).toEqual(before);
      const [reopened] = await rows<{ status: string }>(
        sql`select status from hub.link_reviews where id = ${Number(review!.id)}`,
      );
      expect(reopened!.status).toBe("OPEN");

      await resolveReview(database.db, Number(review!.id), "DIFFERENT_CHILDREN", "officer-4");
      const relinked = await linkRecords(database.db, [clinicRecord]);
      expect(relinked.linksOpened).toBe(0);
      expect((await snapshot([other])).map((l) => l.record_id)).toEqual([clinicRecord.recordId]);
    },
  );
});
