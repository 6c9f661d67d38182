import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CopyRowScanner } from "../../src/db/copy.ts";
import { SOURCE_KINDS, type SourceKind } from "../../src/db/enums.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { normaliseRecord } from "../../src/linkage/normalise.ts";
import { RecordReader, ROW_FIELDS } from "../../src/linkage/record-reader.ts";
import { flagsOf, recordTableOf, RecordTable } from "../../src/linkage/record-table.ts";
import type { SourceRecord } from "../../src/linkage/types.ts";
import { Vocabulary } from "../../src/linkage/vocabulary.ts";
import { binaryCopy } from "../kit/copy-binary.ts";

/** Record i of a table as plain values (its vocabulary's numbers read back): what two tables are compared by. */
function valuesOf(table: RecordTable, i: number) {
  const v = table.vocabulary;
  const list = (column: RecordTable["phones"], text: (code: number) => string) => column.list(i).map(text);
  return {
    source: table.sourceOf(i),
    recordId: table.recordIdOf(i),
    name: table.name[i]! >= 0 ? v.names[table.name[i]!] : null,
    sex: table.sex[i],
    birthDate: table.birthDate[i]! >= 0 ? v.dates[table.birthDate[i]!] : null,
    idNumbers: list(table.idNumbers, (c) => v.idNumberOf(c)),
    trusted: table.trusted[i],
    invalidIdNumbers: list(table.invalidIdNumbers, (c) => v.textOf(c)),
    certificate: Number.isNaN(table.certificate[i]!) ? null : v.certificateOf(table.certificate[i]!),
    studentKey: Number.isNaN(table.studentKey[i]!) ? null : v.textOf(table.studentKey[i]!),
    guardianIds: list(table.guardianIds, (c) => v.idNumberOf(c)),
    phones: list(table.phones, (c) => v.phoneOf(c)),
    guardianNames: table.guardianNames.list(i),
    regions: table.regions.list(i),
    flags: flagsOf(table.flags[i]!),
  };
}

const allValues = (table: RecordTable) => Array.from({ length: table.count }, (_, i) => valuesOf(table, i));

/** selectOf's fields of a record, as a COPY row. */
function rowOf(r: SourceRecord): (string | null)[] {
  const list = (values: readonly string[]) => (values.length === 0 ? null : values.join(","));
  return [
    r.recordId,
    r.name,
    r.sex,
    r.birthDate,
    r.idNumber,
    r.birthCertificateNumber,
    r.studentNumber,
    list(r.guardianIdNumbers),
    list(r.guardianPhones),
    list(r.regionCodes),
    list(r.guardianNames ?? []),
  ];
}

