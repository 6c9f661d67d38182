import { compareIdNumbers, compareNames } from "./compare.ts";
import type { Profile } from "./types.ts";

/**
 * Why two groups of records may never be one child, whatever their score:
 * - DIFFERENT_ID_NUMBERS: each holds a trusted (valid, consistent) ID number and they differ;
 * - TWINS: same birth date and a shared guardian (ID number or phone), and either different
 *   birth certificate numbers, or real names that are not even similar (with no ID number in
 *   common) — twins agree on everything else;
 * - DIFFERENT_BIRTH_CERTIFICATES: each holds a birth certificate number and they differ.
 */
export type NoMergeReason = "DIFFERENT_ID_NUMBERS" | "TWINS" | "DIFFERENT_BIRTH_CERTIFICATES";

function disjoint(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/**
 * The hard rule that forbids merging two groups, or null when they may merge. Registries
 * learned these the hard way: a score can be fooled by twins, these rules cannot.
 *
 * @example noMergeReason(twinA, twinB) // "TWINS"
 * @example noMergeReason(childWithId, sameChildClinicRecord) // null
 */
export function noMergeReason(a: Profile, b: Profile): NoMergeReason | null {
  if (disjoint(a.trustedIdNumbers, b.trustedIdNumbers)) return "DIFFERENT_ID_NUMBERS";
  const differentCertificates = disjoint(a.birthCertificateNumbers, b.birthCertificateNumbers);
  if (differentCertificates || (a.names.length > 0 && b.names.length > 0)) {
    const sameDay = overlaps(a.birthDates, b.birthDates);
    const sameGuardians = overlaps(a.guardianIdNumbers, b.guardianIdNumbers) || overlaps(a.guardianPhones, b.guardianPhones);
    if (sameDay && sameGuardians) {
      if (differentCertificates) return "TWINS";
      if (compareNames(a.names, b.names) === "DIFFERENT" && compareIdNumbers(a.idNumbers, a.invalidIdNumbers, b.idNumbers, b.invalidIdNumbers) !== "EXACT") {
        return "TWINS";
      }
    }
  }
  if (differentCertificates) return "DIFFERENT_BIRTH_CERTIFICATES";
  return null;
}
