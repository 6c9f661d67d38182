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

/**
 * Issue 23, item 5 (ingest side): whatever goes wrong in an import, what it prints (stdout and
 * stderr) carries ids, lines and codes, never a name, an ID number or a phone, nor a database
 * statement's parameters. The command runs as its own process on a PGlite directory prepared
 * with a trigger that refuses some rows the way a database does: with their values in its
 * message.
 */

const root = path.resolve(import.meta.dirname, "../..");
/** A name ending in this is refused by the database as a constraint violation (a row's fault). */
const REFUSED = "拒";
/** A name ending in this fails the database with an error of its own (no row's fault: the file stops). */
const HALT = "停";

type Row = Record<string, string>;

function runImport(file: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/bin/import.ts", "--department", "education", "--file", file, "--chunk", "8"],
      {
        cwd: root,
        env: { ...process.env, HUB_DATA_DIR: dataDir, DATABASE_URL: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (data: Buffer) => void (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => void (output += data.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const csvLine = (row: Row) =>
  REGISTRATION_COLUMNS.map((c) =>
    /[",\n]/.test(row[c] ?? "") ? `"${row[c]!.replaceAll('"', '""')}"` : (row[c] ?? ""),
  ).join(",");

/** Every name, ID number and phone of the rows, and the pieces of a name a NUL splits. */
function personalData(rows: readonly Row[]): string[] {
  return [
    ...new Set(
      rows
        .flatMap((r) => [r.name!, r.id_number!, r.guardian_phone!, ...r.name!.split("\u0000")])
        .filter((v) => v && v.length >= 2),
    ),
  ];
}

describe("an import's output", () => {
  let dir: string;
  let dataDir: string;
  let rows: Row[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "hub-import-logs-"));
    dataDir = path.join(dir, "data");
    const generated = path.join(dir, "generated.csv");
    await writeRegistrationFile(generated, { rows: 40, seed: 11 });
    rows = parse(readFileSync(generated, "utf8"), { columns: true }) as Row[];
    const database = await createDatabase({ kind: "pglite", dataDir });
    await migrateDatabase(database, path.join(root, "migrations"));
    await queryRows(
      database.db,
      sql.raw(`
        create function education.refuse_marked() returns trigger language plpgsql as $$
        begin
          if new.name like '%${REFUSED}' then
            raise exception 'refused %, %, %', new.name, new.id_number, new.guardian_phone
              using errcode = '23514', constraint = 'registrations_marked_check';
          end if;
          if new.name like '%${HALT}' then
            raise exception 'halted at %, %', new.name, new.id_number;
          end if;
          return new;
        end $$`),
    );
    await queryRows(
      database.db,
      sql.raw(`create trigger refuse_marked before insert or update on education.student_registrations
               for each row execute function education.refuse_marked()`),
    );
    await database.close();
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "names lines and codes but no name, ID number or phone, for a file full of bad rows",
    { timeout: 120_000 },
    async () => {
      const wrongCheck = (id: string) => `${id.slice(0, 17)}${id.endsWith("0") ? "1" : "0"}`;
      const bad: Row[] = [
        ...rows.slice(0, 6).map((r) => ({ ...r, id_number: wrongCheck(r.id_number!) })),
        ...rows.slice(6, 10).map((r) => ({ ...r, name: `${r.name!.slice(0, 1)}\u0000${r.name!.slice(1)}` })),
        ...rows.slice(10, 14).map((r) => ({ ...r, guardian_phone: `9${r.guardian_phone!.slice(1)}` })),
        ...rows.slice(14, 20).map((r) => ({ ...r, name: `${r.name}${REFUSED}` })),
        ...rows.slice(20, 24).map((r, i) => ({ ...rows[30 + i]!, name: r.name! })), // earlier copies of rows 30–33
      ];
      const good = rows.slice(24);
      const file = path.join(dir, "education.student_registration.csv");
      const overLong = csvLine({ ...rows[24]!, name: rows[24]!.name!.repeat(40_000) });
      writeFileSync(
        file,
        [REGISTRATION_COLUMNS.join(","), ...bad.map(csvLine), overLong, ...good.map(csvLine)].join("\n") + "\n",
      );

      const { code, output } = await runImport(file, dataDir);

      expect(code).toBe(0);
      expect(output).toMatch(/^done: 41 rows read, 16 new, .* 25 rejected/m);
      const report = parse(readFileSync(`${file}.rejected.csv`, "utf8"), { columns: true }) as Row[];
      // The report is in Chinese (行号,记录编号,字段,原因), the database rule named in the reason.
      expect(report.filter((r) => r["原因"]!.includes("registrations_marked_check"))).toHaveLength(6);
      const leaked = personalData([...rows, ...bad]).filter((value) => output.includes(value));
      expect(leaked).toEqual([]);
      expect(output).not.toMatch(/params|Failed query|insert into/i);
    },
  );

  it("says why a file stopped by the database's code alone", { timeout: 120_000 }, async () => {
    const file = path.join(dir, "education.student_registration.halt.csv");
    const halted = rows
      .slice(0, 12)
      .map((r, i) => (i === 5 ? { ...r, record_id: `${r.record_id}-H`, name: `${r.name}${HALT}` } : r));
    writeFileSync(file, [REGISTRATION_COLUMNS.join(","), ...halted.map(csvLine)].join("\n") + "\n");

    const { code, output } = await runImport(file, dataDir);

    expect(code).toBe(1);
    expect(output).toMatch(
      /import failed: ingest of education\.student_registration: a batch of 8 rows .*database error P0001/,
    );
    const leaked = personalData(halted).filter((value) => output.includes(value));
    expect(leaked).toEqual([]);
    expect(output).not.toMatch(/params|Failed query|insert into|halted at/i);
  });
});
