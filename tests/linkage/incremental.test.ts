import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import type { SourceKind } from "../../src/db/enums.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { linkRecords } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { measurePairAccuracy } from "./helpers.ts";

describe.each(ENGINES)("incremental linking on %s", (engine) => {
  let database: TestDatabase;
  const refsOf = async (where: ReturnType<typeof sql>) =>
    (
      await queryRows<{ source: SourceKind; record_id: string }>(
        database.db,
        sql`select source, record_id from truth.records where ${where} order by source, record_id`,
      )
    ).map((r) => ({
      source: r.source,
      recordId: r.record_id,
    }));

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 2_000, seed: 5, asOf: "2026-06-30" });
  }, 120_000);
  afterAll(async () => database?.close());

  it("links department by department as accurately as a full link", async () => {
    await linkRecords(
      database.db,
      await refsOf(sql`source in ('household.person', 'education.student', 'insurance.enrollment')`),
    );
    await linkRecords(database.db, await refsOf(sql`source = 'health.birth_certificate'`));
    await linkRecords(
      database.db,
      await refsOf(sql`source in ('health.immunization_record', 'health.doctor_contract')`),
    );
    const accuracy = await measurePairAccuracy(database.db);
    console.log(`[${engine}] incremental`, JSON.stringify(accuracy));
    expect(accuracy.linkedRecords).toBe(accuracy.records);
    expect(accuracy.precision).toBeGreaterThanOrEqual(0.995);
    expect(accuracy.recall).toBeGreaterThanOrEqual(0.99);
  });

  it("touches only the new record's blocks, and relinking an unchanged record changes nothing", async () => {
    const [one] = await refsOf(sql`source = 'health.immunization_record'`);
    const summary = await linkRecords(database.db, [one!]);
    expect(summary.stats.records).toBeLessThan(200);
    expect(summary.linksOpened).toBe(0);
    expect(summary.linksClosed).toBe(0);
  });

  it("links a new clinic record that carries only a name, birth date, sex and a guardian's phone", async () => {
    const [child] = await queryRows<{ name: string; sex: string; birth_date: string; phone: string; child_id: number }>(
      database.db,
      sql`select p.name, p.sex, p.birth_date::text as birth_date, g.guardian_phone as phone, l.child_id::int as child_id
          from household.persons p
          join household.guardianships g on g.child_record_id = p.record_id and g.guardian_phone is not null
          join hub.links l on l.source = 'household.person' and l.record_id = p.record_id and l.unlinked_at is null
          order by p.id limit 1`,
    );
    await database.db.execute(sql`insert into health.immunization_records
      (record_id, site_code, child_name, sex, birth_date, guardian_phone)
      values ('IM-NEW-1', 'X', ${child!.name}, ${child!.sex}, ${child!.birth_date}, ${child!.phone})`);
    const summary = await linkRecords(database.db, [{ source: "health.immunization_record", recordId: "IM-NEW-1" }]);
    const [link] = await queryRows<{ child_id: number; rule: string }>(
      database.db,
      sql`select child_id::int as child_id, rule from hub.links where record_id = 'IM-NEW-1' and unlinked_at is null`,
    );
    expect(link).toEqual({ child_id: child!.child_id, rule: "PROBABILISTIC" });
    expect(summary.linksOpened).toBe(1);
  });

  it("returns the children whose links it opened or closed: a record's new child, and the child it left", async () => {
    const people = await queryRows<{ name: string; sex: string; birth_date: string; phone: string; child_id: number }>(
      database.db,
      sql`select p.name, p.sex, p.birth_date::text as birth_date, g.guardian_phone as phone, l.child_id::int as child_id
          from household.persons p
          join household.guardianships g on g.child_record_id = p.record_id and g.guardian_phone is not null
          join hub.links l on l.source = 'household.person' and l.record_id = p.record_id and l.unlinked_at is null
          order by p.id limit 2 offset 1`,
    );
    const [first, second] = people as [(typeof people)[0], (typeof people)[0]];
    const childOf = async (recordId: string) =>
      (
        await queryRows<{ child_id: number }>(
          database.db,
          sql`select child_id::int as child_id from hub.links where record_id = ${recordId} and unlinked_at is null`,
        )
      )[0]!.child_id;
    const ref = { source: "health.immunization_record" as const, recordId: "IM-TOUCH-1" };
    await database.db.execute(sql`insert into health.immunization_records
      (record_id, site_code, child_name, sex, birth_date, guardian_phone)
      values ('IM-TOUCH-1', 'X', ${first.name}, ${first.sex}, ${first.birth_date}, ${first.phone})`);

    const linked = await linkRecords(database.db, [ref]);
    expect(linked.touchedChildIds).toEqual([await childOf("IM-TOUCH-1")]);

    const unchanged = await linkRecords(database.db, [ref]);
    expect(unchanged.touchedChildIds).toEqual([]);

    const left = await childOf("IM-TOUCH-1");
    await database.db.execute(sql`update health.immunization_records
      set child_name = ${second.name}, sex = ${second.sex}, birth_date = ${second.birth_date},
        guardian_phone = ${second.phone}
      where record_id = 'IM-TOUCH-1'`);
    const moved = await linkRecords(database.db, [ref]);
    const joined = await childOf("IM-TOUCH-1");
    expect(joined).not.toBe(left);
    expect(moved.touchedChildIds).toEqual([left, joined].sort((a, b) => a - b));
  });
});
