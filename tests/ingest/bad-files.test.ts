import { once } from "node:events";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { ingestBatch } from "../../src/ingest/batch.ts";
import { importFile, type FileFormat, type ImportSummary } from "../../src/ingest/file.ts";
import { schoolKind } from "../../src/ingest/kinds/education.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

/**
 * Issue 23, items 4, 6, 7 and the bad-file corpus of its acceptance: every kind of broken file a
 * department has sent or could send gets a clear error, per row (by line and field in the
 * report) or per file (nothing written), and every good row in it is imported.
 *
 * The files are of schools: five columns, one of them unique (school_code), and a name where
 * Chinese text, NUL bytes and GBK bytes can go. Each case's record ids and school codes are its
 * own (`school(n)` of case `BFi`), so the cases share one database.
 */

const COLUMNS = ["record_id", "school_code", "name", "kind", "region_code"] as const;
const HEADER = COLUMNS.join(",");
/** A name the database refuses by a rule the hub's own checks do not know (added in beforeAll). */
const CLOSED_NAME = "已撤销的学校";
const GBK_NAME = Buffer.from("b2e2cad4d1a7d0a3", "hex"); // 测试学校 in GBK: not UTF-8

type Row = Record<(typeof COLUMNS)[number], string>;

interface Case {
  name: string;
  format: FileFormat;
  /** The file's content, given the case's row builder (or a writer, for a file too big to build in memory). */
  content: (school: (n: number, name?: string) => Row) => string | Buffer | ((file: string) => Promise<void>);
  /** Rows stored before the import (by ingestBatch), for a clash with what the database holds. */
  stored?: (school: (n: number) => Row) => Row[];
  chunkRows?: number;
  /** A refusal of the whole file: nothing of it is written. */
  fileError?: RegExp;
  /** The rows stored afterwards, by n, with their name when it matters. */
  imported: (number | [number, string])[];
  /** The report's lines: line, field, message. */
  rejected: [number, string, RegExp][];
  summary?: Partial<ImportSummary>;
  /** How much the heap may grow while the file is imported, in MB. */
  maxHeapGrowthMb?: number;
}

const csv = (rows: (Row | string)[], eol = "\n") =>
  [HEADER, ...rows.map((r) => (typeof r === "string" ? r : COLUMNS.map((c) => r[c]).join(",")))].join(eol) + eol;
