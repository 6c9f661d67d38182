import { parseIdNumber } from "../../domain/id-number.ts";
import { isPlaceholderName } from "../../domain/names.ts";
import type { SourceKind } from "../../db/enums.ts";

/** What one linked department record says about who the child is. */
export interface IdentityClaim {
  source: SourceKind;
  idNumber: string | null;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  /** The region this record places the child in (school, vaccination site, hukou…). */
  regionCode: string | null;
}

export interface ChildIdentity {
  idNumber: string | null;
  name: string | null;
  sex: "M" | "F" | null;
  birthDate: string | null;
  /** The design's residence: school region, else vaccination site region, else hukou region. */
  residenceRegionCode: string | null;
}

/** Whose word counts first for a name or an ID number: the registry, then the others. */
const AUTHORITY: readonly SourceKind[] = [
  "household.person",
  "education.student",
  "insurance.enrollment",
  "health.doctor_contract",
  "health.immunization_record",
  "health.birth_certificate",
];
const RESIDENCE: readonly SourceKind[] = ["education.student", "health.immunization_record", "household.person"];

/**
 * Picks a child's displayed identity from the claims of its linked records: a valid ID number
 * from the most authoritative record, a real name (never a placeholder such as "王之子"), and
 * sex and birth date that agree with the chosen ID number.
 *
 *   resolveIdentity([{ source: "household.person", idNumber: "330106…", name: "王梓涵", … }])
 */
export function resolveIdentity(claims: readonly IdentityClaim[]): ChildIdentity {
  const ranked = [...claims].sort((a, b) => AUTHORITY.indexOf(a.source) - AUTHORITY.indexOf(b.source));
  let idNumber: string | null = null;
  let sex: "M" | "F" | null = null;
  let birthDate: string | null = null;
  for (const claim of ranked) {
    if (!claim.idNumber) continue;
    const parsed = parseIdNumber(claim.idNumber);
    if (parsed.ok) {
      idNumber = parsed.value.idNumber;
      sex = parsed.value.sex;
      birthDate = parsed.value.birthDate;
      break;
    }
  }
  const named = ranked.find((c) => !isPlaceholderName(c.name));
  const first = ranked[0];
  return {
    idNumber,
    name: named?.name?.trim() ?? null,
    sex: sex ?? (first?.sex === "M" || first?.sex === "F" ? first.sex : null),
    birthDate: birthDate ?? first?.birthDate ?? null,
    residenceRegionCode: residenceOf(claims),
  };
}

function residenceOf(claims: readonly IdentityClaim[]): string | null {
  for (const source of RESIDENCE) {
    const claim = claims.find((c) => c.source === source && c.regionCode);
    if (claim) return claim.regionCode;
  }
  return null;
}
