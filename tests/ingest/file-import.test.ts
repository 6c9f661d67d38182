import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { importFile, ImportFileError } from "../../src/ingest/file.ts";
import { schoolKind, studentRegistrationKind } from "../../src/ingest/kinds/education.ts";
import { REGISTRATION_COLUMNS } from "../../src/generator/registration-file.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

const AS_OF = "2026-06-30";

type Row = Record<string, string>;
/** One entry of a test file: a row (or a raw line), and the fields it must be rejected for. */
interface Entry {
  row?: Row;
  raw?: string;
  rejected: string[];
}

function csvLine(columns: readonly string[], row: Row): string {
  return columns
    .map((c) => (/[",\n]/.test(row[c] ?? "") ? `"${row[c]!.replaceAll('"', '""')}"` : (row[c] ?? "")))
    .join(",");
}

/** Writes the entries, one after another, and answers the line each starts on. */
function writeEntries(
  file: string,
  header: string | null,
  entries: readonly Entry[],
  render: (row: Row) => string,
): number[] {
  const texts = entries.map((e) => e.raw ?? render(e.row!));
  const lines: number[] = [];
  let line = header === null ? 1 : 2;
  for (const text of texts) {
    lines.push(line);
    line += text.split("\n").length;
  }
  writeFileSync(file, `${header === null ? "" : `${header}\n`}${texts.join("\n")}\n`);
  return lines;
}

function readReport(file: string): { line: number; record_id: string; field: string; message: string }[] {
  return (parse(readFileSync(file, "utf8"), { columns: true }) as Row[]).map((r) => ({
    line: Number(r.line),
    record_id: r.record_id!,
    field: r.field!,
    message: r.message!,
  }));
}

describe.each(ENGINES)("importing a department file on %s", (engine) => {
  let hub: TestHub;
  let dir: string;
  let real: Row[];

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 300, seed: 5, asOf: AS_OF });
    dir = mkdtempSync(path.join(tmpdir(), "hub-import-"));
    const rows = await queryRows<Record<string, unknown>>(
      hub.database.db,
      sql`select record_id, student_number, coalesce(id_number, '') as id_number, name, sex,
            birth_date::text as birth_date, school_code, grade::text as grade, class_name,
            school_year::text as school_year, status, coalesce(guardian_phone, '') as guardian_phone
          from education.student_registrations where id_number is not null order by id limit 12`,
    );
    // The province's own registrations, sent again under new record ids: new rows for the hub.
    real = rows.map((r) => ({
      ...(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])) as Row),
      record_id: `FILE-${String(r.record_id)}`,
    }));
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Good rows, each kind of bad row, a record that spans two lines, broken quoting followed by good rows. */
  function mixedEntries(): Entry[] {
    const [a, b, c, d, e, f, g, h, i, j, k] = real as [Row, Row, Row, Row, Row, Row, Row, Row, Row, Row, Row];
    const wrongCheck = (id: string) => `${id.slice(0, 17)}${id.endsWith("0") ? "1" : "0"}`;
    return [
      { row: a, rejected: [] },
      { row: { ...b, id_number: wrongCheck(b.id_number!) }, rejected: ["id_number"] },
      { row: { ...c, class_name: "3班\n(实验班)" }, rejected: [] }, // a quoted field across two lines
      { row: { ...d, birth_date: "2015-02-30" }, rejected: ["birth_date"] },
      { row: { ...e, name: "" }, rejected: ["name"] },
      { row: { ...f, status: "STUDYING" }, rejected: ["status"] },
      // a stray quote
      { raw: csvLine(REGISTRATION_COLUMNS, g).replace(`,${g.name},`, `,${g.name}"x,`), rejected: ["(line)"] },
      { row: h, rejected: [] },
      // a quote never closed
      { raw: csvLine(REGISTRATION_COLUMNS, i).replace(`,${i.name},`, `,"${i.name},`), rejected: ["(line)"] },
      { row: j, rejected: [] }, // …the rows after it are not swallowed
      { row: { ...k, sex: "X", grade: "15" }, rejected: ["sex", "grade"] },
      { row: real[11]!, rejected: [] },
    ];
  }

  async function storedIds(ids: string[]): Promise<string[]> {
    const rows = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from education.student_registrations
          where record_id = any(${sql.param(ids)}::text[]) order by record_id`,
    );
    return rows.map((r) => r.record_id);
  }

  it(
    "commits exactly the good rows of a CSV file, reports every bad row by line and field, " +
      "and changes nothing the second time",
    async () => {
      const file = path.join(dir, "education.student_registration.csv");
      const entries = mixedEntries();
      const lines = writeEntries(file, REGISTRATION_COLUMNS.join(","), entries, (row) =>
        csvLine(REGISTRATION_COLUMNS, row),
      );

      const first = await importFile(hub.database.db, studentRegistrationKind, file, { format: "csv", chunkRows: 4 });

      const good = entries.filter((e) => e.rejected.length === 0).map((e) => e.row!.record_id!);
      const bad = entries.filter((e) => e.rejected.length > 0).length;
      expect(first).toMatchObject({
        rowsRead: 12,
        accepted: good.length,
        updated: 0,
        unchanged: 0,
        rejectedRows: bad,
        chunksCommitted: 3,
      });
      expect(await storedIds(real.map((r) => r.record_id!))).toEqual([...good].sort());
      const expected = entries.flatMap((e, n) => e.rejected.map((field) => [lines[n], field]));
      const report = readReport(first.reportPath);
      expect(report.map((r) => [r.line, r.field])).toEqual(expected);
      expect(report.find((r) => r.field === "status")).toMatchObject({
        record_id: entries[5]!.row!.record_id,
        message: expect.stringMatching(/must be one of .*but got "STUDYING"/),
      });
      expect(report.find((r) => r.field === "id_number")!.message).toMatch(/MOD 11-2 check character/);
      expect(report.filter((r) => r.field === "(line)").map((r) => r.message)).toEqual([
        expect.stringMatching(/quote inside an unquoted field/),
        expect.stringMatching(/quote that is never closed/),
      ]);
      const [stored] = await queryRows<{ class_name: string }>(
        hub.database.db,
        sql`select class_name from education.student_registrations where record_id = ${entries[2]!.row!.record_id!}`,
      );
      expect(stored!.class_name).toBe("3班\n(实验班)");

      const second = await importFile(hub.database.db, studentRegistrationKind, file, { format: "csv", chunkRows: 4 });
      expect(second).toMatchObject({
        rowsRead: 12,
        accepted: 0,
        updated: 0,
        unchanged: good.length,
        rejectedRows: bad,
      });
      expect(readReport(second.reportPath)).toEqual(report);
    },
  );

  it("does the same for NDJSON, reporting a line that is not JSON and going on", async () => {
    const file = path.join(dir, "education.student_registration.ndjson");
    const entries: Entry[] = mixedEntries()
      .filter((e) => e.row)
      .map((e) => ({ ...e, row: { ...e.row!, record_id: `${e.row!.record_id}-J` } }));
    entries.splice(
      3,
      0,
      { raw: '{"record_id": "NOT-JSON", "name": ', rejected: ["(line)"] },
      { raw: "[1, 2]", rejected: ["(line)"] },
    );
    const lines = writeEntries(file, null, entries, (row) => JSON.stringify(row));

    const first = await importFile(hub.database.db, studentRegistrationKind, file, { format: "ndjson", chunkRows: 5 });

    const good = entries.filter((e) => e.rejected.length === 0).map((e) => e.row!.record_id!);
    expect(first).toMatchObject({
      rowsRead: entries.length,
      accepted: good.length,
      rejectedRows: entries.length - good.length,
    });
    expect(await storedIds(entries.filter((e) => e.row).map((e) => e.row!.record_id!))).toEqual([...good].sort());
    expect(readReport(first.reportPath).map((r) => [r.line, r.field])).toEqual(
      entries.flatMap((e, n) => e.rejected.map((field) => [lines[n], field])),
    );
    expect(readReport(first.reportPath).find((r) => r.line === lines[3])!.message).toMatch(/is not valid JSON/);
    expect(readReport(first.reportPath).find((r) => r.line === lines[4])!.message).toMatch(
      /one JSON object per line, but got an array/,
    );

    const second = await importFile(hub.database.db, studentRegistrationKind, file, { format: "ndjson", chunkRows: 5 });
    expect(second).toMatchObject({ accepted: 0, updated: 0, unchanged: good.length });
  });

  it("refuses a school in a division that does not exist, by line and field", async () => {
    const file = path.join(dir, "education.school.csv");
    const columns = schoolKind.columns.map((c) => c.name);
    const school = (n: number, region: string): Row => ({
      record_id: `SCH-FILE-${n}`,
      school_code: `29${String(n).padStart(8, "0")}`,
      name: `测试学校${n}`,
      kind: "PRIMARY",
      region_code: region,
    });
    writeFileSync(
      file,
      `${columns.join(",")}\n${csvLine(columns, school(1, "330106"))}\n${csvLine(columns, school(2, "339999"))}\n`,
    );

    const summary = await importFile(hub.database.db, schoolKind, file, { format: "csv" });

    expect(summary).toMatchObject({ accepted: 1, rejectedRows: 1 });
    expect(readReport(summary.reportPath)).toEqual([
      { line: 3, record_id: "SCH-FILE-2", field: "region_code", message: expect.stringContaining("339999") },
    ]);
  });

  it("refuses a header that names unknown columns or lacks required ones, before writing anything", async () => {
    const file = path.join(dir, "bad-header.csv");
    writeFileSync(file, "record_id,student_no,name\nX-1,G1,王\n");
    await expect(importFile(hub.database.db, studentRegistrationKind, file, { format: "csv" })).rejects.toThrow(
      ImportFileError,
    );
    await expect(importFile(hub.database.db, studentRegistrationKind, file, { format: "csv" })).rejects.toThrow(
      /does not have: "student_no".*lacks required columns: student_number/,
    );
  });
});
