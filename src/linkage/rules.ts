import { DIFFERENT, disjoint, ID_EXACT, idNumbersLevel, namesLevel, shares } from "./compare.ts";
import { CERTIFICATES, DATES, GUARDIAN_IDS, NAMES, PHONES, TRUSTED_IDS, type ProfileTable } from "./profile.ts";

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
  p.loadPair(a, b);
  return noMergeReasonOfLoaded(p);
}

/** noMergeReason of the two profiles the table has loaded (ProfileTable.loadPair). */
export function noMergeReasonOfLoaded(p: ProfileTable): NoMergeReason | null {
  if (disjoint(p, TRUSTED_IDS)) return "DIFFERENT_ID_NUMBERS";
  const differentCertificates = disjoint(p, CERTIFICATES);
  const { left, right } = p;
  if (differentCertificates || (left[NAMES] !== left[NAMES + 1] && right[NAMES] !== right[NAMES + 1])) {
    const sameDay = shares(p, DATES);
    const sameGuardians = shares(p, GUARDIAN_IDS) || shares(p, PHONES);
    if (sameDay && sameGuardians) {
      if (differentCertificates) return "TWINS";
      if (namesLevel(p) === DIFFERENT && idNumbersLevel(p) !== ID_EXACT) return "TWINS";
    }
  }
  if (differentCertificates) return "DIFFERENT_BIRTH_CERTIFICATES";
  return null;
}
