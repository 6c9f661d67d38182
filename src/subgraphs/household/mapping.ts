import type { HouseholdMember } from "./household.type.ts";
import type { PersonRow } from "./queries.ts";

/** A registered person as `Household.members` shows it; the linked child stays on it for the audit log. */
export function toMember(p: PersonRow & { childId: number | null }): HouseholdMember {
  return { name: p.name, sex: p.sex, birthDate: p.birthDate, idNumber: p.idNumber, childId: p.childId ?? undefined };
}
