import { sql } from "drizzle-orm";
import { check, index, integer, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, divisionCode, isoDate, oneOf, recordId, sexColumn, surrogateId, updatedAt } from "../columns.ts";
import { ENROLLMENT_STATUSES, PAYER_KINDS, SEXES } from "../enums.ts";
import { NEEDY_CATEGORIES } from "../../domain/insurance-policy.ts";

/** Medical insurance: resident basic medical insurance (type 390) and its contributions. */
export const insuranceSchema = pgSchema("insurance");

/** 统筹区: the area an enrollment belongs to, with its annual enrollment window. */
export const coordinationAreas = insuranceSchema.table(
  "coordination_areas",
  {
    id: surrogateId(),
    recordId: recordId(),
    areaCode: divisionCode("area_code").notNull(),
    name: text("name").notNull(),
    /** Month-day the yearly enrollment window opens and closes, e.g. '09-01' and '12-31'. */
    windowOpens: text("window_opens").notNull(),
    windowCloses: text("window_closes").notNull(),
    /** Individual contribution for a resident, in fen (1/100 yuan). */
    annualContributionFen: integer("annual_contribution_fen").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("coordination_areas_record_id_key").on(t.recordId),
    uniqueIndex("coordination_areas_code_key").on(t.areaCode),
  ],
);

/**
 * One resident's enrollment for one coverage (calendar) year in one area. A newborn may be
 * enrolled on the birth certificate number before an ID number exists.
 */
export const enrollments = insuranceSchema.table(
  "enrollments",
  {
    id: surrogateId(),
    recordId: recordId(),
    idNumber: text("id_number"),
    birthCertificateNumber: text("birth_certificate_number"),
    name: text("name").notNull(),
    sex: sexColumn().notNull(),
    birthDate: isoDate("birth_date").notNull(),
    areaCode: divisionCode("area_code").notNull(),
    coverageYear: integer("coverage_year").notNull(),
    insuranceType: text("insurance_type").notNull().default("390"),
    status: text("status").notNull(),
    enrolledOn: isoDate("enrolled_on").notNull(),
    /** Null until the contribution is paid: an unpaid enrollment does not insure. */
    paidOn: isoDate("paid_on"),
    benefitStartsOn: isoDate("benefit_starts_on"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("enrollments_record_id_key").on(t.recordId),
    index("enrollments_id_number_year_idx").on(t.idNumber, t.coverageYear),
    index("enrollments_birth_certificate_idx").on(t.birthCertificateNumber),
    index("enrollments_area_year_idx").on(t.areaCode, t.coverageYear),
    index("enrollments_birth_date_sex_idx").on(t.birthDate, t.sex),
    check("enrollments_sex_check", oneOf("sex", SEXES)),
    check("enrollments_status_check", oneOf("status", ENROLLMENT_STATUSES)),
  ],
);

/** Who paid an enrollment's individual contribution, and how much. */
export const contributions = insuranceSchema.table(
  "contributions",
  {
    id: surrogateId(),
    recordId: recordId(),
    enrollmentRecordId: text("enrollment_record_id").notNull(),
    coverageYear: integer("coverage_year").notNull(),
    amountFen: integer("amount_fen").notNull(),
    payerKind: text("payer_kind").notNull(),
    /** Set when medical assistance paid: the needy category it paid under. */
    needyCategory: text("needy_category"),
    /** The parent whose employee personal account paid (family mutual aid). */
    payerIdNumber: text("payer_id_number"),
    paidOn: isoDate("paid_on").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("contributions_record_id_key").on(t.recordId),
    index("contributions_enrollment_idx").on(t.enrollmentRecordId),
    check("contributions_payer_kind_check", oneOf("payer_kind", PAYER_KINDS)),
    check(
      "contributions_needy_category_check",
      sql`needy_category is null or ${oneOf("needy_category", NEEDY_CATEGORIES)}`,
    ),
  ],
);

/**
 * Medical-assistance recipients shared by civil affairs (特困, 低保, orphans, disabled children):
 * whom medical assistance should be paying for.
 */
export const assistanceEligibility = insuranceSchema.table(
  "assistance_eligibility",
  {
    id: surrogateId(),
    recordId: recordId(),
    idNumber: text("id_number").notNull(),
    name: text("name").notNull(),
    needyCategory: text("needy_category").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    validFrom: isoDate("valid_from").notNull(),
    validUntil: isoDate("valid_until"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("assistance_eligibility_record_id_key").on(t.recordId),
    index("assistance_eligibility_id_number_idx").on(t.idNumber),
    check("assistance_eligibility_category_check", oneOf("needy_category", NEEDY_CATEGORIES)),
  ],
);
