import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { importFile } from "../../src/ingest/file.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { recordKind } from "../../src/ingest/kinds/index.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { storedIds, storedRow, submitAs, type Row } from "./submit.ts";
import { setLogDestination } from "../../src/log.ts";

/**
 * Issue 18, findings 14 and 22: a cell the database cannot or must not hold, and a unique value
 * another record holds, are refused row by row, with the column and the reason, like any other
 * bad value; and a batch that fails anyway leaves no personal data in any log.
 */

const kind = (name: string): RecordKind => recordKind(name)!;

const household = (recordId: string, number: string, address: string): Row => ({
  record_id: recordId,
  household_number: number,
  region_code: "330203",
  address,
});

/** Every text an error holds: its message, stack, own properties and causes. */
function everythingIn(value: unknown, depth = 0): string {
  if (depth > 6 || value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  const e = value as Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };
  const own = Object.getOwnPropertyNames(e).map((k) => everythingIn(e[k], depth + 1));
  return [String(e.message ?? ""), String(e.stack ?? ""), ...own, everythingIn(e.cause, depth + 1)].join("\n");
}

/**
 * The unique values of each kind other than its record_id (each identifies one record in the
 * province), and a query for the record ids of the records of a region.
 */
const UNIQUE: { kind: string; column: string; recordsIn: (prefix: string) => SQL }[] = [
  {
    kind: "health.birth_certificate",
    column: "certificate_number",
    recordsIn: (p) => sql`select record_id from health.birth_certificates where region_code like ${`${p}%`}`,
  },
  {
    kind: "education.school",
    column: "school_code",
    recordsIn: (p) => sql`select record_id from education.schools where region_code like ${`${p}%`}`,
  },
  {
    kind: "health.vaccination_site",
    column: "site_code",
    recordsIn: (p) => sql`select record_id from health.vaccination_sites where region_code like ${`${p}%`}`,
  },
  {
    kind: "health.family_doctor",
    column: "doctor_code",
    recordsIn: (p) => sql`select record_id from health.family_doctors where region_code like ${`${p}%`}`,
  },
  {
    kind: "health.hospital",
    column: "hospital_code",
    recordsIn: (p) => sql`select record_id from health.hospitals where region_code like ${`${p}%`}`,
  },
  {
    kind: "household.household",
    column: "household_number",
    recordsIn: (p) => sql`select record_id from household.households where region_code like ${`${p}%`}`,
  },
];

