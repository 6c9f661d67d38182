import { ENROLLMENT_STATUSES, PAYER_KINDS } from "../../db/enums.ts";
import { NEEDY_CATEGORIES } from "../../domain/insurance-policy.ts";
import { assistanceEligibility, contributions, coordinationAreas, enrollments } from "../../db/tables/insurance.ts";
import {
  birthCertificateNumber,
  divisionCode,
  fen,
  idNumber,
  insuranceTypeCode,
  integer,
  isoDate,
  monthDay,
  oneOf,
  recordIdText,
  text,
} from "../fields.ts";
import type { FieldError, RecordKind } from "../kind.ts";
import { sexColumn } from "../kind.ts";

const RECORD_ID = {
  name: "record_id",
  property: "recordId",
  required: true,
  parse: recordIdText,
  description: "The department's own id for the record.",
} as const;

export const coordinationAreaKind: RecordKind = {
  name: "insurance.coordination_area",
  department: "insurance",
  table: coordinationAreas,
  linkSource: null,
  // Its window and contribution are its enrollees' policy, and its residents' (coverage/rules.ts, settingsAreaOf).
  touches: {
    placedChildren: {
      source: "insurance.enrollment",
      recordColumn: enrollments.areaCode,
      placeColumn: coordinationAreas.areaCode,
    },
    residentsOf: coordinationAreas.areaCode,
  },
  placement: { regionColumn: "area_code" },
  description: "统筹区: a coordination area, with its yearly enrollment window and contribution.",
  columns: [
    { ...RECORD_ID, example: "CA-330100" },
    {
      name: "area_code",
      property: "areaCode",
      required: true,
      parse: divisionCode,
      description: "Division code of the area (a prefecture for 市级统筹); unique.",
      example: "330100",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(100),
      description: "The area's name.",
      example: "杭州市城乡居民医保",
    },
    {
      name: "window_opens",
      property: "windowOpens",
      required: true,
      parse: monthDay,
      description: "MM-DD the yearly enrollment window opens.",
      example: "09-01",
    },
    {
      name: "window_closes",
      property: "windowCloses",
      required: true,
      parse: monthDay,
      description: "MM-DD the yearly enrollment window closes.",
      example: "12-31",
    },
    {
      name: "annual_contribution_fen",
      property: "annualContributionFen",
      required: true,
      parse: fen,
      description: "A resident's individual contribution, in fen (1/100 yuan).",
      example: "40000",
    },
  ],
};

export const enrollmentKind: RecordKind = {
  name: "insurance.enrollment",
  department: "insurance",
  table: enrollments,
  linkSource: "insurance.enrollment",
  touches: "linked children",
  placement: { regionColumn: "area_code" },
  description:
    "One resident's enrollment for one coverage (calendar) year in one area; " +
    "a newborn may be enrolled on the birth certificate number.",
  columns: [
    { ...RECORD_ID, example: "EN-00000001" },
    {
      name: "id_number",
      property: "idNumber",
      required: false,
      parse: idNumber,
      description: "Resident ID number, when the child has one.",
      example: "330106201501010014",
    },
    {
      name: "birth_certificate_number",
      property: "birthCertificateNumber",
      required: false,
      parse: birthCertificateNumber,
      description: "Birth medical certificate number, for a newborn enrolled without an ID number.",
      example: "P330123456",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(50),
      description: "The insured's name.",
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
      name: "area_code",
      property: "areaCode",
      required: true,
      parse: divisionCode,
      description: "The coordination area's code.",
      example: "330100",
    },
    {
      name: "coverage_year",
      property: "coverageYear",
      required: true,
      parse: integer(2000, 2100),
      description: "The calendar year covered.",
      example: "2026",
    },
    {
      name: "insurance_type",
      property: "insuranceType",
      required: true,
      parse: insuranceTypeCode,
      description: "险种 code; 390 is resident basic medical insurance.",
      example: "390",
    },
    {
      name: "status",
      property: "status",
      required: true,
      parse: oneOf(ENROLLMENT_STATUSES),
      description: ENROLLMENT_STATUSES.join(" | "),
      example: "ACTIVE",
    },
    {
      name: "enrolled_on",
      property: "enrolledOn",
      required: true,
      parse: isoDate,
      description: "YYYY-MM-DD.",
      example: "2025-11-20",
    },
    {
      name: "paid_on",
      property: "paidOn",
      required: false,
      parse: isoDate,
      description: "YYYY-MM-DD the contribution was paid; empty while unpaid (an unpaid enrollment does not insure).",
      example: "2025-11-20",
    },
    {
      name: "benefit_starts_on",
      property: "benefitStartsOn",
      required: false,
      parse: isoDate,
      description: "YYYY-MM-DD benefits start; empty while unpaid.",
      example: "2026-01-01",
    },
  ],
};

