import { GUARDIAN_RELATIONS, REGISTRATION_KINDS } from "../../db/enums.ts";
import { guardianships, households, persons } from "../../db/tables/household.ts";
import {
  divisionCode,
  householdNumber,
  idNumber,
  isoDate,
  oneOf,
  phone,
  recordIdText,
  residencePermitNumber,
  text,
} from "../fields.ts";
import type { FieldError, RecordKind } from "../kind.ts";
import { sexColumn } from "../kind.ts";

export const householdKind: RecordKind = {
  name: "household.household",
  department: "household",
  table: households,
  linkSource: null,
  // A child's hukou region is on their person record; the household's own row places no child.
  touches: "nothing",
  placement: { regionColumn: "region_code" },
  description: "A household (户) a hukou booklet is issued to.",
  columns: [
    {
      name: "record_id",
      property: "recordId",
      required: true,
      parse: recordIdText,
      description: "The department's own id for the record.",
      example: "HH-00000001",
    },
    {
      name: "household_number",
      property: "householdNumber",
      required: true,
      parse: householdNumber,
      description: "户号, 8 to 20 digits; unique.",
      example: "33010600000001",
    },
    {
      name: "region_code",
      property: "regionCode",
      required: true,
      parse: divisionCode,
      description: "Division code of the county the household is registered in.",
      example: "330106",
    },
    {
      name: "address",
      property: "address",
      required: false,
      parse: text(200),
      description: "The registered address.",
      example: "330106某街道12号",
    },
  ],
};

export const personKind: RecordKind = {
  name: "household.person",
  department: "household",
  table: persons,
  linkSource: "household.person",
  touches: "linked children",
  // A residence-permit holder is registered where they live: their hukou lies elsewhere by definition.
  placement: {
    regionColumn: (v) => (v.registrationKind === "RESIDENCE_PERMIT" ? "residence_region_code" : "hukou_region_code"),
  },
  // A birth date or sex that contradicts the ID number is kept: linkage flags such a record rather than trusting it.
  description:
    "A registered person: a local hukou holder, or a non-local resident known through a residence permit (居住证).",
  columns: [
    {
      name: "record_id",
      property: "recordId",
      required: true,
      parse: recordIdText,
      description: "The department's own id for the record.",
      example: "HP-00000001",
    },
    {
      name: "id_number",
      property: "idNumber",
      required: false,
      parse: idNumber,
      description: "Resident ID number (18 characters, MOD 11-2 check character).",
      example: "330106201501010014",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(50),
      description: "The person's name.",
      example: "王小明",
    },
    sexColumn(),
    {
      name: "birth_date",
      property: "birthDate",
      required: true,
      parse: isoDate,
      description: "YYYY-MM-DD.",
      example: "2015-01-01",
    },
    {
      name: "registration_kind",
      property: "registrationKind",
      required: true,
      parse: oneOf(REGISTRATION_KINDS),
      description: REGISTRATION_KINDS.join(" | "),
      example: "LOCAL_HUKOU",
    },
    {
      name: "hukou_region_code",
      property: "hukouRegionCode",
      required: true,
      parse: divisionCode,
      description: "Division code of the hukou; outside the province for a non-local person.",
      example: "330106",
    },
    {
      name: "hukou_address",
      property: "hukouAddress",
      required: false,
      parse: text(200),
      description: "The hukou address.",
      example: "330106某街道12号",
    },
    {
      name: "residence_region_code",
      property: "residenceRegionCode",
      required: false,
      parse: divisionCode,
      description: "Where a residence-permit holder lives (required for RESIDENCE_PERMIT).",
      example: "330106",
    },
    {
      name: "residence_permit_number",
      property: "residencePermitNumber",
      required: false,
      parse: residencePermitNumber,
      description: "The residence permit's number, for RESIDENCE_PERMIT.",
      example: "JZ33010612345678",
    },
    {
      name: "household_number",
      property: "householdNumber",
      required: false,
      parse: householdNumber,
      description: "户号 of the person's household, for local hukou.",
      example: "33010600000001",
    },
  ],
  crossCheck: (v) => {
    const errors: FieldError[] = [];
    if (v.registrationKind === "RESIDENCE_PERMIT" && v.residenceRegionCode === null) {
      errors.push({
        field: "residence_region_code",
        message: "is required when registration_kind is RESIDENCE_PERMIT (where the permit holder lives)",
      });
    }
    return errors;
  },
};

export const guardianshipKind: RecordKind = {
  name: "household.guardianship",
  department: "household",
  table: guardianships,
  linkSource: null,
  // A guardian's ID number and phone are the person record's linkage evidence: a guardianship
  // filed after its person links that person again (a newborn's record under 王之子 meets its
  // birth certificate through its parents).
  touches: { relinks: { source: "household.person", recordColumn: guardianships.childRecordId } },
  placement: { through: personKind, column: "child_record_id", references: "record_id" },
  description: "A guardian of a child, as the registry knows them (not always a registered person).",
  columns: [
    {
      name: "record_id",
      property: "recordId",
      required: true,
      parse: recordIdText,
      description: "The department's own id for the record.",
      example: "HG-00000001",
    },
    {
      name: "child_record_id",
      property: "childRecordId",
      required: true,
      parse: recordIdText,
      description: "The record_id of the child's household.person record.",
      example: "HP-00000001",
    },
    {
      name: "relation",
      property: "relation",
      required: true,
      parse: oneOf(GUARDIAN_RELATIONS),
      description: GUARDIAN_RELATIONS.join(" | "),
      example: "MOTHER",
    },
    {
      name: "guardian_name",
      property: "guardianName",
      required: true,
      parse: text(50),
      description: "The guardian's name.",
      example: "李娜",
    },
    {
      name: "guardian_id_number",
      property: "guardianIdNumber",
      required: false,
      parse: idNumber,
      description: "The guardian's resident ID number.",
      example: "33010619880101002X",
    },
    {
      name: "guardian_phone",
      property: "guardianPhone",
      required: false,
      parse: phone,
      description: "The guardian's mobile number.",
      example: "13800001234",
    },
  ],
};
