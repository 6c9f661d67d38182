import { check, index, integer, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, divisionCode, isoDate, oneOf, recordId, sexColumn, surrogateId, updatedAt } from "../columns.ts";
import { CONTRACT_STATUSES, SEXES } from "../enums.ts";

/** Health: maternity hospitals, immunization sites, family doctors. */
export const healthSchema = pgSchema("health");

export const hospitals = healthSchema.table(
  "hospitals",
  {
    id: surrogateId(),
    recordId: recordId(),
    hospitalCode: text("hospital_code").notNull(),
    name: text("name").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("hospitals_record_id_key").on(t.recordId),
    uniqueIndex("hospitals_code_key").on(t.hospitalCode),
    index("hospitals_region_idx").on(t.regionCode),
  ],
);

/**
 * 出生医学证明: the newborn's first identifier, long before a resident ID number.
 * The child's name is often empty or a placeholder ("之子") when it is issued.
 */
export const birthCertificates = healthSchema.table(
  "birth_certificates",
  {
    id: surrogateId(),
    recordId: recordId(),
    certificateNumber: text("certificate_number").notNull(),
    childName: text("child_name"),
    sex: sexColumn().notNull(),
    birthDate: isoDate("birth_date").notNull(),
    motherName: text("mother_name").notNull(),
    motherIdNumber: text("mother_id_number"),
    fatherName: text("father_name"),
    fatherIdNumber: text("father_id_number"),
    guardianPhone: text("guardian_phone"),
    hospitalCode: text("hospital_code").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    issuedOn: isoDate("issued_on").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("birth_certificates_record_id_key").on(t.recordId),
    uniqueIndex("birth_certificates_number_key").on(t.certificateNumber),
    index("birth_certificates_birth_date_sex_idx").on(t.birthDate, t.sex),
    index("birth_certificates_mother_id_number_idx").on(t.motherIdNumber),
    index("birth_certificates_guardian_phone_idx").on(t.guardianPhone),
    index("birth_certificates_region_idx").on(t.regionCode),
    check("birth_certificates_sex_check", oneOf("sex", SEXES)),
  ],
);

export const vaccinationSites = healthSchema.table(
  "vaccination_sites",
  {
    id: surrogateId(),
    recordId: recordId(),
    siteCode: text("site_code").notNull(),
    name: text("name").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("vaccination_sites_record_id_key").on(t.recordId),
    uniqueIndex("vaccination_sites_code_key").on(t.siteCode),
    index("vaccination_sites_region_idx").on(t.regionCode),
  ],
);

/**
 * A child's immunization file (预防接种档案) at a site: what the site wrote down about the
 * child — often no ID number, a guardian's phone instead.
 */
export const immunizationRecords = healthSchema.table(
  "immunization_records",
  {
    id: surrogateId(),
    recordId: recordId(),
    siteCode: text("site_code").notNull(),
    childName: text("child_name"),
    sex: sexColumn().notNull(),
    birthDate: isoDate("birth_date").notNull(),
    idNumber: text("id_number"),
    birthCertificateNumber: text("birth_certificate_number"),
    guardianName: text("guardian_name"),
    guardianPhone: text("guardian_phone"),
    residenceRegionCode: divisionCode("residence_region_code"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("immunization_records_record_id_key").on(t.recordId),
    index("immunization_records_site_idx").on(t.siteCode),
    index("immunization_records_id_number_idx").on(t.idNumber),
    index("immunization_records_birth_date_sex_idx").on(t.birthDate, t.sex),
    index("immunization_records_birth_certificate_idx").on(t.birthCertificateNumber),
    index("immunization_records_guardian_phone_idx").on(t.guardianPhone),
    check("immunization_records_sex_check", oneOf("sex", SEXES)),
  ],
);

/** One dose given, e.g. hepatitis B dose 1 at birth. */
export const immunizationDoses = healthSchema.table(
  "immunization_doses",
  {
    id: surrogateId(),
    recordId: recordId(),
    immunizationRecordId: text("immunization_record_id").notNull(),
    vaccineCode: text("vaccine_code").notNull(),
    vaccineName: text("vaccine_name").notNull(),
    doseNumber: integer("dose_number").notNull(),
    givenOn: isoDate("given_on").notNull(),
    siteCode: text("site_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("immunization_doses_record_id_key").on(t.recordId),
    index("immunization_doses_record_idx").on(t.immunizationRecordId),
  ],
);

export const familyDoctors = healthSchema.table(
  "family_doctors",
  {
    id: surrogateId(),
    recordId: recordId(),
    doctorCode: text("doctor_code").notNull(),
    name: text("name").notNull(),
    institution: text("institution").notNull(),
    teamName: text("team_name"),
    phone: text("phone"),
    regionCode: divisionCode("region_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("family_doctors_record_id_key").on(t.recordId),
    uniqueIndex("family_doctors_code_key").on(t.doctorCode),
    index("family_doctors_region_idx").on(t.regionCode),
  ],
);

/** 家庭医生签约: the contracted service package, which now includes insurance mobilisation. */
export const doctorContracts = healthSchema.table(
  "doctor_contracts",
  {
    id: surrogateId(),
    recordId: recordId(),
    doctorCode: text("doctor_code").notNull(),
    patientName: text("patient_name").notNull(),
    patientIdNumber: text("patient_id_number"),
    patientSex: sexColumn("patient_sex").notNull(),
    patientBirthDate: isoDate("patient_birth_date").notNull(),
    guardianName: text("guardian_name"),
    guardianPhone: text("guardian_phone"),
    signedOn: isoDate("signed_on").notNull(),
    validUntil: isoDate("valid_until").notNull(),
    status: text("status").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("doctor_contracts_record_id_key").on(t.recordId),
    index("doctor_contracts_doctor_idx").on(t.doctorCode),
    index("doctor_contracts_patient_id_number_idx").on(t.patientIdNumber),
    index("doctor_contracts_birth_date_sex_idx").on(t.patientBirthDate, t.patientSex),
    check("doctor_contracts_sex_check", oneOf("patient_sex", SEXES)),
    check("doctor_contracts_status_check", oneOf("status", CONTRACT_STATUSES)),
  ],
);
