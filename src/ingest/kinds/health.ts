import { CONTRACT_STATUSES, SEXES } from "../../db/enums.ts";
import { birthCertificates, doctorContracts, familyDoctors, hospitals, immunizationDoses, immunizationRecords, vaccinationSites } from "../../subgraphs/health/tables.ts";
import { birthCertificateNumber, divisionCode, doctorCode, hospitalCode, idNumber, integer, isoDate, oneOf, phone, recordIdText, siteCode, text, vaccineCode } from "../fields.ts";
import type { FieldError, RecordKind } from "../kind.ts";

const RECORD_ID = { name: "record_id", property: "recordId", required: true, parse: recordIdText, description: "The department's own id for the record." } as const;

export const hospitalKind: RecordKind = {
  name: "health.hospital",
  department: "health",
  table: hospitals,
  linkSource: null,
  description: "A maternity hospital that issues birth medical certificates.",
  columns: [
    { ...RECORD_ID, example: "HO-H33010601" },
    { name: "hospital_code", property: "hospitalCode", required: true, parse: hospitalCode, description: "H + the county code + 2 digits; unique.", example: "H33010601" },
    { name: "name", property: "name", required: true, parse: text(100), description: "The hospital's name.", example: "西湖区妇幼保健院" },
    { name: "region_code", property: "regionCode", required: true, parse: divisionCode, description: "Division code of the hospital's county.", example: "330106" },
  ],
};

export const birthCertificateKind: RecordKind = {
  name: "health.birth_certificate",
  department: "health",
  table: birthCertificates,
  linkSource: "health.birth_certificate",
  // The child's name is often empty or a placeholder ("之子") when the certificate is issued: kept as written.
  description: "出生医学证明: a newborn's birth medical certificate, the child's first identifier.",
  columns: [
    { ...RECORD_ID, example: "BC-00000001" },
    { name: "certificate_number", property: "certificateNumber", required: true, parse: birthCertificateNumber, description: "One letter and 9 digits; unique.", example: "P330123456" },
    { name: "child_name", property: "childName", required: false, parse: text(50), description: "The child's name, if given yet (or a placeholder such as 王之子).", example: "王小明" },
    { name: "sex", property: "sex", required: true, parse: oneOf(SEXES), description: "M or F.", example: "M" },
    { name: "birth_date", property: "birthDate", required: true, parse: isoDate, description: "YYYY-MM-DD.", example: "2026-03-15" },
    { name: "mother_name", property: "motherName", required: true, parse: text(50), description: "The mother's name.", example: "李娜" },
    { name: "mother_id_number", property: "motherIdNumber", required: false, parse: idNumber, description: "The mother's resident ID number.", example: "330106199203150027" },
    { name: "father_name", property: "fatherName", required: false, parse: text(50), description: "The father's name.", example: "王强" },
    { name: "father_id_number", property: "fatherIdNumber", required: false, parse: idNumber, description: "The father's resident ID number.", example: "330106199001010018" },
    { name: "guardian_phone", property: "guardianPhone", required: false, parse: phone, description: "A parent's mobile number.", example: "13800001234" },
    { name: "hospital_code", property: "hospitalCode", required: true, parse: hospitalCode, description: "The issuing hospital's code.", example: "H33010601" },
    { name: "region_code", property: "regionCode", required: true, parse: divisionCode, description: "Division code of the issuing hospital's county.", example: "330106" },
    { name: "issued_on", property: "issuedOn", required: true, parse: isoDate, description: "YYYY-MM-DD, on or after the birth date.", example: "2026-03-17" },
  ],
  crossCheck: (v) => (String(v.issuedOn) < String(v.birthDate) ? [{ field: "issued_on", message: `must be on or after birth_date ${v.birthDate}, but got ${v.issuedOn}` }] : []),
};

export const vaccinationSiteKind: RecordKind = {
  name: "health.vaccination_site",
  department: "health",
  table: vaccinationSites,
  linkSource: null,
  description: "An immunization clinic (预防接种门诊).",
  columns: [
    { ...RECORD_ID, example: "VS-V330106001" },
    { name: "site_code", property: "siteCode", required: true, parse: siteCode, description: "V + the county code + 3 digits; unique.", example: "V330106001" },
    { name: "name", property: "name", required: true, parse: text(100), description: "The site's name.", example: "西湖区第一预防接种门诊" },
    { name: "region_code", property: "regionCode", required: true, parse: divisionCode, description: "Division code of the site's county.", example: "330106" },
  ],
};

