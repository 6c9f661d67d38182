import { check, index, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, divisionCode, isoDate, oneOf, recordId, sexColumn, surrogateId, updatedAt } from "../columns.ts";
import { GUARDIAN_RELATIONS, REGISTRATION_KINDS, SEXES } from "../enums.ts";

/** Public security, household registration: who a person is and where their hukou is. */
export const householdSchema = pgSchema("household");

/** A household (户): the unit a hukou booklet is issued to. */
export const households = householdSchema.table(
  "households",
  {
    id: surrogateId(),
    recordId: recordId(),
    householdNumber: text("household_number").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    address: text("address"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("households_record_id_key").on(t.recordId),
    uniqueIndex("households_number_key").on(t.householdNumber),
  ],
);

/**
 * A registered person: local hukou holders, and non-local residents known through their
 * residence permit (居住证). Children and guardians alike.
 */
export const persons = householdSchema.table(
  "persons",
  {
    id: surrogateId(),
    recordId: recordId(),
    idNumber: text("id_number"),
    name: text("name").notNull(),
    sex: sexColumn().notNull(),
    birthDate: isoDate("birth_date").notNull(),
    registrationKind: text("registration_kind").notNull(),
    /** Division code of the hukou; outside the province for a non-local child. */
    hukouRegionCode: divisionCode("hukou_region_code").notNull(),
    hukouAddress: text("hukou_address"),
    /** Where a residence-permit holder actually lives. */
    residenceRegionCode: divisionCode("residence_region_code"),
    residencePermitNumber: text("residence_permit_number"),
    householdNumber: text("household_number"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("persons_record_id_key").on(t.recordId),
    index("persons_id_number_idx").on(t.idNumber),
    index("persons_birth_date_sex_idx").on(t.birthDate, t.sex),
    index("persons_hukou_region_idx").on(t.hukouRegionCode),
    index("persons_residence_region_idx").on(t.residenceRegionCode),
    index("persons_household_idx").on(t.householdNumber),
    check("persons_sex_check", oneOf("sex", SEXES)),
    check("persons_registration_kind_check", oneOf("registration_kind", REGISTRATION_KINDS)),
  ],
);

/** A guardian of a child, as the registry knows them (not always a registered person). */
export const guardianships = householdSchema.table(
  "guardianships",
  {
    id: surrogateId(),
    recordId: recordId(),
    /** The child's person record id. */
    childRecordId: text("child_record_id").notNull(),
    relation: text("relation").notNull(),
    guardianName: text("guardian_name").notNull(),
    guardianIdNumber: text("guardian_id_number"),
    guardianPhone: text("guardian_phone"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("guardianships_record_id_key").on(t.recordId),
    index("guardianships_child_idx").on(t.childRecordId),
    index("guardianships_guardian_id_number_idx").on(t.guardianIdNumber),
    index("guardianships_guardian_phone_idx").on(t.guardianPhone),
    check("guardianships_relation_check", oneOf("relation", GUARDIAN_RELATIONS)),
  ],
);
