import { digitsAt, isValidIsoDate, type IsoDate } from "../domain/dates.ts";
import { parseIdNumber, quickIdNumberVerdict, type Sex } from "../domain/id-number.ts";
import { parseBirthCertificateNumber, parseStudentNumber } from "../domain/identifiers.ts";
import { PLACEHOLDER_SUFFIXES, PLACEHOLDER_WHOLE } from "../domain/names.ts";
import type { NameFeature, RecordFeatures, RecordFlag, SourceRecord } from "./types.ts";

/**
 * A department record's values as linkage compares them: every identifier validated, names,
 * phones and dates in one form. Each field has its own function, so the reader of a whole
 * province (record-reader.ts), which handles the plain forms itself straight from the bytes,
 * asks these for everything else and gets exactly what normaliseRecord would give.
 */

/** Two-character surnames: without them 欧阳娜娜 would be surname 欧, given name 阳娜娜. */
const COMPOUND_SURNAMES = new Set([
  "欧阳",
  "司马",
  "诸葛",
  "上官",
  "东方",
  "皇甫",
  "尉迟",
  "公孙",
  "慕容",
  "令狐",
  "夏侯",
  "长孙",
  "宇文",
  "司徒",
  "端木",
  "独孤",
  "南宫",
  "西门",
  "轩辕",
]);

export interface NormalisedName {
  name: NameFeature | null;
  surname: string | null;
  placeholder: boolean;
}

const NO_NAME: NormalisedName = Object.freeze({ name: null, surname: null, placeholder: false });

/**
 * A name as written → its comparable form: NFKC (full-width letters), no whitespace or
 * separating dots, surname split off (compound surnames known), placeholders recognised.
 *
 * @example
 * normaliseName(" 欧阳 娜娜 ")
 * // { name: { full: "欧阳娜娜", surname: "欧阳", given: "娜娜" }, surname: "欧阳", placeholder: false }
 * @example normaliseName("王之子") // { name: null, surname: "王", placeholder: true }
 */
export function normaliseName(raw: string | null | undefined): NormalisedName {
  if (raw == null) return NO_NAME;
  const full = raw.normalize("NFKC").replace(/[\s·•.-]/g, "");
  if (full === "") return NO_NAME;
  if (PLACEHOLDER_WHOLE.test(raw.normalize("NFKC").trim())) return { name: null, surname: null, placeholder: true };
  for (const suffix of PLACEHOLDER_SUFFIXES) {
    if (full.endsWith(suffix)) {
      const prefix = full.slice(0, -suffix.length);
      const surname = prefix.length >= 1 && prefix.length <= 2 ? prefix : null;
      return { name: null, surname, placeholder: true };
    }
  }
  const chars = [...full];
  const surnameLength = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join("")) ? 2 : 1;
  const surname = chars.slice(0, surnameLength).join("");
  return { name: { full, surname, given: chars.slice(surnameLength).join("") }, surname, placeholder: false };
}

/**
 * A mainland mobile number in its 11-digit form, or null: +86 / 0086 prefixes and separators
 * are dropped, since departments write the same phone all these ways.
 *
 * @example normalisePhone("+86 138-0000-1234") // "13800001234"
 */
