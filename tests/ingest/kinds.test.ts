import { getTableColumns } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { SOURCE_KINDS } from "../../src/db/enums.ts";
import {
  birthCertificateNumber,
  divisionCode,
  doctorCode,
  fen,
  hospitalCode,
  householdNumber,
  idNumber,
  insuranceTypeCode,
  isoDate,
  monthDay,
  phone,
  recordIdText,
  residencePermitNumber,
  schoolCode,
  siteCode,
  studentNumber,
  vaccineCode,
  type FieldParser,
} from "../../src/ingest/fields.ts";
import { parseRow, type RecordKind } from "../../src/ingest/kind.ts";
import { kindsOf, RECORD_KINDS, recordKind } from "../../src/ingest/kinds/index.ts";

const KINDS = RECORD_KINDS.map((k) => [k.name, k] as const);
const BOOKKEEPING = new Set(["id", "createdAt", "updatedAt"]);

/** A row of the kind's documented examples: what the README shows a department. */
function exampleRow(kind: RecordKind): Record<string, string> {
  return Object.fromEntries(kind.columns.map((c) => [c.name, c.example]));
}

/** A malformed value for each named parser, and what its message must say. */
const MALFORMED = new Map<FieldParser, readonly [string, RegExp]>([
  [recordIdText, ["HP 1/2", /must be the department's own record id/]],
  [idNumber, ["330106201501010015", /check character "4", but got "5"/]],
  [divisionCode, ["339999", /"339999" is not a known division under 浙江省/]],
  [isoDate, ["2026-02-30", /must be a date like 2026-06-30, but got "2026-02-30"/]],
  [phone, ["12800001234", /must be an 11-digit mobile number starting with 1, but got "12800001234"/]],
  [birthCertificateNumber, ["P33012345", /must be 10 characters/]],
  [studentNumber, ["X330106201501010014", /must start with G, J or L/]],
  [schoolCode, ["233010610", /10-digit school code/]],
  [doctorCode, ["D33010601", /family doctor code/]],
  [siteCode, ["330106001", /vaccination site code/]],
  [hospitalCode, ["H330106", /hospital code/]],
  [householdNumber, ["3301-06", /household number/]],
  [residencePermitNumber, ["JZ-1", /residence permit number/]],
  [vaccineCode, ["乙肝疫苗", /vaccine code/]],
  [insuranceTypeCode, ["39", /3-digit insurance type/]],
  [monthDay, ["02-30", /month and day like 09-01, but got "02-30"/]],
  [fen, ["-1", /whole number from 0 to 100000000, but got "-1"/]],
]);

describe("the record kinds", () => {
  it("are registered once each, by a unique <department>.<kind> name", () => {
    const names = RECORD_KINDS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    for (const kind of RECORD_KINDS) {
      expect(kind.name.startsWith(`${kind.department}.`)).toBe(true);
      expect(recordKind(kind.name)).toBe(kind);
    }
    expect(kindsOf("household").map((k) => k.name)).toEqual([
      "household.household",
      "household.person",
      "household.guardianship",
    ]);
    expect(kindsOf("health")).toHaveLength(7);
    expect(kindsOf("insurance")).toHaveLength(4);
  });

  it("give each link source to exactly the kind whose records describe a child", () => {
    expect(Object.fromEntries(RECORD_KINDS.filter((k) => k.linkSource).map((k) => [k.linkSource, k.name]))).toEqual({
      "household.person": "household.person",
      "health.birth_certificate": "health.birth_certificate",
      "health.immunization_record": "health.immunization_record",
      "health.doctor_contract": "health.doctor_contract",
      "education.student": "education.student_registration",
      "insurance.enrollment": "insurance.enrollment",
    });
    expect(
      RECORD_KINDS.filter((k) => k.linkSource)
        .map((k) => k.linkSource)
        .sort(),
    ).toEqual([...SOURCE_KINDS].sort());
  });

  it("say what a change touches: a child's record its linked children, a place the children it places", () => {
    const touches = Object.fromEntries(
      RECORD_KINDS.map((k) => [
        k.name,
        typeof k.touches === "string"
          ? k.touches
          : "relinks" in k.touches
            ? `relinks ${k.touches.relinks.source} by ${k.touches.relinks.recordColumn.name}`
            : "childrenOf" in k.touches
              ? `children of ${k.touches.childrenOf.source} by ${k.touches.childrenOf.recordColumn.name}`
              : "idNumberHolders" in k.touches
                ? `holders of ${k.touches.idNumberHolders.name}`
                : `${k.touches.placedChildren.source} by ${k.touches.placedChildren.recordColumn.name}` +
                  (k.touches.residentsOf ? ` and residents of ${k.touches.residentsOf.name}` : ""),
      ]),
    );
    expect(touches).toEqual({
      "household.household": "nothing",
      "household.person": "linked children",
      "household.guardianship": "relinks household.person by child_record_id",
      "health.hospital": "nothing",
      "health.birth_certificate": "linked children",
      "health.vaccination_site": "health.immunization_record by site_code",
      "health.immunization_record": "linked children",
      "health.immunization_dose": "children of health.immunization_record by immunization_record_id",
      "health.family_doctor": "health.doctor_contract by doctor_code",
      "health.doctor_contract": "linked children",
      "education.school": "education.student by school_code",
      "education.student_registration": "linked children",
      "insurance.coordination_area": "insurance.enrollment by area_code and residents of area_code",
      "insurance.enrollment": "linked children",
      "insurance.contribution": "children of insurance.enrollment by enrollment_record_id",
      "insurance.assistance_eligibility": "holders of id_number",
    });
    for (const k of RECORD_KINDS) expect(k.touches === "linked children", k.name).toBe(k.linkSource !== null);
  });

  it("find a place's children through columns of the place's table and of its children's records' table", () => {
    const columnsOf = (kind: RecordKind) => Object.values(getTableColumns(kind.table) as Record<string, PgColumn>);
    for (const k of RECORD_KINDS) {
      if (typeof k.touches === "string" || !("placedChildren" in k.touches)) continue;
      const placed = k.touches.placedChildren;
      const records = RECORD_KINDS.find((r) => r.linkSource === placed.source)!;
      expect(columnsOf(k), `${k.name}: placeColumn`).toContain(placed.placeColumn);
      expect(columnsOf(records), `${k.name}: recordColumn`).toContain(placed.recordColumn);
    }
  });

  it.each(KINDS)(
    "%s has a column for every stored column, named like it, required exactly when NOT NULL",
    (_, kind) => {
      const table = Object.entries(getTableColumns(kind.table) as Record<string, PgColumn>).filter(
        ([property]) => !BOOKKEEPING.has(property),
      );
      expect(kind.columns.map((c) => c.property)).toEqual(table.map(([property]) => property));
      for (const [property, column] of table) {
        const spec = kind.columns.find((c) => c.property === property)!;
        expect({ name: spec.name, required: spec.required }, property).toEqual({
          name: column.name,
          required: column.notNull,
        });
      }
    },
  );
});

describe.each(KINDS)("%s", (_, kind) => {
  it("accepts a row of its documented examples", () => {
    const parsed = parseRow(kind, exampleRow(kind));
    expect(parsed).toMatchObject({ ok: true, recordId: exampleRow(kind).record_id });
  });

  it("refuses a malformed value of each validated column with a message naming the column", () => {
    const checked = kind.columns.filter((c) => MALFORMED.has(c.parse));
    expect(checked.length).toBeGreaterThan(0);
    for (const column of checked) {
      const [value, message] = MALFORMED.get(column.parse)!;
      const parsed = parseRow(kind, { ...exampleRow(kind), [column.name]: value });
      expect(parsed.ok, `${column.name} = ${value}`).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.errors).toHaveLength(1);
      expect(parsed.errors[0]!.field).toBe(column.name);
      expect(parsed.errors[0]!.message).toMatch(message);
    }
  });

  it("refuses a value outside an enumeration, a number out of range and an overlong text", () => {
    for (const column of kind.columns) {
      const probe = MALFORMED.has(column.parse)
        ? null
        : ["NOT_A_CHOICE", "9999999999", "字".repeat(300)].find((v) => !column.parse(v).ok);
      if (!probe) continue;
      const parsed = parseRow(kind, { ...exampleRow(kind), [column.name]: probe });
      expect(parsed.ok ? [] : parsed.errors.map((e) => e.field), column.name).toEqual([column.name]);
      expect(parsed.ok ? "" : parsed.errors[0]!.message).toMatch(/must be (one of|a whole number|at most)/);
    }
  });

  it("refuses an empty required column and stores an empty optional one as null", () => {
    for (const column of kind.columns) {
      const parsed = parseRow(kind, { ...exampleRow(kind), [column.name]: "" });
      if (column.required)
        expect(parsed, column.name).toEqual({ ok: false, errors: [{ field: column.name, message: "is required" }] });
      // An optional column may be needed by a check across columns (a permit holder's residence).
      else if (parsed.ok) expect(parsed.values[column.property], column.name).toBeNull();
    }
  });

  it("refuses a column it does not have, naming it and the columns it expects", () => {
    const parsed = parseRow(kind, { ...exampleRow(kind), colour: "blue" });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.errors).toEqual([
        {
          field: "colour",
          message: expect.stringMatching(new RegExp(`^is not a column of ${kind.name} \\(expected record_id, `)),
        },
      ]);
  });
});

