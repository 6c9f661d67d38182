import { check, index, integer, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, divisionCode, isoDate, oneOf, recordId, sexColumn, surrogateId, updatedAt } from "../columns.ts";
import { SCHOOL_KINDS, SEXES, STUDENT_STATUSES } from "../enums.ts";

/** Education: schools and the student registrations (学籍) they hold. */
export const educationSchema = pgSchema("education");

export const schools = educationSchema.table(
  "schools",
  {
    id: surrogateId(),
    recordId: recordId(),
    /** 学校标识码, 10 digits. */
    schoolCode: text("school_code").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("schools_record_id_key").on(t.recordId),
    uniqueIndex("schools_code_key").on(t.schoolCode),
    index("schools_region_idx").on(t.regionCode),
    check("schools_kind_check", oneOf("kind", SCHOOL_KINDS)),
  ],
);

/**
 * One student's registration for a school year. The student number is `G` + ID number,
 * `J` + an ID-style code, or a temporary `L…` number that is later promoted to `G`.
 */
export const studentRegistrations = educationSchema.table(
  "student_registrations",
  {
    id: surrogateId(),
    recordId: recordId(),
    studentNumber: text("student_number").notNull(),
    idNumber: text("id_number"),
    name: text("name").notNull(),
    sex: sexColumn().notNull(),
    birthDate: isoDate("birth_date").notNull(),
    schoolCode: text("school_code").notNull(),
    grade: integer("grade").notNull(),
    className: text("class_name").notNull(),
    /** The calendar year the school year starts in: 2026 for 2026–2027. */
    schoolYear: integer("school_year").notNull(),
    status: text("status").notNull(),
    guardianPhone: text("guardian_phone"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("student_registrations_record_id_key").on(t.recordId),
    index("student_registrations_school_idx").on(t.schoolCode, t.schoolYear),
    index("student_registrations_student_number_idx").on(t.studentNumber),
    index("student_registrations_id_number_idx").on(t.idNumber),
    index("student_registrations_birth_date_sex_idx").on(t.birthDate, t.sex),
    check("student_registrations_sex_check", oneOf("sex", SEXES)),
    check("student_registrations_status_check", oneOf("status", STUDENT_STATUSES)),
  ],
);