describe.each(ENGINES)("values a department system may not store, on %s", (engine) => {
  let hub: TestHub;
  let dir: string;

  const first = async (query: SQL): Promise<string> => {
    const [row] = await queryRows<{ record_id: string }>(hub.database.db, sql`${query} order by 1 limit 1`);
    if (!row) throw new Error("no such record");
    return row.record_id;
  };

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 300, seed: 9, asOf: "2026-06-30" });
    dir = mkdtempSync(path.join(tmpdir(), "hub-values-"));
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("#18.14 refuses a cell holding a NUL or another control character, row by row, and writes the rest", async () => {
    const rows = [
      household("T1814-NUL", "33020300000901", "某街道\u00001号"),
      household("T1814-ESC", "33020300000902", "某街道\u001b[2J1号"),
      household("T1814-DEL", "3302030000\u007f0903", "某街道3号"),
      household("T1814-C1", "33020300000904", "某街道\u00854号"),
      household("T1814-OK", "33020300000905", "某街道5号"),
      household("T1814-TAB", "33020300000906", "某街道\t6号\n2单元"),
    ];

    const { report, errors } = await submitAs(hub, "3302", kind("household.household"), rows);

    expect(errors).toEqual([]);
    expect(report).toMatchObject({ accepted: 2, rejectedRows: 4 });
    expect(report!.rejected.map((r) => [r.index, r.recordId, r.field])).toEqual([
      [0, "T1814-NUL", "address"],
      [1, "T1814-ESC", "address"],
      [2, "T1814-DEL", "household_number"],
      [3, "T1814-C1", "address"],
    ]);
    expect(report!.rejected[0]!.message).toMatch(/must not contain a control character.* U\+0000/);
    expect(report!.rejected[2]!.message).toMatch(/U\+007F/);
    expect(
      await storedIds(
        hub.database.db,
        kind("household.household"),
        rows.map((r) => r.record_id!),
      ),
    ).toEqual(["T1814-OK", "T1814-TAB"]);
  });

  it("#18.14 refuses a line break in a column that is not free text", async () => {
    const rows = [household("T1814-LF\n", "33020300000911", "某街道"), household("T1814-LF2", "3302030000\t0912", "")];

    const { report } = await submitAs(hub, "3302", kind("household.household"), rows);

    expect(report).toMatchObject({ accepted: 0, rejectedRows: 2 });
    expect(report!.rejected.map((r) => [r.index, r.field])).toEqual([
      [0, "record_id"],
      [1, "household_number"],
    ]);
    expect(report!.rejected[1]!.message).toMatch(/control character/);
  });

  it("#18.14 refuses a NUL in a file's row by its line, and imports the other rows", async () => {
    const file = path.join(dir, "households.csv");
    writeFileSync(
      file,
      "record_id,household_number,region_code,address\n" +
        "T1814-F1,33020300000921,330203,某街道1号\n" +
        "T1814-F2,33020300000922,330203,某街道\u00002号\n" +
        "T1814-F3,33020300000923,330203,某街道3号\n",
    );

    const summary = await importFile(hub.database.db, kind("household.household"), file, { format: "csv" });

    expect(summary).toMatchObject({ rowsRead: 3, accepted: 2, rejectedRows: 1 });
    const report = parse(readFileSync(summary.reportPath, "utf8"), { columns: true }) as Row[];
    expect(report.map((r) => [r.line, r.record_id, r.field])).toEqual([["3", "T1814-F2", "address"]]);
  });

  it("#18.14 writes no name, ID number or address of any row into any log when a batch fails", async () => {
    const person = kind("household.person");
    const [victim] = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from household.persons where hukou_region_code like '3302%' and id_number is not null
          order by id limit 1`,
    );
    const stored = await storedRow(hub.database.db, person, victim!.record_id);
    const rows = [
      { ...stored, name: "泄露测试甲", hukou_address: "330203泄露街道9号" },
      { ...stored, record_id: "T1814-LOG-NEW", name: "泄露测试乙", hukou_address: "330203泄露街道8号" },
    ];
    const personal = [stored.id_number!, "泄露测试甲", "泄露测试乙", "泄露街道"];
    // Something the hub did not foresee makes the database refuse the write (set up as the schemas' owner).
    const owner = (await hub.database.owner()).db;
    await owner.execute(
      sql.raw(`create function household.t1814_fail() returns trigger language plpgsql
      as $$ begin raise exception 'refused by the test'; end $$`),
    );
    await owner.execute(
      sql.raw(`create trigger t1814_fail before insert or update on household.persons
      for each row execute function household.t1814_fail()`),
    );
    // Everything that would be logged: the hub's logger (src/log.ts) and the console alike.
    const logged: unknown[] = [];
    setLogDestination({ write: (line: string) => void logged.push(line) });
    const spies = (["error", "warn", "log", "info"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(...args)),
    );
    let result;
    try {
      result = await submitAs(hub, "3302", person, rows);
    } finally {
      setLogDestination(null);
      for (const spy of spies) spy.mockRestore();
      await owner.execute(sql.raw("drop trigger t1814_fail on household.persons"));
      await owner.execute(sql.raw("drop function household.t1814_fail()"));
    }

    expect(result.report).toBeNull();
    expect(result.errors.map((e) => e.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    const log = logged.map((entry) => everythingIn(entry)).join("\n");
    expect(log).toMatch(/P0001/); // the failure is in the log, by its code
    for (const value of personal) expect(log).not.toContain(value);
    expect(JSON.stringify(result.errors)).not.toMatch(/泄露/);
  });

  describe.each(UNIQUE)("$kind's $column", ({ kind: name, column, recordsIn }) => {
    it(`#18.22 refuses a ${column} another region's record holds as one its own region's holds`, async () => {
      const k = kind(name);
      const foreign = await storedRow(hub.database.db, k, await first(recordsIn("3301")));
      const own = await storedRow(hub.database.db, k, await first(recordsIn("3302")));
      // Two new records of the sender's region; one takes another region's value, one its own region's.
      const rows = [
        { ...own, record_id: `T1822-FOREIGN-${column}`, [column]: foreign[column]! },
        { ...own, record_id: `T1822-OWN-${column}` },
      ];

      const { report, errors } = await submitAs(hub, "3302", k, rows);

      expect(errors).toEqual([]);
      expect(report).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejectedRows: 2 });
      expect(report!.rejected.map((r) => [r.index, r.field])).toEqual([
        [0, column],
        [1, column],
      ]);
      const [a, b] = report!.rejected;
      expect(a!.message.replaceAll(foreign[column]!, "…")).toBe(b!.message.replaceAll(own[column]!, "…"));
      expect(a!.message).not.toContain(foreign.record_id!);
      expect(a!.message.replaceAll(foreign[column]!, "…")).not.toMatch(/3301|region/);
      expect(
        await storedIds(
          hub.database.db,
          k,
          rows.map((r) => r.record_id!),
        ),
      ).toEqual([]);
    });
  });

  it("#18.22 refuses one row for a birth certificate number of another region, not the batch as an error", async () => {
    const certificates = kind("health.birth_certificate");
    const [held] = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from health.birth_certificates where region_code like '3301%' order by id limit 1`,
    );
    const taken = await storedRow(hub.database.db, certificates, held!.record_id);
    const fresh = { ...taken, record_id: "T1822-FRESH", certificate_number: "Z123456789", region_code: "330203" };
    const rows = [
      { ...taken, record_id: "T1822-TAKEN", region_code: "330203" },
      fresh,
      { ...fresh, record_id: "T1822-TWICE" },
    ];

    const { report, errors } = await submitAs(hub, "3302", certificates, rows);

    expect(errors).toEqual([]);
    expect(report).toMatchObject({ accepted: 1, rejectedRows: 2 });
    expect(report!.rejected.map((r) => [r.index, r.recordId, r.field])).toEqual([
      [0, "T1822-TAKEN", "certificate_number"],
      [2, "T1822-TWICE", "certificate_number"],
    ]);
    expect(report!.rejected[0]!.message).not.toContain(held!.record_id);
    expect(await storedIds(hub.database.db, certificates, ["T1822-TAKEN", "T1822-FRESH", "T1822-TWICE"])).toEqual([
      "T1822-FRESH",
    ]);
  });
});