describe("checks across columns", () => {
  const refusal = (name: string, change: Record<string, string>) => {
    const kind = recordKind(name)!;
    const parsed = parseRow(kind, { ...exampleRow(kind), ...change });
    return parsed.ok ? [] : parsed.errors;
  };

  it("want a residence region for a residence-permit holder", () => {
    expect(refusal("household.person", { registration_kind: "RESIDENCE_PERMIT", residence_region_code: "" })).toEqual([
      {
        field: "residence_region_code",
        message: expect.stringMatching(/required when registration_kind is RESIDENCE_PERMIT/),
      },
    ]);
    expect(refusal("household.person", { registration_kind: "LOCAL_HUKOU", residence_region_code: "" })).toEqual([]);
  });

  it("refuse a birth certificate issued before the birth", () => {
    expect(refusal("health.birth_certificate", { birth_date: "2026-03-15", issued_on: "2026-03-14" })).toEqual([
      { field: "issued_on", message: "must be on or after birth_date 2026-03-15, but got 2026-03-14" },
    ]);
  });

  it("refuse a doctor contract that ends before it is signed, and eligibility that ends before it starts", () => {
    expect(refusal("health.doctor_contract", { signed_on: "2026-01-10", valid_until: "2025-01-10" })[0]).toMatchObject({
      field: "valid_until",
    });
    expect(
      refusal("insurance.assistance_eligibility", { valid_from: "2026-01-01", valid_until: "2025-12-31" })[0],
    ).toMatchObject({ field: "valid_until" });
  });

  it("refuse a needy category on a contribution medical assistance did not pay", () => {
    expect(refusal("insurance.contribution", { payer_kind: "SELF", needy_category: "ORPHAN" })).toEqual([
      {
        field: "needy_category",
        message: "must be empty unless payer_kind is MEDICAL_ASSISTANCE, but got ORPHAN with payer_kind SELF",
      },
    ]);
  });

  it("keep a birth date that contradicts the ID number, for the linkage to weigh", () => {
    expect(refusal("household.person", { id_number: "330106201501010014", birth_date: "2015-01-02" })).toEqual([]);
  });
});
