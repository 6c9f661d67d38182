/**
 * Types whose objects are one child's data. `Child` is identified by its `id`; the others are
 * department records that carry the master child they are linked to as a (non-GraphQL)
 * `childId` property when they are reached outside `Child` (a school's roster, a doctor's
 * patients, an area's enrollments, a household's members). Reached through `Child`, the
 * `Child.<field>` read is what is logged. Every field read of these types is recorded by the
 * field guard (field-guard.ts), after the field's rule allowed it.
 */
export const AUDITED_TYPES: ReadonlySet<string> = new Set([
  "Child",
  "StudentRegistration",
  "DoctorContract",
  "Enrollment",
  "HouseholdMember",
]);

/** The master child an object of an audited type belongs to, or null (an unlinked record). */
export function childIdOfParent(typeName: string, parent: unknown): number | null {
  if (parent === null || typeof parent !== "object") return null;
  const raw = typeName === "Child" ? (parent as { id?: unknown }).id : (parent as { childId?: unknown }).childId;
  const id = typeof raw === "string" ? Number(raw) : raw;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}
