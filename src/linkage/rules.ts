import { DIFFERENT, disjoint, ID_EXACT, idNumbersLevel, namesLevel, shares } from "./compare.ts";
import type { ProfileTable } from "./profile.ts";

/**
 * Why two groups of records may never be one child, whatever their score:
 * - DIFFERENT_ID_NUMBERS: each holds a trusted (valid, consistent) ID number and they differ;
 * - TWINS: same birth date and a shared guardian (ID number or phone), and either different
 *   birth certificate numbers, or real names that are not even similar (with no ID number in
 *   common) — twins agree on everything else;
 * - DIFFERENT_BIRTH_CERTIFICATES: each holds a birth certificate number and they differ.
 */
export type NoMergeReason = "DIFFERENT_ID_NUMBERS" | "TWINS" | "DIFFERENT_BIRTH_CERTIFICATES";

/**
 * The hard rule that forbids merging two profiles (rows a and b), or null when they may merge.
 * Registries learned these the hard way: a score can be fooled by twins, these rules cannot.
 *
 * @example noMergeReason(profilesOf([[twinA], [twinB]]), 0, 1) // "TWINS"
 * @example noMergeReason(profilesOf([[childWithId], [sameChildClinicRecord]]), 0, 1) // null
 */
export function noMergeReason(p: ProfileTable, a: number, b: number): NoMergeReason | null {
  if (disjoint(p.trustedIds, a, b)) return "DIFFERENT_ID_NUMBERS";
  const differentCertificates = disjoint(p.certificates, a, b);
  if (differentCertificates || (p.names.count(a) > 0 && p.names.count(b) > 0)) {
    const sameDay = shares(p.birthDates, a, p.birthDates, b);
    const sameGuardians = shares(p.guardianIds, a, p.guardianIds, b) || shares(p.phones, a, p.phones, b);
    if (sameDay && sameGuardians) {
      if (differentCertificates) return "TWINS";
      if (namesLevel(p, a, b) === DIFFERENT && idNumbersLevel(p, a, b) !== ID_EXACT) return "TWINS";
    }
  }
  if (differentCertificates) return "DIFFERENT_BIRTH_CERTIFICATES";
  return null;
}
