import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, queryRows } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { REGISTRATION_COLUMNS, writeRegistrationFile } from "../../src/generator/registration-file.ts";
import { importFile, ImportFileError } from "../../src/ingest/file.ts";
import { studentRegistrationKind } from "../../src/ingest/kinds/education.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

/**
 * Issue #22.9: files as departments have them. Excel on Chinese Windows saves "CSV" as GBK
 * (GB18030), writes 男 and 女 for sex, and opens a CSV as GBK unless it starts with a byte
 * order mark. A GBK file is imported with `encoding: "gbk"` (names stored as the sender wrote
 * them), refused line by line without it, and a UTF-8 file read as GBK is refused whole; the
 * report for people is Chinese with a BOM.
 */

type Row = Record<string, string>;

/** Characters → GBK bytes, built by decoding every two-byte GBK code (Node has a GBK decoder, no encoder). */
const GBK = (() => {
  const decoder = new TextDecoder("gbk", { fatal: true });
  const table = new Map<string, Buffer>();
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      try {
        const char = decoder.decode(bytes);
        if (!table.has(char)) table.set(char, bytes);
      } catch {
        // not a GBK code
      }
    }
  return table;
})();

/** GB18030's four-byte form of a character outside the BMP (the standard's linear mapping). */
function gb18030Supplementary(char: string): Buffer {
  const linear = char.codePointAt(0)! - 0x10000;
  return Buffer.from([
    0x90 + Math.floor(linear / 12600),
    0x30 + (Math.floor(linear / 1260) % 10),
    0x81 + (Math.floor(linear / 10) % 126),
    0x30 + (linear % 10),
  ]);
}

function encodeGb(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const char of text) {
    if (char.codePointAt(0)! < 0x80) parts.push(Buffer.from(char, "latin1"));
    else if (char.codePointAt(0)! > 0xffff) parts.push(gb18030Supplementary(char));
    else {
      const bytes = GBK.get(char);
      if (!bytes) throw new Error(`no GBK code for ${char}`);
      parts.push(bytes);
    }
  }
  return Buffer.concat(parts);
}

const csvText = (rows: readonly Row[]) =>
  [REGISTRATION_COLUMNS.join(","), ...rows.map((r) => REGISTRATION_COLUMNS.map((c) => r[c] ?? "").join(","))].join(
    "\r\n",
  ) + "\r\n";

describe("department files as Excel on Chinese Windows saves them", () => {
  let hub: TestHub;
  let dir: string;
  let base: Row[];
  let n = 0;

  /** Fresh registrations (new record ids) of the province's own pupils, with the names and sexes given. */
  function rows(people: readonly { name: string; sex: string }[]): Row[] {
    n++;
    return people.map((p, i) => ({ ...base[i]!, record_id: `ENC-${n}-${i}`, name: p.name, sex: p.sex }));
  }

  async function stored(recordIds: readonly string[]): Promise<{ record_id: string; name: string; sex: string }[]> {
    return queryRows(
      hub.database.db,
      sql`select record_id, name, sex from education.student_registrations
           where record_id = any(${sql.param([...recordIds])}::text[]) order by record_id`,
    );
  }

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200, seed: 5, asOf: "2026-06-30" });
    dir = mkdtempSync(path.join(tmpdir(), "hub-encodings-"));
    const found = await queryRows<Record<string, unknown>>(
      hub.database.db,
      sql`select student_number, coalesce(id_number, '') as id_number, birth_date::text as birth_date, school_code,
            grade::text as grade, class_name, school_year::text as school_year, status,
            coalesce(guardian_phone, '') as guardian_phone
          from education.student_registrations where id_number is not null order by id limit 4`,
    );
    base = found.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])) as Row);
    expect(base).toHaveLength(4);
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("imports a GBK file read as GBK: the names as written, 男 and 女 as M and F", async () => {
    const file = rows([
      { name: "王小明", sex: "男" },
      { name: "欧阳丽娟", sex: "女" },
      { name: "张伟", sex: "M" },
    ]);
    const bytes = encodeGb(csvText(file));
    expect(Buffer.from(csvText(file), "utf8").equals(bytes)).toBe(false); // really not UTF-8
    const target = path.join(dir, "education.student_registration.gbk.csv");
    writeFileSync(target, bytes);

    const summary = await importFile(hub.database.db, studentRegistrationKind, target, {
      format: "csv",
      encoding: "gbk",
    });

    expect(summary.rejectedRows).toBe(0);
    expect(summary.accepted).toBe(3);
    expect(await stored(file.map((r) => r.record_id!))).toEqual([
      { record_id: file[0]!.record_id, name: "王小明", sex: "M" },
      { record_id: file[1]!.record_id, name: "欧阳丽娟", sex: "F" },
      { record_id: file[2]!.record_id, name: "张伟", sex: "M" },
    ]);
  });

  it("reads GB18030's four-byte characters (a rare name character outside the BMP)", async () => {
    const file = rows([{ name: "李𠀾", sex: "女" }]);
    const bytes = encodeGb(csvText(file));
    expect(new TextDecoder("gb18030").decode(bytes)).toBe(csvText(file)); // the test's own encoding is right
    const target = path.join(dir, "education.student_registration.gb18030.csv");
    writeFileSync(target, bytes);

    const summary = await importFile(hub.database.db, studentRegistrationKind, target, {
      format: "csv",
      encoding: "gb18030",
    });

    expect(summary.accepted).toBe(1);
    expect((await stored([file[0]!.record_id!]))[0]).toMatchObject({ name: "李𠀾", sex: "F" });
  });

  it("without the encoding, refuses each GBK line as not UTF-8 (naming --encoding gbk), storing nothing", async () => {
    const file = rows([
      { name: "王小明", sex: "男" },
      { name: "赵敏", sex: "女" },
    ]);
    const target = path.join(dir, "education.student_registration.gbk-as-utf8.csv");
    writeFileSync(target, encodeGb(csvText(file)));

    const summary = await importFile(hub.database.db, studentRegistrationKind, target, { format: "csv" });

    expect(summary.accepted + summary.updated).toBe(0);
    expect(summary.rejectedRows).toBe(2);
    expect(await stored(file.map((r) => r.record_id!))).toEqual([]);
    const report = parse(readFileSync(summary.reportPath, "utf8"), { columns: true }) as Row[];
    expect(report.map((r) => r.message)).toEqual([
      expect.stringMatching(/is not UTF-8 text.*--encoding gbk/),
      expect.stringMatching(/is not UTF-8 text.*--encoding gbk/),
    ]);
  });

  it("refuses a UTF-8 file read as GBK before writing anything", async () => {
    const file = rows([
      { name: "张伟", sex: "M" },
      { name: "刘洋", sex: "F" },
    ]);
    const target = path.join(dir, "education.student_registration.utf8-as-gbk.csv");
    writeFileSync(target, csvText(file), "utf8");

    await expect(
      importFile(hub.database.db, studentRegistrationKind, target, { format: "csv", encoding: "gbk" }),
    ).rejects.toThrow(ImportFileError);
    await expect(
      importFile(hub.database.db, studentRegistrationKind, target, { format: "csv", encoding: "gbk" }),
    ).rejects.toThrow(/line 2 is UTF-8 text.*without --encoding/);
    expect(await stored(file.map((r) => r.record_id!))).toEqual([]);
  });

  it("refuses a sex that is neither M/F nor 男/女, saying what it takes", async () => {
    const file = rows([{ name: "王芳", sex: "未知" }]);
    const target = path.join(dir, "education.student_registration.sex.csv");
    writeFileSync(target, csvText(file), "utf8");

    const summary = await importFile(hub.database.db, studentRegistrationKind, target, { format: "csv" });

    expect(summary.rejectedRows).toBe(1);
    const report = parse(readFileSync(summary.reportPath, "utf8"), { columns: true }) as Row[];
    expect(report).toEqual([
      expect.objectContaining({ field: "sex", message: 'must be one of M, F, 男, 女, but got "未知"' }),
    ]);
  });

  it("writes the report for people in Chinese, with a byte order mark for Excel", async () => {
    const file = rows([
      { name: "王芳", sex: "女" },
      { name: "李雷", sex: "X" },
    ]);
    file[0] = { ...file[0]!, birth_date: "2015-02-30" };
    const target = path.join(dir, "education.student_registration.report.csv");
    writeFileSync(target, csvText(file), "utf8");

    const summary = await importFile(hub.database.db, studentRegistrationKind, target, {
      format: "csv",
      reportLanguage: "zh",
    });

    const bytes = readFileSync(summary.reportPath);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = bytes.subarray(3).toString("utf8").trimEnd().split("\n");
    expect(header).toBe("行号,记录编号,字段,原因");
    expect(lines).toEqual([
      `2,${file[0]!.record_id},birth_date（出生日期）,"应为日期，格式如 2026-06-30，实为 ""2015-02-30"""`,
      `3,${file[1]!.record_id},sex（性别）,"应为 M、F、男、女 之一，实为 ""X"""`,
    ]);
  });
});