const ndjson = (rows: (Row | string)[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n");
const line = (r: Row) => COLUMNS.map((c) => r[c]).join(",");

const CASES: Case[] = [
  {
    name: "an empty CSV file",
    format: "csv",
    content: () => "",
    fileError: /the file is empty/,
    imported: [],
    rejected: [],
  },
  {
    name: "an empty NDJSON file (no records: nothing to do)",
    format: "ndjson",
    content: () => "",
    imported: [],
    rejected: [],
    summary: { rowsRead: 0 },
  },
  {
    name: "a header only",
    format: "csv",
    content: () => `${HEADER}\n`,
    imported: [],
    rejected: [],
    summary: { rowsRead: 0 },
  },
  {
    name: "a UTF-8 byte order mark",
    format: "csv",
    content: (s) => `\uFEFF${csv([s(1), s(2)])}`,
    imported: [1, 2],
    rejected: [],
  },
  {
    name: "a UTF-16 file",
    format: "csv",
    content: (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv([s(1)]), "utf16le")]),
    fileError: /UTF-16/,
    imported: [],
    rejected: [],
  },
  {
    name: "CRLF line ends",
    format: "csv",
    content: (s) => csv([s(1), s(2), s(3)], "\r\n"),
    imported: [1, 2, 3],
    rejected: [],
  },
  {
    name: "CR line ends (old Mac exports)",
    format: "csv",
    content: (s) => csv([s(1), s(2), s(3)], "\r"),
    imported: [1, 2, 3],
    rejected: [],
  },
  {
    name: "CR line ends in NDJSON",
    format: "ndjson",
    content: (s) => [s(1), s(2)].map((r) => JSON.stringify(r)).join("\r"),
    imported: [1, 2],
    rejected: [],
  },
  {
    name: "a record id repeated, within a chunk and across chunks: the last copy wins",
    format: "csv",
    chunkRows: 2,
    content: (s) => csv([s(1, "第一版"), s(2), s(1, "第二版"), s(3), s(1, "第三版"), s(2, "改过的")]),
    imported: [
      [1, "第三版"],
      [2, "改过的"],
      [3, "测试学校3"],
    ],
    rejected: [
      [2, "record_id", /repeated on line 6, a later copy.*only the last copy/],
      [3, "record_id", /repeated on line 7/],
      [4, "record_id", /repeated on line 6/],
    ],
    summary: { rowsRead: 6, accepted: 3, rejectedRows: 3, superseded: 3 },
  },
  {
    name: "a 100 MB line, never held whole",
    format: "csv",
    content: (s) => async (file) => {
      const out = createWriteStream(file);
      out.write(`${HEADER}\n${line(s(1))}\n${line(s(2)).replace(",测试学校2,", ",")}`);
      const block = "很长的名字".repeat(70_000); // ~1 MB of UTF-8
      for (let written = 0; written < 100 * 1024 * 1024; written += Buffer.byteLength(block))
        if (!out.write(block)) await once(out, "drain");
      out.end(`,PRIMARY,330106\n${line(s(3))}\n`);
      await once(out, "finish");
    },
    imported: [1, 3],
    rejected: [[3, "(line)", /is [\d,]{11,} bytes long, over the limit of 65,536 bytes for one line/]],
    maxHeapGrowthMb: 40,
  },
  {
    name: "binary garbage between rows",
    format: "csv",
    content: (s) => Buffer.concat([Buffer.from(csv([s(1)])), garbage(4096), Buffer.from(`\n${line(s(2))}\n`)]),
    imported: [1, 2],
    rejected: [[3, "(line)", /is not UTF-8 text/]],
  },
  {
    name: "a binary file",
    format: "csv",
    content: () => garbage(4096),
    fileError: /the header line \(line 1\) is not UTF-8 text/,
    imported: [],
    rejected: [],
  },
  {
    name: "binary lines in NDJSON",
    format: "ndjson",
    content: (s) =>
      Buffer.concat([
        Buffer.from(`${JSON.stringify(s(1))}\n`),
        garbage(300),
        Buffer.from(`\n${JSON.stringify(s(2))}\n`),
      ]),
    imported: [1, 2],
    rejected: [[2, "(line)", /is not UTF-8 text/]],
  },
  {
    name: "GBK-encoded text",
    format: "csv",
    content: (s) =>
      Buffer.concat([
        Buffer.from(csv([s(1, "Primary School 1")])),
        Buffer.from(`${s(2).record_id},${s(2).school_code},`),
        GBK_NAME,
        Buffer.from(`,PRIMARY,330106\n${line(s(3, "Experimental School 3"))}\n`),
      ]),
    imported: [
      [1, "Primary School 1"],
      [3, "Experimental School 3"],
    ],
    rejected: [[3, "(line)", /is not UTF-8 text.*GBK or GB18030.*must be converted first/]],
  },
  {
    name: "a truncated NDJSON file",
    format: "ndjson",
    content: (s) => `${ndjson([s(1), s(2)])}\n${JSON.stringify(s(3)).slice(0, 40)}`,
    imported: [1, 2],
    rejected: [[3, "(line)", /is not valid JSON \(it ends before its object does\).*the file may have been cut short/]],
  },
  {
    name: "a truncated CSV file",
    format: "csv",
    content: (s) => `${csv([s(1), s(2)])}${s(3).record_id},${s(3).school_code},"测试`,
    imported: [1, 2],
    rejected: [[4, "(line)", /has a quote that is never closed/]],
  },
  {
    name: "a NUL byte in a value",
    format: "csv",
    content: (s) => csv([s(1), s(2, "测试\u0000学校"), s(3)]),
    imported: [1, 3],
    rejected: [[3, "name", /must not contain a control character .* U\+0000 at character 3/]],
  },
  {
    name: "a NUL byte in NDJSON",
    format: "ndjson",
    content: (s) => ndjson([s(1), s(2, "测试\u0000学校"), { ...s(3), region_code: "330106\u0000" } as Row, s(4)]),
    imported: [1, 4],
    rejected: [
      [2, "name", /U\+0000/],
      [3, "region_code", /U\+0000/],
    ],
  },
  {
    name: "a school code another record holds, in the database and earlier in the file",
    format: "csv",
    stored: (s) => [s(9)],
    content: (s) =>
      csv([s(1), { ...s(2), school_code: s(9).school_code }, s(3), { ...s(4), school_code: s(1).school_code }, s(5)]),
    imported: [1, 3, 5, 9],
    rejected: [
      [3, "school_code", /must be a school_code that no other record holds .*already held/],
      [5, "school_code", /already appears at 2/],
    ],
  },
  {
    name: "a row the database refuses by a rule the hub's checks do not know",
    format: "csv",
    chunkRows: 8,
    content: (s) => csv([s(1), s(2), s(3, CLOSED_NAME), s(4), s(5), s(6, CLOSED_NAME), s(7), s(8), s(9)]),
    imported: [1, 2, 4, 5, 7, 8, 9],
    rejected: [
      [4, "name", /breaks a rule the database keeps on this field \(the database's rule schools_corpus_name_check\)/],
      [7, "name", /breaks a rule the database keeps/],
    ],
    summary: { rowsRead: 9, accepted: 7, rejectedRows: 2, chunksCommitted: 2 },
  },
];

/** Bytes no UTF-8 decoder accepts, with no line end, quote or comma in them (one line of garbage). */
function garbage(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = 0x80 + (x % 0x80);
  }
  bytes[0] = 0xff;
  return bytes;
}

describe.each(ENGINES)("a bad file imported on %s", (engine) => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    dir = mkdtempSync(path.join(tmpdir(), "hub-bad-files-"));
    // A rule of the database the hub's own checks do not know, as a DBA might add one.
    const owner = await database.owner();
    await queryRows(
      owner.db,
      sql.raw(
        `alter table education.schools add constraint schools_corpus_name_check check (name <> '${CLOSED_NAME}')`,
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s", { timeout: 120_000 }, async (_, testCase, i) => {
    const school = (n: number, name = `测试学校${n}`): Row => ({
      record_id: `BF${i}-${n}`,
      school_code: `2${String(i).padStart(3, "0")}${String(n).padStart(6, "0")}`,
      name,
      kind: "PRIMARY",
      region_code: "330106",
    });
    const file = path.join(dir, `case-${i}.${testCase.format}`);
    const content = testCase.content(school);
    if (typeof content === "function") await content(file);
    else writeFileSync(file, content);
    if (testCase.stored) await ingestBatch(database.db, schoolKind, testCase.stored(school));

    let peak = 0;
    const baseline = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)), 2);
    const run = importFile(database.db, schoolKind, file, {
      format: testCase.format,
      chunkRows: testCase.chunkRows ?? 1000,
    }).finally(() => clearInterval(sampler));

    if (testCase.fileError) await expect(run).rejects.toThrow(testCase.fileError);
    else {
      const summary = await run;
      const report = (
        parse(readFileSync(summary.reportPath, "utf8"), { columns: true }) as Record<string, string>[]
      ).map((r) => [Number(r.line), r.field, r.message]);
      expect(report).toEqual(
        testCase.rejected.map(([l, field, message]) => [l, field, expect.stringMatching(message)]),
      );
      expect(summary).toMatchObject({ rejectedRows: testCase.rejected.length, ...testCase.summary });
      if (testCase.maxHeapGrowthMb !== undefined) expect(peak / 2 ** 20).toBeLessThan(testCase.maxHeapGrowthMb);
    }
    const stored = await queryRows<{ record_id: string; name: string }>(
      database.db,
      sql`select record_id, name from education.schools where record_id like ${`BF${i}-%`} order by record_id`,
    );
    const expected = testCase.imported.map((e) => (typeof e === "number" ? [e, `测试学校${e}`] : e));
    expect(stored.map((r) => [r.record_id, r.name]).sort()).toEqual(
      expected.map(([n, name]) => [`BF${i}-${n}`, name]).sort(),
    );
    rmSync(file, { force: true });
  });
});
