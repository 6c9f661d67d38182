import { describe, expect, it } from "vitest";
import { RECORD_KINDS } from "../../src/ingest/kinds/index.ts";
import { uniqueColumnsOf } from "../../src/ingest/unique-values.ts";

/**
 * Issue 18, finding 22: the values that identify one record in the province besides its
 * record_id are checked row by row before a batch is written; this says which they are,
 * written out here rather than read from the tables.
 */
const UNIQUE: Record<string, string[]> = {
  "household.household": ["household_number"],
  "health.hospital": ["hospital_code"],
  "health.birth_certificate": ["certificate_number"],
  "health.vaccination_site": ["site_code"],
  "health.family_doctor": ["doctor_code"],
  "education.school": ["school_code"],
  "insurance.coordination_area": ["area_code"],
};

describe("the unique values of each kind", () => {
  it("#18.22 checks every column a kind's table holds unique, and no other", () => {
    const found = Object.fromEntries(
      RECORD_KINDS.flatMap((k) => {
        const names = uniqueColumnsOf(k).map((c) => c.name);
        return names.length > 0 ? [[k.name, names]] : [];
      }),
    );

    expect(found).toEqual(UNIQUE);
  });
});
