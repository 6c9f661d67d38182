import { describe, expect, it } from "vitest";
import { divisionCode } from "../../src/ingest/fields.ts";
import { RECORD_KINDS, recordKind } from "../../src/ingest/kinds/index.ts";
import { hasRegion, regionColumnOf } from "../../src/ingest/sender-region.ts";

const kind = (name: string) => recordKind(name)!;

describe("the column that places a submitted record in a region", () => {
  it.each([
    ["education.school", "region_code"],
    ["household.household", "region_code"],
    ["health.birth_certificate", "region_code"],
    ["health.vaccination_site", "region_code"],
    ["insurance.coordination_area", "area_code"],
    ["insurance.enrollment", "area_code"],
  ])("reads %s's region from %s", (name, column) => {
    expect(regionColumnOf(kind(name), {})?.name).toBe(column);
  });

  it("places a person by the hukou, and a residence-permit holder where the permit was issued", () => {
    expect(regionColumnOf(kind("household.person"), { registrationKind: "LOCAL_HUKOU" })?.name).toBe(
      "hukou_region_code",
    );
    expect(regionColumnOf(kind("household.person"), { registrationKind: "RESIDENCE_PERMIT" })?.name).toBe(
      "residence_region_code",
    );
  });

  it("leaves kinds placed by another record (a school, a site, a doctor) without a region of their own", () => {
    for (const name of ["education.student_registration", "health.immunization_record", "health.doctor_contract"])
      expect(hasRegion(kind(name)), name).toBe(false);
  });

  it(
    "gives every kind with a division-code column other than a residence a region " +
      "(a new kind cannot slip past the check)",
    () => {
      const unplaced = RECORD_KINDS.filter(
        (k) => !hasRegion(k) && k.columns.some((c) => c.parse === divisionCode && c.name !== "residence_region_code"),
      ).map((k) => k.name);
      expect(unplaced, "declare `placement: { regionColumn }` in the kind's definition (src/ingest/kinds/)").toEqual(
        [],
      );
    },
  );
});

describe("how each kind declares it is placed", () => {
  it("places by a division-code column of its own every kind with a fixed region column", () => {
    for (const k of RECORD_KINDS) {
      if (!("regionColumn" in k.placement) || typeof k.placement.regionColumn !== "string") continue;
      const column = k.columns.find((c) => c.name === (k.placement as { regionColumn: string }).regionColumn);
      expect(column?.parse, k.name).toBe(divisionCode);
    }
  });

  it("places the kinds without a region column through the record they name", () => {
    const through = Object.fromEntries(
      RECORD_KINDS.flatMap((k) =>
        "through" in k.placement
          ? [[k.name, `${k.placement.column} → ${k.placement.through.name}.${k.placement.references}`]]
          : [],
      ),
    );
    expect(through).toEqual({
      "household.guardianship": "child_record_id → household.person.record_id",
      "health.immunization_record": "site_code → health.vaccination_site.site_code",
      "health.immunization_dose": "immunization_record_id → health.immunization_record.record_id",
      "health.doctor_contract": "doctor_code → health.family_doctor.doctor_code",
      "education.student_registration": "school_code → education.school.school_code",
      "insurance.contribution": "enrollment_record_id → insurance.enrollment.record_id",
    });
  });

  it("names the record placed through by a column read like that record's key, and reaches a region column", () => {
    for (const k of RECORD_KINDS) {
      let placement = k.placement;
      let own = k;
      for (let hops = 0; "through" in placement; hops++) {
        const { through, column, references } = placement;
        const named = own.columns.find((c) => c.name === column);
        const key = through.columns.find((c) => c.name === references);
        expect(named, `${own.name}.${column}`).toBeDefined();
        expect(key, `${through.name}.${references}`).toBeDefined();
        expect(named!.parse, `${own.name}.${column} is read like ${through.name}.${references}`).toBe(key!.parse);
        expect(hops, `${k.name}: a chain of placements ends`).toBeLessThan(RECORD_KINDS.length);
        own = through;
        placement = through.placement;
      }
      expect(hasRegion(own), `${k.name} is placed, in the end, by ${own.name}'s region`).toBe(true);
    }
  });
});