describe("npm run import -- --encoding gbk", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "hub-encodings-cli-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function runImport(args: readonly string[], dataDir: string): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/bin/import.ts", ...args], {
        cwd: root,
        env: { ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (data: Buffer) => void (output += data.toString()));
      child.stderr.on("data", (data: Buffer) => void (output += data.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
  }

  it("converts a GBK file and writes its Chinese report with a byte order mark", { timeout: 180_000 }, async () => {
    const dataDir = path.join(dir, "data");
    const database = await createDatabase({ kind: "pglite", dataDir });
    await migrateDatabase(database, path.join(root, "migrations"));
    await database.close();
    const generated = path.join(dir, "generated.csv");
    await writeRegistrationFile(generated, { rows: 12, seed: 3 });
    const rows = parse(readFileSync(generated, "utf8"), { columns: true }) as Row[];
    // One bad date, so the report has a line; the sexes as 男 and 女.
    const sent = rows.map((r, i): Row => ({
      ...r,
      sex: r.sex === "M" ? "男" : "女",
      ...(i === 0 ? { birth_date: "2015-02-30" } : {}),
    }));
    const file = path.join(dir, "education.student_registration.csv");
    writeFileSync(file, encodeGb(csvText(sent)));

    const { code, output } = await runImport(
      ["--department", "education", "--file", file, "--encoding", "GBK"],
      dataDir,
    );

    expect(code, output).toBe(0);
    expect(output).toMatch(/^done: 12 rows read, 11 new, 0 updated, 0 unchanged, 1 rejected/m);
    const check = await createDatabase({ kind: "pglite", dataDir });
    try {
      const names = await queryRows<{ name: string; sex: string }>(
        check.db,
        sql`select name, sex from education.student_registrations order by record_id`,
      );
      const expected = sent
        .slice(1)
        .map((r) => ({ record_id: r.record_id!, name: r.name!, sex: r.sex === "男" ? "M" : "F" }))
        .sort((a, b) => (a.record_id < b.record_id ? -1 : 1))
        .map(({ name, sex }) => ({ name, sex }));
      expect(names).toEqual(expected);
    } finally {
      await check.close();
    }
    const report = readFileSync(`${file}.rejected.csv`);
    expect([...report.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(report.toString("utf8")).toContain("行号,记录编号,字段,原因\n");
    expect(report.toString("utf8")).toContain(`2,${sent[0]!.record_id},birth_date（出生日期）,`);
  });
});
