import type { LinkRule, SourceKind } from "../db/enums.ts";
import type { IsoDate } from "../domain/dates.ts";
import type { Sex } from "../domain/id-number.ts";

/** Which department record: the department table (source) and its own record id. */
export interface RecordRef {
  source: SourceKind;
  recordId: string;
}

/**
 * A department record as the linkage engine receives it: the raw values the department wrote,
 * before any validation. `sources.ts` reads these from the department tables; tests build them.
 */
export interface SourceRecord extends RecordRef {
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  idNumber: string | null;
  birthCertificateNumber: string | null;
  /** Education only: G + ID number, J + an ID-style code, or a temporary L number. */
  studentNumber: string | null;
  /** Guardians' resident ID numbers the record names (household guardians, birth certificate parents). */
  guardianIdNumbers: readonly string[];
  guardianPhones: readonly string[];
  /**
   * Guardians' names the record names (a certificate's parents, a clinic's or a doctor's
   * contact); absent: none.
   */
  guardianNames?: readonly string[];
  /** Division codes the record places the child in (hukou, residence, school, site, hospital, area). */
  regionCodes: readonly string[];
}

/** A name as written, split for comparison. */
export interface NameFeature {
  /** NFKC-normalised, whitespace removed. */
  full: string;
  surname: string;
  given: string;
}

/**
 * Why a record's own ID number is not used for the exact link. The record still carries the
 * number as evidence for the probabilistic comparison.
 */
export type RecordFlag =
  | "ID_NUMBER_INVALID"
  | "ID_NUMBER_CONTRADICTS_BIRTH_DATE"
  | "ID_NUMBER_CONTRADICTS_SEX"
  | "ID_NUMBER_DISAGREES_WITH_STUDENT_NUMBER"
  | "CONFLICTING_IDENTIFIERS";

/** A record reduced to the features linkage compares: every value validated and normalised. */
export interface RecordFeatures extends RecordRef {
  /** A real name; null when absent or a placeholder such as 王之子 or 婴儿. */
  name: NameFeature | null;
  /** The surname, also from a placeholder (王之子 → 王): the blocking key needs it. */
  surname: string | null;
  sex: Sex | null;
  birthDate: IsoDate | null;
  /** A valid ID number whose birth date and sex agree with the record: links exactly. */
  trustedIdNumber: string | null;
  /** Every valid ID number the record carries, trusted or not. */
  idNumbers: string[];
  /** ID-number-shaped values that failed validation (a clerk's slip): near-matches still count. */
  invalidIdNumbers: string[];
  birthCertificateNumber: string | null;
  /** A J or L student number: the same student across school years. */
  studentKey: string | null;
  guardianIdNumbers: string[];
  guardianPhones: string[];
  /** Guardians' real names (normaliseName's full form; placeholders and blanks left out). */
  guardianNames: string[];
  regionCodes: string[];
  flags: RecordFlag[];
}

/**
 * A group of records' features as text, the union of their values: a ProfileTable row as
 * people and tests read it (profileValues).
 */
export interface Profile {
  names: NameFeature[];
  sexes: Sex[];
  birthDates: IsoDate[];
  trustedIdNumbers: string[];
  idNumbers: string[];
  invalidIdNumbers: string[];
  birthCertificateNumbers: string[];
  guardianIdNumbers: string[];
  guardianPhones: string[];
  regionCodes: string[];
  /** Surnames of placeholders (王之子 → 王) among records without a real name. */
  placeholderSurnames: string[];
}

export type { LinkRule };
