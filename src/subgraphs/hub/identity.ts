import { defaultAsOf } from "../../coverage/as-of.ts";
import { residenceRegionOf } from "../../coverage/derive-facts.ts";
import { linkedRecordsOfRows } from "../../coverage/facts.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { parseIdNumber } from "../../domain/id-number.ts";
import { isPlaceholderName } from "../../domain/names.ts";
import type { SourceKind } from "../../db/enums.ts";

/** What one linked department record says about who the child is, and where it lives. */
export interface IdentityClaim {
  source: SourceKind;
  idNumber: string | null;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  /** The record as coverage reads it (COVERAGE_FIELDS): what the residence rule weighs. */
  record: Record<string, unknown>;
}

export interface ChildIdentity {
  idNumber: string | null;
  name: string | null;
  sex: "M" | "F" | null;
  birthDate: string | null;
  /** Where the child lives today: coverage's one residence rule (`residenceRegionOf`). */
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

/**
 * Picks a child's displayed identity from the claims of its linked records: a valid ID number
 * from the most authoritative record, a real name (never a placeholder such as "王之子"), and
 * sex and birth date that agree with the chosen ID number.
 *
 *   resolveIdentity([{ source: "household.person", idNumber: "330106…", name: "王梓涵", … }])
 */
export function resolveIdentity(claims: readonly IdentityClaim[], asOf: IsoDate = defaultAsOf()): ChildIdentity {
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
    residenceRegionCode: residenceOf(claims, asOf),
  };
}

function residenceOf(claims: readonly IdentityClaim[], asOf: IsoDate): string | null {
  if (claims.length === 0) return null;
  const rows = claims.map((c) => ({ child_id: 0, source: c.source, record: c.record }));
  return residenceRegionOf(linkedRecordsOfRows(rows).get(0)!, asOf);
}
