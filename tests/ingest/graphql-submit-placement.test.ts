import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { recordKind } from "../../src/ingest/kinds/index.ts";
import { departmentSystemViewer, headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { storedIds, storedRow, submitAs, type Rejection, type Row } from "./submit.ts";

/**
 * Issue 18, findings 3, 4 and 8 (the write side): a department system writes only records its
 * region places (DESIGN.md, Authorization: "Department systems write only records their region
 * places, and never take over another region's record by its id"). A record without a region
 * column of its own is placed through the record it names; a reference to a record that does
 * not exist is refused exactly like one to a record of another region.
 */

const SENDER = "3302";
const OTHER = "3301";

const kind = (name: string): RecordKind => recordKind(name)!;

/**
 * The kinds placed through another record (DESIGN.md's departments, written out here as data):
 * the column that names that record, a query for the key of such a record in a region (the
 * placing record's own region, never a residence), and a well-formed key that names no record.
 */
const THROUGH: {
  kind: string;
  column: string;
  keyIn: (prefix: string) => SQL;
  unused: string;
}[] = [
  {
    kind: "education.student_registration",
    column: "school_code",
    keyIn: (p) => sql`select school_code as key from education.schools where region_code like ${`${p}%`}`,
    unused: "9999999901",
  },
  {
    kind: "health.immunization_record",
    column: "site_code",
    keyIn: (p) => sql`select site_code as key from health.vaccination_sites where region_code like ${`${p}%`}`,
    unused: "V999999901",
  },
  {
    kind: "health.immunization_dose",
    column: "immunization_record_id",
    keyIn: (p) =>
      sql`select r.record_id as key from health.immunization_records r
          join health.vaccination_sites s on s.site_code = r.site_code where s.region_code like ${`${p}%`}`,
    unused: "IM-NO-SUCH-RECORD",
  },
  {
    kind: "health.doctor_contract",
    column: "doctor_code",
    keyIn: (p) => sql`select doctor_code as key from health.family_doctors where region_code like ${`${p}%`}`,
    unused: "D9999999901",
  },
  {
    kind: "household.guardianship",
    column: "child_record_id",
    // A local hukou holder is placed by the hukou.
    keyIn: (p) =>
      sql`select record_id as key from household.persons
          where registration_kind = 'LOCAL_HUKOU' and hukou_region_code like ${`${p}%`}`,
    unused: "HP-NO-SUCH-RECORD",
  },
  {
    kind: "insurance.contribution",
    column: "enrollment_record_id",
    keyIn: (p) => sql`select record_id as key from insurance.enrollments where area_code like ${`${p}%`}`,
    unused: "EN-NO-SUCH-RECORD",
  },
];

/** A refusal without where it was: what tells one refused row from another. */
const reason = (r: Rejection, value: string) => ({ field: r.field, message: r.message.replaceAll(value, "…") });

describe.each(ENGINES)("where a department system's records are placed, on %s", (engine) => {
  let hub: TestHub;

  const first = async (query: SQL): Promise<string> => {
    const [row] = await queryRows<{ key: string }>(hub.database.db, sql`${query} order by 1 limit 1`);
    if (!row) throw new Error(`no record for ${query.toString()}`);
    return String(row.key).trimEnd();
  };
  /** A stored record of `name` to send variations of. */
  const template = async (name: string): Promise<Row> => {
    const k = kind(name);
    const [row] = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from ${k.table} order by id limit 1`,
    );
    return storedRow(hub.database.db, k, row!.record_id);
  };

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 300, seed: 9, asOf: "2026-06-30" });
  }, 180_000);
  afterAll(async () => hub?.close());

  describe.each(THROUGH)("$kind, placed through its $column", ({ kind: name, column, keyIn, unused }) => {
    it(`#18.3 refuses a ${name} placed through another region's record, or through none, the same way`, async () => {
      const outside = await first(keyIn(OTHER));
      const base = await template(name);
      const rows = [
        { ...base, record_id: `T183-OUT-${column}`, [column]: outside },
        { ...base, record_id: `T183-NONE-${column}`, [column]: unused },
      ];

      const { report, errors } = await submitAs(hub, SENDER, kind(name), rows);

      expect(errors).toEqual([]);
      expect(report).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejectedRows: 2, touchedChildren: 0 });
      expect(report!.rejected.map((r) => [r.index, r.recordId, r.field])).toEqual([
        [0, rows[0]!.record_id, column],
        [1, rows[1]!.record_id, column],
      ]);
      expect(report!.rejected[0]!.message).toMatch(new RegExp(`region ${SENDER}`));
      expect(report!.rejected[0]!.message).toContain(`"${outside}"`);
      // No existence oracle: a record of another region and no record at all are refused in the same words.
      expect(reason(report!.rejected[0]!, outside)).toEqual(reason(report!.rejected[1]!, unused));
      expect(await storedIds(hub.database.db, kind(name), [rows[0]!.record_id!, rows[1]!.record_id!])).toEqual([]);
    });

    it(`still writes a ${name} placed through a record of the sender's region`, async () => {
      const inside = await first(keyIn(SENDER));
      const row = { ...(await template(name)), record_id: `T183-IN-${column}`, [column]: inside };

      const { report, errors } = await submitAs(hub, SENDER, kind(name), [row]);

      expect(errors).toEqual([]);
      expect(report).toMatchObject({ accepted: 1, rejectedRows: 0, rejected: [] });
      expect(await storedIds(hub.database.db, kind(name), [row.record_id!])).toEqual([row.record_id]);
    });
  });

  it("looks up the records a batch is placed through in one statement per kind, however many rows", async () => {
    const doses = kind("health.immunization_dose");
    const files = await queryRows<{ key: string }>(
      hub.database.db,
      sql`select r.record_id as key from health.immunization_records r
          join health.vaccination_sites s on s.site_code = r.site_code where s.region_code like ${`${SENDER}%`}
          order by r.id limit 30`,
    );
    const base = await template("health.immunization_dose");
    const batch = (tag: string, n: number) =>
      files
        .slice(0, n)
        .map((f, i) => ({ ...base, record_id: `T183-COUNT-${tag}-${i}`, immunization_record_id: f.key }));
    await submitAs(hub, SENDER, doses, batch("WARM", 1)); // the first call prepares what every call shares

    hub.resetStatements();
    const one = await submitAs(hub, SENDER, doses, batch("ONE", 1));
    const forOne = hub.statements();
    hub.resetStatements();
    const many = await submitAs(hub, SENDER, doses, batch("MANY", files.length));
    const forMany = hub.statements();

    expect(files.length).toBeGreaterThan(10);
    expect([one.report?.accepted, many.report?.accepted]).toEqual([1, files.length]);
    expect(forMany).toBe(forOne);
  });

  it("#18.3 refuses a guardian with a phone for a child registered in another region", async () => {
    const guardianship = kind("household.guardianship");
    const child = await first(
      sql`select record_id as key from household.persons
          where registration_kind = 'LOCAL_HUKOU' and hukou_region_code like ${`${OTHER}%`}`,
    );
    const before = await queryRows<{ n: number }>(
      hub.database.db,
      sql`select count(*)::int as n from household.guardianships where child_record_id = ${child}`,
    );
    const row = {
      record_id: "T183-GUARDIAN",
      child_record_id: child,
      relation: "MOTHER",
      guardian_name: "测试监护人",
      guardian_id_number: "",
      guardian_phone: "13900009999",
    };

    const { report } = await submitAs(hub, SENDER, guardianship, [row]);

    expect(report).toMatchObject({ accepted: 0, rejectedRows: 1 });
    expect(report!.rejected[0]).toMatchObject({ field: "child_record_id", recordId: "T183-GUARDIAN" });
    const after = await queryRows<{ n: number }>(
      hub.database.db,
      sql`select count(*)::int as n from household.guardianships where child_record_id = ${child}`,
    );
    expect(after).toEqual(before);
  });

  it("#18.4 refuses to take over another region's person by its record_id, and changes nothing", async () => {
    const person = kind("household.person");
    const victim = await first(
      sql`select record_id as key from household.persons
          where registration_kind = 'LOCAL_HUKOU' and hukou_region_code like ${`${OTHER}%`}`,
    );
    const stored = await storedRow(hub.database.db, person, victim);
    const takeover = { ...stored, hukou_region_code: "330203", hukou_address: "330203某街道1号" };

    const { report, errors } = await submitAs(hub, SENDER, person, [takeover]);

    expect(errors).toEqual([]);
    expect(report).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejectedRows: 1, touchedChildren: 0 });
    expect(report!.rejected).toEqual([
      { index: 0, recordId: victim, field: "record_id", message: expect.stringContaining(`region ${SENDER}`) },
    ]);
    expect(await storedRow(hub.database.db, person, victim)).toEqual(stored);
  });

  it(
    "#18.4 refuses to take over another region's registration by its record_id, " +
      "even moved to a school of the sender's region",
    async () => {
      const registrations = kind("education.student_registration");
      const victim = await first(
        sql`select r.record_id as key from education.student_registrations r
            join education.schools s on s.school_code = r.school_code where s.region_code like ${`${OTHER}%`}`,
      );
      const ownSchool = await first(
        sql`select school_code as key from education.schools where region_code like ${`${SENDER}%`}`,
      );
      const stored = await storedRow(hub.database.db, registrations, victim);

      const { report } = await submitAs(hub, SENDER, registrations, [{ ...stored, school_code: ownSchool }]);

      expect(report).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejectedRows: 1 });
      expect(report!.rejected.map((r) => [r.recordId, r.field])).toEqual([[victim, "record_id"]]);
      expect(await storedRow(hub.database.db, registrations, victim)).toEqual(stored);
    },
  );

  it("#18.4 answers a registration placed outside the region alike, its record_id stored or unused", async () => {
    const registrations = kind("education.student_registration");
    const stored = await first(
      sql`select r.record_id as key from education.student_registrations r
          join education.schools s on s.school_code = r.school_code where s.region_code like ${`${OTHER}%`}`,
    );
    const row = await storedRow(hub.database.db, registrations, stored);
    const variants = [
      row, // identical to the stored record: "unchanged" would tell it exists
      { ...row, class_name: "99班" }, // changed: "updated" would tell it exists
      { ...row, record_id: "T184-UNUSED" }, // never stored
    ];

    // One batch each: a batch holds a record id once.
    const answers = await Promise.all(variants.map((variant) => submitAs(hub, SENDER, registrations, [variant])));

    const reports = answers.map(({ report, errors }) => {
      expect(errors).toEqual([]);
      return { ...report!, rejected: report!.rejected.map(({ recordId: _, ...rest }) => rest) };
    });
    expect(reports[0]).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejectedRows: 1, touchedChildren: 0 });
    expect(reports[0]!.rejected.map((r) => r.field)).toEqual(["school_code"]);
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
  });

  it(
    "#18.8 writes no immunization record placed outside the region, " +
      "so a record naming any child's ID number pulls no child into the sender's rows",
    async () => {
      const immunizations = kind("health.immunization_record");
      // A child registered in another region, with nothing of its own in the sender's.
      const [child] = await queryRows<{ id_number: string; name: string; sex: string; birth_date: string }>(
        hub.database.db,
        sql`select p.id_number, p.name, p.sex, p.birth_date::text as birth_date from household.persons p
            where p.registration_kind = 'LOCAL_HUKOU' and p.hukou_region_code like ${`${OTHER}%`}
              and p.id_number is not null and p.id_number not in (
                select id_number from health.immunization_records where id_number is not null
                union select id_number from education.student_registrations where id_number is not null)
            order by p.id limit 1`,
      );
      const foreignSite = await first(
        sql`select site_code as key from health.vaccination_sites where region_code like ${`${OTHER}%`}`,
      );
      const fabricated = (recordId: string, site: string): Row => ({
        record_id: recordId,
        site_code: site,
        child_name: child!.name,
        sex: child!.sex,
        birth_date: child!.birth_date,
        id_number: child!.id_number,
        birth_certificate_number: "",
        guardian_name: "",
        guardian_phone: "",
        residence_region_code: "330203",
      });
      const lookup = `query($id: String!) { childByIdNumber(idNumber: $id) { id } }`;
      const healthSystem = await headersFor(departmentSystemViewer("health", SENDER));
      const before = await hub.gateway.execute(lookup, { id: child!.id_number }, healthSystem);

      const { report } = await submitAs(hub, SENDER, immunizations, [
        fabricated("T188-FOREIGN-SITE", foreignSite),
        fabricated("T188-NO-SITE", "V999999902"),
      ]);

      expect(report).toMatchObject({ accepted: 0, rejectedRows: 2, touchedChildren: 0 });
      expect(report!.rejected.map((r) => r.field)).toEqual(["site_code", "site_code"]);
      expect(await storedIds(hub.database.db, immunizations, ["T188-FOREIGN-SITE", "T188-NO-SITE"])).toEqual([]);
      const links = await queryRows<{ n: number }>(
        hub.database.db,
        sql`select count(*)::int as n from hub.links where record_id like 'T188-%'`,
      );
      expect(links).toEqual([{ n: 0 }]);
      const after = await hub.gateway.execute(lookup, { id: child!.id_number }, healthSystem);
      expect(after.data).toEqual(before.data);
    },
  );
});
