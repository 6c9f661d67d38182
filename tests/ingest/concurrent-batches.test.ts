import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { recordKind } from "../../src/ingest/kinds/index.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { submitAs, type Row } from "./submit.ts";

/**
 * Issue 18, finding 15: department systems send their batches when they like, so two batches
 * about the same children arrive at once. Each is one transaction that writes records, links
 * them and assesses the children's coverage again; neither may fail for the other (on
 * PostgreSQL they run side by side; PGlite runs one transaction at a time anyway).
 */

const AS_OF = "2026-06-30";
const enrollments = recordKind("insurance.enrollment")!;

describe.each(ENGINES)("batches about the same children at once, on %s", (engine) => {
  let hub: TestHub;
  let children: { id_number: string; name: string; sex: string; birth_date: string; area: string }[];

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 300, seed: 9, asOf: AS_OF });
    // A snapshot to keep up to date: each batch re-assesses the children it touches in it.
    await buildSnapshot(hub.database.db, AS_OF);
    children = await queryRows(
      hub.database.db,
      sql`select id_number, name, sex, birth_date::text as birth_date, left(hukou_region_code, 4) || '00' as area
          from household.persons
          where registration_kind = 'LOCAL_HUKOU' and id_number is not null and birth_date > '2012-01-01'
          order by id limit 40`,
    );
  }, 180_000);
  afterAll(async () => hub?.close());

  /** A new enrollment of each child for `year`, under record ids of `tag`. */
  const enrollmentsOf = (tag: string, year: number): Row[] =>
    children.map((c, i) => ({
      record_id: `T1815-${tag}-${i}`,
      id_number: c.id_number,
      birth_certificate_number: "",
      name: c.name,
      sex: c.sex,
      birth_date: c.birth_date,
      area_code: c.area,
      coverage_year: String(year),
      insurance_type: "390",
      status: "ACTIVE",
      enrolled_on: `${year - 1}-11-20`,
      paid_on: `${year - 1}-11-20`,
      benefit_starts_on: `${year}-01-01`,
    }));

  it("#18.15 takes two batches about the same children at once, both whole, with no internal error", async () => {
    for (const round of [1, 2, 3]) {
      const [a, b] = await Promise.all([
        submitAs(hub, "33", enrollments, enrollmentsOf(`A${round}`, 2026 + round)),
        submitAs(hub, "33", enrollments, enrollmentsOf(`B${round}`, 2030 + round)),
      ]);

      for (const result of [a, b]) {
        expect(result.errors).toEqual([]);
        expect(result.report).toMatchObject({ accepted: children.length, rejectedRows: 0 });
      }
    }
    // Every new enrollment is linked, and to the child its ID number names.
    const links = await queryRows<{ records: number; children: number }>(
      hub.database.db,
      sql`select count(*)::int as records, count(distinct l.child_id)::int as children
          from hub.links l join insurance.enrollments e on e.record_id = l.record_id
          where l.source = 'insurance.enrollment' and l.unlinked_at is null and e.record_id like 'T1815-%'`,
    );
    expect(links).toEqual([{ records: children.length * 6, children: children.length }]);
  });

  it("#18.15 takes the same batch sent twice at once: one writes it, the other finds it unchanged", async () => {
    const rows = enrollmentsOf("SAME", 2040);

    const [a, b] = await Promise.all([submitAs(hub, "33", enrollments, rows), submitAs(hub, "33", enrollments, rows)]);

    expect([a.errors, b.errors]).toEqual([[], []]);
    const counts = [a.report!, b.report!].map((r) => [r.accepted, r.unchanged]).sort();
    expect(counts).toEqual([
      [0, children.length],
      [children.length, 0],
    ]);
  });
});