export const contributionKind: RecordKind = {
  name: "insurance.contribution",
  department: "insurance",
  table: contributions,
  linkSource: null,
  // Who paid says whether a needy child's contribution was subsidised, and by how much.
  touches: { childrenOf: { source: "insurance.enrollment", recordColumn: contributions.enrollmentRecordId } },
  placement: { through: enrollmentKind, column: "enrollment_record_id", references: "record_id" },
  description: "Who paid (part of) an enrollment's individual contribution, and how much.",
  columns: [
    { ...RECORD_ID, example: "CO-00000001" },
    {
      name: "enrollment_record_id",
      property: "enrollmentRecordId",
      required: true,
      parse: recordIdText,
      description: "The record_id of the insurance.enrollment paid for.",
      example: "EN-00000001",
    },
    {
      name: "coverage_year",
      property: "coverageYear",
      required: true,
      parse: integer(2000, 2100),
      description: "The calendar year covered.",
      example: "2026",
    },
    {
      name: "amount_fen",
      property: "amountFen",
      required: true,
      parse: fen,
      description: "The amount paid, in fen.",
      example: "40000",
    },
    {
      name: "payer_kind",
      property: "payerKind",
      required: true,
      parse: oneOf(PAYER_KINDS),
      description: PAYER_KINDS.join(" | "),
      example: "MEDICAL_ASSISTANCE",
    },
    {
      name: "needy_category",
      property: "needyCategory",
      required: false,
      parse: oneOf(NEEDY_CATEGORIES),
      description: `When medical assistance paid: ${NEEDY_CATEGORIES.join(" | ")}.`,
      example: "MIN_LIVING",
    },
    {
      name: "payer_id_number",
      property: "payerIdNumber",
      required: false,
      parse: idNumber,
      description: "The parent whose employee personal account paid (family mutual aid).",
      example: "33010619880101002X",
    },
    {
      name: "paid_on",
      property: "paidOn",
      required: true,
      parse: isoDate,
      description: "YYYY-MM-DD.",
      example: "2025-11-20",
    },
  ],
  crossCheck: (v) => {
    const errors: FieldError[] = [];
    if (v.needyCategory !== null && v.payerKind !== "MEDICAL_ASSISTANCE") {
      errors.push({
        field: "needy_category",
        message:
          "must be empty unless payer_kind is MEDICAL_ASSISTANCE, " +
          `but got ${v.needyCategory} with payer_kind ${v.payerKind}`,
      });
    }
    return errors;
  },
};

export const assistanceEligibilityKind: RecordKind = {
  name: "insurance.assistance_eligibility",
  department: "insurance",
  table: assistanceEligibility,
  linkSource: null,
  // Coverage finds a child's eligibility by the ID numbers its records carry (coverage/facts.ts).
  touches: { idNumberHolders: assistanceEligibility.idNumber },
  placement: { regionColumn: "region_code" },
  description: "A medical-assistance recipient shared by civil affairs (特困, 低保, orphans, disabled children).",
  columns: [
    { ...RECORD_ID, example: "MA-00000001" },
    {
      name: "id_number",
      property: "idNumber",
      required: true,
      parse: idNumber,
      description: "The recipient's resident ID number.",
      example: "330106201501010014",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(50),
      description: "The recipient's name.",
      example: "王小明",
    },
    {
      name: "needy_category",
      property: "needyCategory",
      required: true,
      parse: oneOf(NEEDY_CATEGORIES),
      description: NEEDY_CATEGORIES.join(" | "),
      example: "MIN_LIVING",
    },
    {
      name: "region_code",
      property: "regionCode",
      required: true,
      parse: divisionCode,
      description: "Division code of the county that granted it.",
      example: "330106",
    },
    {
      name: "valid_from",
      property: "validFrom",
      required: true,
      parse: isoDate,
      description: "YYYY-MM-DD.",
      example: "2025-01-01",
    },
    {
      name: "valid_until",
      property: "validUntil",
      required: false,
      parse: isoDate,
      description: "YYYY-MM-DD; empty while open-ended.",
      example: "2026-12-31",
    },
  ],
  crossCheck: (v) =>
    v.validUntil !== null && String(v.validUntil) < String(v.validFrom)
      ? [{ field: "valid_until", message: `must be on or after valid_from ${v.validFrom}, but got ${v.validUntil}` }]
      : [],
};
