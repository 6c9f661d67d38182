import type { EducationChild, School, StudentRegistration } from "./education.type.ts";
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
  };
}

/**
 * The master child id behind an entity reference, or null when the gateway hands over something
 * that cannot be one (the hub resolves such references to null; here they simply have no records).
 */
export function childIdOf(child: EducationChild): number | null {
  const id = Number(child.id);
  return /^\d+$/.test(child.id) && Number.isSafeInteger(id) && id > 0 ? id : null;
}