export const immunizationRecordKind: RecordKind = {
  name: "health.immunization_record",
  department: "health",
  table: immunizationRecords,
  linkSource: "health.immunization_record",
  description: "A child's immunization file (预防接种档案) at a site: often without an ID number, with a guardian's phone instead.",
  columns: [
    { ...RECORD_ID, example: "IM-00000001" },
    { name: "site_code", property: "siteCode", required: true, parse: siteCode, description: "The site holding the file.", example: "V330106001" },
    { name: "child_name", property: "childName", required: false, parse: text(50), description: "The child's name as the site wrote it (a placeholder for a newborn).", example: "王小明" },
    { name: "sex", property: "sex", required: true, parse: oneOf(SEXES), description: "M or F.", example: "M" },
    { name: "birth_date", property: "birthDate", required: true, parse: isoDate, description: "YYYY-MM-DD.", example: "2026-03-15" },
    { name: "id_number", property: "idNumber", required: false, parse: idNumber, description: "The child's resident ID number, when known.", example: "330106202603150012" },
    { name: "birth_certificate_number", property: "birthCertificateNumber", required: false, parse: birthCertificateNumber, description: "The birth medical certificate number, when known.", example: "P330123456" },
    { name: "guardian_name", property: "guardianName", required: false, parse: text(50), description: "A guardian's name.", example: "李娜" },
    { name: "guardian_phone", property: "guardianPhone", required: false, parse: phone, description: "A guardian's mobile number.", example: "13800001234" },
    { name: "residence_region_code", property: "residenceRegionCode", required: false, parse: divisionCode, description: "Division code of where the child lives.", example: "330106" },
  ],
};

export const immunizationDoseKind: RecordKind = {
  name: "health.immunization_dose",
  department: "health",
  table: immunizationDoses,
  linkSource: null,
  description: "One dose given, e.g. hepatitis B dose 1 at birth.",
  columns: [
    { ...RECORD_ID, example: "ID-00000001" },
    { name: "immunization_record_id", property: "immunizationRecordId", required: true, parse: recordIdText, description: "The record_id of the child's health.immunization_record.", example: "IM-00000001" },
    { name: "vaccine_code", property: "vaccineCode", required: true, parse: vaccineCode, description: "The vaccine's code.", example: "HepB" },
    { name: "vaccine_name", property: "vaccineName", required: true, parse: text(50), description: "The vaccine's name.", example: "乙肝疫苗" },
    { name: "dose_number", property: "doseNumber", required: true, parse: integer(1, 10), description: "Which dose of the vaccine, 1 to 10.", example: "1" },
    { name: "given_on", property: "givenOn", required: true, parse: isoDate, description: "YYYY-MM-DD.", example: "2026-03-15" },
    { name: "site_code", property: "siteCode", required: true, parse: siteCode, description: "The site that gave the dose.", example: "V330106001" },
  ],
};

export const familyDoctorKind: RecordKind = {
  name: "health.family_doctor",
  department: "health",
  table: familyDoctors,
  linkSource: null,
  description: "A family doctor (家庭医生) and the community health centre they work at.",
  columns: [
    { ...RECORD_ID, example: "FD-D3301060001" },
    { name: "doctor_code", property: "doctorCode", required: true, parse: doctorCode, description: "D + the county code + 4 digits; unique.", example: "D3301060001" },
    { name: "name", property: "name", required: true, parse: text(50), description: "The doctor's name.", example: "陈静" },
    { name: "institution", property: "institution", required: true, parse: text(100), description: "The community health centre.", example: "西湖区第一社区卫生服务中心" },
    { name: "team_name", property: "teamName", required: false, parse: text(50), description: "The doctor's team.", example: "家庭医生团队1" },
    { name: "phone", property: "phone", required: false, parse: phone, description: "The doctor's mobile number.", example: "13900001234" },
    { name: "region_code", property: "regionCode", required: true, parse: divisionCode, description: "Division code of the doctor's county.", example: "330106" },
  ],
};

export const doctorContractKind: RecordKind = {
  name: "health.doctor_contract",
  department: "health",
  table: doctorContracts,
  linkSource: "health.doctor_contract",
  description: "家庭医生签约: a child's contract with a family doctor.",
  columns: [
    { ...RECORD_ID, example: "DC-00000001" },
    { name: "doctor_code", property: "doctorCode", required: true, parse: doctorCode, description: "The contracted doctor's code.", example: "D3301060001" },
    { name: "patient_name", property: "patientName", required: true, parse: text(50), description: "The child's name.", example: "王小明" },
    { name: "patient_id_number", property: "patientIdNumber", required: false, parse: idNumber, description: "The child's resident ID number.", example: "330106201501010014" },
    { name: "patient_sex", property: "patientSex", required: true, parse: oneOf(SEXES), description: "M or F.", example: "M" },
    { name: "patient_birth_date", property: "patientBirthDate", required: true, parse: isoDate, description: "YYYY-MM-DD.", example: "2015-01-01" },
    { name: "guardian_name", property: "guardianName", required: false, parse: text(50), description: "A guardian's name.", example: "李娜" },
    { name: "guardian_phone", property: "guardianPhone", required: false, parse: phone, description: "A guardian's mobile number.", example: "13800001234" },
    { name: "signed_on", property: "signedOn", required: true, parse: isoDate, description: "YYYY-MM-DD.", example: "2026-01-10" },
    { name: "valid_until", property: "validUntil", required: true, parse: isoDate, description: "YYYY-MM-DD, on or after signed_on.", example: "2027-01-10" },
    { name: "status", property: "status", required: true, parse: oneOf(CONTRACT_STATUSES), description: CONTRACT_STATUSES.join(" | "), example: "ACTIVE" },
  ],
  crossCheck: (v) => {
    const errors: FieldError[] = [];
    if (String(v.validUntil) < String(v.signedOn)) errors.push({ field: "valid_until", message: `must be on or after signed_on ${v.signedOn}, but got ${v.validUntil}` });
    return errors;
  },
};
