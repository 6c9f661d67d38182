import { SCHOOL_KINDS, STUDENT_STATUSES } from "../../db/enums.ts";
import { schools, studentRegistrations } from "../../db/tables/education.ts";
import {
  divisionCode,
  idNumber,
  integer,
  isoDate,
  oneOf,
  phone,
  recordIdText,
  schoolCode,
  studentNumber,
  text,
} from "../fields.ts";
import type { RecordKind } from "../kind.ts";
import { sexColumn } from "../kind.ts";

export const schoolKind: RecordKind = {
  name: "education.school",
  department: "education",
  table: schools,
  linkSource: null,
  // Its region is its pupils' school region: a changed school has them assessed again.
  touches: {
    placedChildren: {
      source: "education.student",
      recordColumn: studentRegistrations.schoolCode,
      placeColumn: schools.schoolCode,
    },
  },
  placement: { regionColumn: "region_code" },
  description: "A school the education department registers.",
  columns: [
    {
      name: "record_id",
      property: "recordId",
      required: true,
      parse: recordIdText,
      description: "The department's own id for the record.",
      example: "SCH-2330106101",
    },
    {
      name: "school_code",
      property: "schoolCode",
      required: true,
      parse: schoolCode,
      description: "学校标识码, 10 digits.",
      example: "2330106101",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(100),
      description: "The school's name.",
      example: "杭州市西湖区第一小学",
    },
    {
      name: "kind",
      property: "kind",
      required: true,
      parse: oneOf(SCHOOL_KINDS),
      description: SCHOOL_KINDS.join(" | "),
      example: "PRIMARY",
    },
    {
      name: "region_code",
      property: "regionCode",
      required: true,
      parse: divisionCode,
      description: "Division code of the school's county.",
      example: "330106",
    },
  ],
};

export const studentRegistrationKind: RecordKind = {
  name: "education.student_registration",
  department: "education",
  table: studentRegistrations,
  linkSource: "education.student",
  touches: "linked children",
  placement: { through: schoolKind, column: "school_code", references: "school_code" },
  // A birth date or sex that contradicts the ID number is kept: linkage flags such a record rather than
  // trusting it (DESIGN.md, Linkage).
  description: "One student's registration (学籍) at a school for one school year.",
  columns: [
    {
      name: "record_id",
      property: "recordId",
      required: true,
      parse: recordIdText,
      description: "The department's own id for the record.",
      example: "STU-000001",
    },
    {
      name: "student_number",
      property: "studentNumber",
      required: true,
      parse: studentNumber,
      description: "G + ID number, J + an ID-style code, or a temporary L number.",
      example: "G330106201501010014",
    },
    {
      name: "id_number",
      property: "idNumber",
      required: false,
      parse: idNumber,
      description: "Resident ID number (18 characters), when the student has one.",
      example: "330106201501010014",
    },
    {
      name: "name",
      property: "name",
      required: true,
      parse: text(50),
      description: "The student's name.",
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
      name: "school_code",
      property: "schoolCode",
      required: true,
      parse: schoolCode,
      description: "The school's 10-digit code.",
      example: "2330106101",
    },
    {
      name: "grade",
      property: "grade",
      required: true,
      parse: integer(0, 12),
      description: "0 (kindergarten) to 12.",
      example: "5",
    },
    {
      name: "class_name",
      property: "className",
      required: true,
      parse: text(30),
      description: "The class, as the school names it.",
      example: "5班",
    },
    {
      name: "school_year",
      property: "schoolYear",
      required: true,
      parse: integer(2000, 2100),
      description: "The calendar year the school year starts in.",
      example: "2026",
    },
    {
      name: "status",
      property: "status",
      required: true,
      parse: oneOf(STUDENT_STATUSES),
      description: STUDENT_STATUSES.join(" | "),
      example: "ENROLLED",
    },
    {
      name: "guardian_phone",
      property: "guardianPhone",
      required: false,
      parse: phone,
      description: "A guardian's mobile number.",
      example: "13800001234",
    },
  ],
};