/** Feeds rows as COPY's binary output to a scanner in chunks of the given sizes, in turn. */
function scan(
  rows: readonly (readonly (string | null)[])[],
  fieldCount: number,
  chunkSizes: readonly number[],
  onRow: ConstructorParameters<typeof CopyRowScanner>[1],
): void {
  const bytes = binaryCopy(rows);
  const scanner = new CopyRowScanner(fieldCount, onRow);
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = chunkSizes[k % chunkSizes.length]!;
    scanner.push(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
}

const ID = makeIdNumber({ regionCode: "330106", birthDate: "2019-03-15", sequence: 13 });
const TWIN = makeIdNumber({ regionCode: "330106", birthDate: "2019-03-15", sequence: 14 });
const MOTHER = makeIdNumber({ regionCode: "330106", birthDate: "1990-06-01", sequence: 22 });
const OLD = makeIdNumber({ regionCode: "110105", birthDate: "1900-01-01", sequence: 7 });
const slip = (id: string) => id.slice(0, 10) + String((Number(id[10]) + 1) % 10) + id.slice(11);

// Each field's values: the plain forms departments nearly always send, and the unusual ones.
const text = <T extends string>(...values: T[]) => fc.constantFrom<T | null>(null, ...values);
const field = {
  name: text(
    "王子轩",
    "王梓萱",
    "欧阳娜娜",
    " 王 子轩 ",
    "王之子",
    "婴儿",
    "Baby boy",
    "",
    "ＷＡＮＧ",
    "𠮷野家",
    "王\t子",
    "王\\子",
  ),
  sex: text("M", "F", "男", "女", "1", "2", " m ", "x", ""),
  birthDate: text(
    "2019-03-15",
    "2019-03-16",
    "2019-02-30",
    "1899-12-31",
    "2100-01-01",
    "2019-3-15",
    " 2019-03-15 ",
    "2019-13-01",
    "20190315",
    "0001-01-01",
  ),
  idNumber: text(
    ID,
    TWIN,
    OLD,
    slip(ID),
    ID.toLowerCase(),
    ` ${ID} `,
    ID.replace(/\d/, (d) => String.fromCharCode(0xff10 + Number(d))),
    ID.slice(0, 17),
    "",
    "110105210001010011",
    `${ID.slice(0, 17)}x`,
  ),
  certificate: text("Q330000001", "q330000001", " Q330000002 ", "Q33000000", "1330000001", ""),
  studentNumber: text(
    `G${ID}`,
    `G${TWIN}`,
    `G${slip(ID)}`,
    `J${ID}`,
    "L330106201903150001",
    "L990106201903150001",
    `g${ID}`,
    "X123",
    "",
  ),
  list: (...values: string[]) => fc.subarray(values),
};
const record = (source: SourceKind) =>
  fc
    .record({
      name: field.name,
      sex: field.sex,
      birthDate: field.birthDate,
      idNumber: field.idNumber,
      birthCertificateNumber: field.certificate,
      studentNumber: field.studentNumber,
      guardianIdNumbers: field.list(MOTHER, ID, slip(MOTHER), ` ${MOTHER}`, MOTHER),
      guardianPhones: field.list(
        "13812345678",
        "+86 139-1234-5678",
        "008613812345678",
        "12345",
        "23812345678",
        "１３８１２３４５６７８",
        "13812345678",
      ),
      regionCodes: field.list("330106", "330100", "010100", "33010", "3301066", "３３０１０６", "330106"),
      guardianNames: field.list("刘建天", " 刘 建天 ", "王之子", "婴儿", "", "李婷彤", "刘建天"),
    })
    .map((r) => ({ source, ...r }));

describe("reading records from COPY bytes", () => {
  it("gives exactly what normaliseRecord gives, for plain and unusual values alike, however the bytes are cut", () => {
    const sources = SOURCE_KINDS.filter((s) => s !== "household.person");
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...sources).chain(record), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        (drawn, chunks) => {
          const records: SourceRecord[] = drawn.map((r, k) => ({
            ...r,
            recordId: k % 7 === 3 ? `IM\t${k}\\x` : `R-${k}`,
          }));
          const vocabulary = new Vocabulary();
          const reader = new RecordReader(vocabulary);
          const table = new RecordTable(vocabulary, 4);
          scan(records.map(rowOf), ROW_FIELDS, chunks, (row) =>
            reader.read(table, SOURCE_KINDS.indexOf(records[table.count]!.source), row),
          );
          expect(allValues(table)).toEqual(allValues(recordTableOf(records.map(normaliseRecord))));
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it("joins household persons with their guardianships, read first, in the order of those rows", () => {
    const guardianships = [
      ["HP-1", MOTHER, "13812345678", "李娜"],
      ["HP-2", slip(MOTHER), "+86 139 1234 5678", " 李 娜 "],
      ["HP-1", ID, null, "王建国"],
      ["HP-1", MOTHER, "13812345678", "李娜"],
      ["HP-3", null, "12345", null],
    ];
    const persons = ["HP-1", "HP-2", "HP-3", "HP-4"].map((recordId): SourceRecord => ({
      source: "household.person",
      recordId,
      name: "王子轩",
      sex: "M",
      birthDate: "2019-03-15",
      idNumber: ID,
      birthCertificateNumber: null,
      studentNumber: null,
      regionCodes: ["330106"],
      guardianIdNumbers: guardianships.filter((g) => g[0] === recordId && g[1] !== null).map((g) => g[1]!),
      guardianPhones: guardianships.filter((g) => g[0] === recordId && g[2] !== null).map((g) => g[2]!),
      guardianNames: guardianships.filter((g) => g[0] === recordId && g[3] !== null).map((g) => g[3]!),
    }));
    const vocabulary = new Vocabulary();
    const reader = new RecordReader(vocabulary);
    scan(guardianships, 4, [5], (row) => reader.guardians.add(row));
    const table = new RecordTable(vocabulary, 1);
    const rows = persons.map((p) => rowOf({ ...p, guardianIdNumbers: [], guardianPhones: [], guardianNames: [] }));
    scan(rows, ROW_FIELDS, [7], (row) => reader.read(table, SOURCE_KINDS.indexOf("household.person"), row));
    const expected = recordTableOf(persons.map(normaliseRecord));
    expect(allValues(table)).toEqual(allValues(expected));
    expect(valuesOf(table, 0)).toMatchObject({ guardianIds: [MOTHER, ID], phones: ["13812345678"] });
    expect(valuesOf(table, 0).guardianNames).toHaveLength(2);
    expect(valuesOf(table, 3)).toMatchObject({ guardianIds: [], phones: [] });
  });
});
