import { eq, getTableColumns, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { ingestBatch } from "../../src/ingest/batch.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { studentRegistrationKind } from "../../src/ingest/kinds/education.ts";
import { recordKind } from "../../src/ingest/kinds/index.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

const AS_OF = "2026-06-30";

/** A registration as a school system would send it: the file's column names, text values. */
function asSent(r: Record<string, unknown>) {
  return {
    record_id: String(r.record_id),
    student_number: String(r.student_number),
    id_number: r.id_number == null ? "" : String(r.id_number),
    name: String(r.name),
    sex: String(r.sex),
    birth_date: String(r.birth_date),
    school_code: String(r.school_code),
    grade: String(r.grade),
    class_name: String(r.class_name),
    school_year: String(r.school_year),
    status: String(r.status),
    guardian_phone: r.guardian_phone == null ? "" : String(r.guardian_phone),
  };
}

describe.each(ENGINES)("ingesting a batch on %s", (engine) => {
  let hub: TestHub;
  let sent: ReturnType<typeof asSent>[];

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 400, seed: 9, asOf: AS_OF });
    await buildSnapshot(hub.database.db, AS_OF);
    const rows = await queryRows<Record<string, unknown>>(
      hub.database.db,
      sql`select record_id, student_number, id_number, name, sex, birth_date::text, school_code, grade, class_name,
            school_year, status, guardian_phone
          from education.student_registrations order by id limit 30`,
    );
    sent = rows.map(asSent);
  }, 120_000);
  afterAll(async () => hub?.close());

  it("changes nothing when a department sends records the hub already holds", async () => {
    const report = await ingestBatch(hub.database.db, studentRegistrationKind, sent);
    expect(report).toMatchObject({
      accepted: 0,
      updated: 0,
      unchanged: 30,
      rejectedRows: 0,
      rejected: [],
      touchedChildren: 0,
    });
  });

  it(
    "writes the good rows of a mixed batch, reports every bad value by row and column, " +
      "and keeps history of a change",
    async () => {
      const changed = { ...sent[0]!, class_name: "9班" };
      const fresh = {
        ...sent[1]!,
        record_id: "NEW-REG-1",
        school_year: "2027",
        grade: String(Number(sent[1]!.grade) + 1),
      };
      const badId = {
        ...sent[2]!,
        record_id: "BAD-1",
        id_number: `${sent[2]!.id_number.slice(0, 17) || "33010620150101001"}Y`,
      };
      const badRegion = { ...sent[3]!, record_id: "BAD-2", birth_date: "2015-02-30", status: "STUDYING" };
      const missing = { ...sent[4]!, record_id: "BAD-3", name: "" };
      const report = await ingestBatch(
        hub.database.db,
        studentRegistrationKind,
        [changed, fresh, badId, badRegion, missing, sent[5]!],
        { firstIndex: 2 },
      );
      expect(report).toMatchObject({ accepted: 1, updated: 1, unchanged: 1, rejectedRows: 3 });
      expect(report.rejected.map((r) => [r.index, r.field])).toEqual([
        [4, "id_number"],
        [5, "birth_date"],
        [5, "status"],
        [6, "name"],
      ]);
      expect(report.rejected.find((r) => r.field === "status")!.message).toMatch(
        /must be one of ENROLLED, TRANSFERRED_OUT, GRADUATED, SUSPENDED, but got "STUDYING"/,
      );
      const [stored] = await queryRows<{ class_name: string }>(
        hub.database.db,
        sql`select class_name from education.student_registrations where record_id = ${changed.record_id}`,
      );
      expect(stored!.class_name).toBe("9班");
      const history = await queryRows<{ previous: { class_name: string } | string }>(
        hub.database.db,
        sql`select previous from ingest.record_versions where record_id = ${changed.record_id}`,
      );
      const previous =
        typeof history[0]!.previous === "string" ? JSON.parse(history[0]!.previous) : history[0]!.previous;
      expect(previous.class_name).toBe(sent[0]!.class_name);
      // The new registration is linked to its child, and that child's coverage was assessed again.
      const [link] = await queryRows<{ child_id: number | string }>(
        hub.database.db,
        sql`select child_id from hub.links
          where source = 'education.student' and record_id = 'NEW-REG-1' and unlinked_at is null`,
      );
      expect(link).toBeDefined();
      expect(report.touchedChildren).toBeGreaterThan(0);
    },
  );

  it("refuses a record id sent twice in one batch, keeping the first", async () => {
    const report = await ingestBatch(hub.database.db, studentRegistrationKind, [
      sent[6]!,
      { ...sent[6]!, class_name: "X" },
    ]);
    expect(report).toMatchObject({ unchanged: 1, rejectedRows: 1 });
    expect(report.rejected[0]).toMatchObject({ index: 1, field: "record_id" });
  });

  /** A stored record of `kind` as its department would send it again: column names, text values. */
  async function storedAsSent(kind: RecordKind, recordId: string): Promise<Record<string, string>> {
    const columns = getTableColumns(kind.table) as Record<string, PgColumn>;
    const [row] = (await hub.database.db.select().from(kind.table).where(eq(columns.recordId!, recordId))) as Record<
      string,
      unknown
    >[];
    return Object.fromEntries(
      kind.columns.map((c) => [c.name, row![c.property] == null ? "" : String(row![c.property]).trimEnd()]),
    );
  }

  // Per place: the children it places, written out by hand (the kinds declare the same).
  const PLACED = {
    "education.school": sql`select sc.record_id as place, l.child_id from education.schools sc
      join education.student_registrations s on s.school_code = sc.school_code
      join hub.links l on l.source = 'education.student' and l.record_id = s.record_id and l.unlinked_at is null`,
    "health.vaccination_site": sql`select vs.record_id as place, l.child_id from health.vaccination_sites vs
      join health.immunization_records i on i.site_code = vs.site_code
      join hub.links l on l.source = 'health.immunization_record' and l.record_id = i.record_id
        and l.unlinked_at is null`,
    "health.family_doctor": sql`select d.record_id as place, l.child_id from health.family_doctors d
      join health.doctor_contracts c on c.doctor_code = d.doctor_code
      join hub.links l on l.source = 'health.doctor_contract' and l.record_id = c.record_id and l.unlinked_at is null`,
    // An area also touches the children living in it (its window and settings are theirs too).
    "insurance.coordination_area": sql`select a.record_id as place, l.child_id from insurance.coordination_areas a
      join insurance.enrollments e on e.area_code = a.area_code
      join hub.links l on l.source = 'insurance.enrollment' and l.record_id = e.record_id and l.unlinked_at is null
      union select a.record_id, s.child_id from insurance.coordination_areas a join hub.coverage_status s
        on trim(s.residence_region_code) like regexp_replace(trim(a.area_code), '(00)+$', '') || '%'`,
  };

  it.each(Object.keys(PLACED) as (keyof typeof PLACED)[])(
    "assesses again the children a changed %s places, and only them",
    async (name) => {
      const kind = recordKind(name)!;
      const [place] = await queryRows<{ place: string; children: number }>(
        hub.database.db,
        sql`select place, count(distinct child_id)::int as children from (${PLACED[name]}) placed
            group by place order by children desc, place limit 1`,
      );
      expect(place!.children).toBeGreaterThan(0);
      const sent = await storedAsSent(kind, place!.place);

      const report = await ingestBatch(hub.database.db, kind, [{ ...sent, name: `${sent.name}（更名）` }]);

      expect(report).toMatchObject({ accepted: 0, updated: 1, rejectedRows: 0, touchedChildren: place!.children });
    },
  );

  it("assesses no child again for a changed hospital: a birth certificate carries its own region", async () => {
    const kind = recordKind("health.hospital")!;
    const [hospital] = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from health.hospitals order by id limit 1`,
    );
    const sent = await storedAsSent(kind, hospital!.record_id);

    const report = await ingestBatch(hub.database.db, kind, [{ ...sent, name: `${sent.name}（更名）` }]);

    expect(report).toMatchObject({ updated: 1, touchedChildren: 0 });
  });
});
