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

  it("gives every kind with a division-code column other than a residence a region (a new kind cannot slip past the check)", () => {
    const unplaced = RECORD_KINDS.filter(
      (k) => !hasRegion(k) && k.columns.some((c) => c.parse === divisionCode && c.name !== "residence_region_code"),
    ).map((k) => k.name);
    expect(unplaced, "name their region column in REGION_COLUMN_OVERRIDES (src/ingest/sender-region.ts)").toEqual([]);
  });
});