export function normalisePhone(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  if (raw.length === 11 && isPlainMobile(raw)) return raw; // as nearly every department writes it
  let digits = raw.normalize("NFKC").replace(/[\s\-()+]/g, "");
  if (digits.startsWith("0086")) digits = digits.slice(4);
  else if (digits.startsWith("86") && digits.length === 13) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** /^1[3-9]\d{9}$/ from character codes. */
function isPlainMobile(s: string): boolean {
  if (s.charCodeAt(0) !== 49) return false;
  const second = s.charCodeAt(1);
  if (second < 51 || second > 57) return false;
  return digitsAt(s, 2, 9) >= 0;
}

/** "M", "F", 男, 女, 1, 2 (any case, full-width) → the sex; anything else → null. */
export function normaliseSex(raw: string | null): Sex | null {
  if (raw === "M" || raw === "F") return raw; // as nearly every department writes it
  const s = raw?.normalize("NFKC").trim().toUpperCase();
  if (s === "M" || s === "男" || s === "1") return "M";
  if (s === "F" || s === "女" || s === "2") return "F";
  return null;
}

// Every record of a province has a birth date, and a province has a few thousand of them:
// validate each once, and give every record the same string for the same date. A date written
// plainly (YYYY-MM-DD, 1900–2099) is found by its digits in a table of days; others by a memo.
const canonicalDates = new Map<string, IsoDate | null>();

/**
 * A birth date as written → the valid ISO date it is, or null.
 *
 * @example canonicalDate("2019-03-15") // "2019-03-15"
 * @example canonicalDate("2019-02-30") // null
 */
export function canonicalDate(raw: string): IsoDate | null {
  if (raw.length === 10 && raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
    const year = digitsAt(raw, 0, 4);
    const month = digitsAt(raw, 5, 2);
    const day = digitsAt(raw, 8, 2);
    if (year >= FIRST_YEAR && year < FIRST_YEAR + YEARS && month >= 0 && day >= 0) return dateOf(year, month, day);
  }
  let known = canonicalDates.get(raw);
  if (known === undefined) {
    const s = raw.trim();
    known = isValidIsoDate(s) ? s : null;
    if (canonicalDates.size < 100_000) canonicalDates.set(raw, known);
  }
  return known;
}

const FIRST_YEAR = 1900;
const YEARS = 200;
/** Per (year, month, day) slot: the date's one string, null when no such day, undefined until asked. */
const datesByDay: (IsoDate | null | undefined)[] = new Array(YEARS * 13 * 32);

/** The date for a year from 1900 to 2099, a month (0–99) and a day (0–99), or null when there is no such day. */
function dateOf(year: number, month: number, day: number): IsoDate | null {
  if (month > 12 || day > 31) return null;
  const slot = ((year - FIRST_YEAR) * 13 + month) * 32 + day;
  let known = datesByDay[slot];
  if (known === undefined) {
    const s = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    datesByDay[slot] = known = isValidIsoDate(s) ? s : null;
  }
  return known;
}

/** What linkage needs of a valid ID number: the number, and the birth date and sex it encodes. */
interface KnownId {
  idNumber: string;
  birthDate: IsoDate;
  sex: Sex;
}

/**
 * parseIdNumber's verdict as linkage needs it. A plain number is checked from its character
 * codes (quickIdNumberVerdict); anything unusual (full-width digits, spaces, a lower-case x)
 * goes through parseIdNumber.
 */
function parseId(raw: string): KnownId | null {
  const quick = quickIdNumberVerdict(raw);
  if (quick === null) return null;
  if (quick !== undefined)
    return { idNumber: raw, birthDate: dateOf(quick.year, quick.month, quick.day)!, sex: quick.sex };
  const parsed = parseIdNumber(raw);
  if (!parsed.ok) return null;
  const { idNumber, birthDate, sex } = parsed.value;
  return { idNumber, birthDate: canonicalDate(birthDate) ?? birthDate, sex };
}

/** A guardian's ID number as written → the valid number, or null. */
export function normaliseIdNumber(raw: string): string | null {
  return parseId(raw)?.idNumber ?? null;
}

const ID_SHAPE = /^\d{17}[\dX]$/;

/** What a record's own identifiers say about it: see normaliseIdentity. */
export interface Identity {
  trustedIdNumber: string | null;
  idNumbers: string[];
  invalidIdNumbers: string[];
  studentKey: string | null;
  flags: RecordFlag[];
}

/**
 * A record's own identifiers (its ID number field, and for education its student number) →
 * which ID numbers it carries, whether one may link it exactly, and what is wrong with them.
 * An ID number is trusted only when it is valid and its birth date and sex agree with what the
 * record says; a G student number carries the ID number again; J and L numbers are kept as
 * student keys.
 *
 * @example normaliseIdentity("330106201903150134", null, "2019-03-16", "M")
 * // { trustedIdNumber: null, idNumbers: ["330106201903150134"], flags: ["ID_NUMBER_CONTRADICTS_BIRTH_DATE"], … }
 */
export function normaliseIdentity(
  idNumber: string | null,
  studentNumber: string | null,
  birthDate: IsoDate | null,
  sex: Sex | null,
): Identity {
  const flags: RecordFlag[] = [];
  const idNumbers: string[] = [];
  const invalidIdNumbers: string[] = [];
  let trustedIdNumber: string | null = null;
  let studentKey: string | null = null;

  // The ID number field, and for education a G student number, which is the ID number again.
  const candidates: string[] = [];
  if (idNumber && idNumber.trim() !== "") candidates.push(idNumber);
  // A G student number in its plain form ("G" and a plain ID number) is checked quickly.
  const quickG =
    studentNumber?.length === 19 && studentNumber.charCodeAt(0) === 71
      ? quickIdNumberVerdict(studentNumber.slice(1))
      : undefined;
  if (quickG) candidates.push(studentNumber!.slice(1));
  else if (quickG === null) {
    // not a valid G number: parseStudentNumber would refuse it too, and the number is ignored
  } else if (studentNumber && studentNumber.trim() !== "") {
    const parsed = parseStudentNumber(studentNumber);
    if (parsed.ok && parsed.value.kind === "G") candidates.push(parsed.value.idNumber);
    else if (parsed.ok)
      studentKey = `${parsed.value.kind}${studentNumber.normalize("NFKC").trim().toUpperCase().slice(1)}`;
  }
  for (const raw of candidates) {
    const id = parseId(raw);
    if (!id) {
      const shaped = raw.normalize("NFKC").trim().toUpperCase();
      if (ID_SHAPE.test(shaped)) invalidIdNumbers.push(shaped);
      if (!flags.includes("ID_NUMBER_INVALID")) flags.push("ID_NUMBER_INVALID");
      continue;
    }
    if (idNumbers.includes(id.idNumber)) continue;
    idNumbers.push(id.idNumber);
    const datesAgree = birthDate === null || id.birthDate === birthDate;
    const sexAgrees = sex === null || id.sex === sex;
    if (!datesAgree) flags.push("ID_NUMBER_CONTRADICTS_BIRTH_DATE");
    if (!sexAgrees) flags.push("ID_NUMBER_CONTRADICTS_SEX");
    if (datesAgree && sexAgrees && birthDate !== null && trustedIdNumber === null) trustedIdNumber = id.idNumber;
  }
  if (idNumbers.length > 1) {
    // The ID field and the G student number name two different people: trust neither.
    flags.push("ID_NUMBER_DISAGREES_WITH_STUDENT_NUMBER");
    trustedIdNumber = null;
  }
  // An invalid ID number field beside a valid G number is the slip, not a second person.
  if (trustedIdNumber !== null && flags.length === 1 && flags[0] === "ID_NUMBER_INVALID") flags.length = 0;
  return { trustedIdNumber, idNumbers, invalidIdNumbers, studentKey, flags };
}

/** A birth certificate number as written → its canonical form, or null when it is not one. */
export function normaliseCertificate(raw: string | null): string | null {
  if (!raw || raw.trim() === "") return null;
  const parsed = parseBirthCertificateNumber(raw);
  return parsed.ok ? parsed.value : null;
}

/**
 * A guardian's name as written → its comparable form (normaliseName's full form), or null for
 * a blank or a placeholder.
 *
 * @example normaliseGuardianName(" 刘 建天 ") // "刘建天"
 */
export function normaliseGuardianName(raw: string): string | null {
  return normaliseName(raw).name?.full ?? null;
}

function uniqueValid(raws: readonly string[], normalise: (raw: string) => string | null): string[] {
  const out: string[] = [];
  for (const raw of raws) {
    const value = normalise(raw);
    if (value !== null && !out.includes(value)) out.push(value);
  }
  return out;
}

const SIX_DIGITS = /^\d{6}$/;

/** Division codes as written → the six-digit ones, once each. */
export function normaliseRegions(raws: readonly string[]): string[] {
  return uniqueValid(raws, (code) => (SIX_DIGITS.test(code) ? code : null));
}

/**
 * A department record → the features linkage compares. Validates every identifier (an ID
 * number fully, by GB 11643) and decides whether the record's ID number may link it exactly:
 * only when it is valid and its birth date and sex agree with what the record says. A record
 * whose ID number contradicts it is flagged and left to the probabilistic comparison, where
 * the number still counts as strong evidence.
 *
 * @example
 * normaliseRecord({ source: "education.student", recordId: "ST-1", name: "王梓轩", sex: "M",
 *   birthDate: "2019-03-16", idNumber: "330106201903150134", studentNumber: null, … })
 * // { trustedIdNumber: null, idNumbers: ["330106201903150134"], flags: ["ID_NUMBER_CONTRADICTS_BIRTH_DATE"], … }
 */
export function normaliseRecord(record: SourceRecord): RecordFeatures {
  const name = normaliseName(record.name);
  const sex = normaliseSex(record.sex);
  const birthDate = record.birthDate ? canonicalDate(record.birthDate) : null;
  const identity = normaliseIdentity(record.idNumber, record.studentNumber, birthDate, sex);
  return {
    source: record.source,
    recordId: record.recordId,
    name: name.name,
    surname: name.surname,
    sex,
    birthDate,
    ...identity,
    birthCertificateNumber: normaliseCertificate(record.birthCertificateNumber),
    guardianIdNumbers: uniqueValid(record.guardianIdNumbers, normaliseIdNumber),
    guardianPhones: uniqueValid(record.guardianPhones, normalisePhone),
    guardianNames: uniqueValid(record.guardianNames ?? [], normaliseGuardianName),
    regionCodes: normaliseRegions(record.regionCodes),
  };
}
