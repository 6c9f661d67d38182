import type { School, StudentRegistration } from "./education.type.ts";
import type { RegistrationRow, SchoolRow } from "./queries.ts";

export function toSchool(row: SchoolRow): School {
  return { code: row.schoolCode, name: row.name, kind: row.kind, regionCode: row.regionCode };
}

export function toRegistration(row: RegistrationRow): StudentRegistration {
  return {
    recordId: row.recordId,
    studentNumber: row.studentNumber,
    name: row.name,
    sex: row.sex,
    birthDate: row.birthDate,
    grade: row.grade,
    className: row.className,
    schoolYear: row.schoolYear,
    status: row.status,
    guardianPhone: row.guardianPhone,
    schoolCode: row.schoolCode,
    childId: row.childId ?? undefined,
  };
}
