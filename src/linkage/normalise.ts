import { digitsAt, isValidIsoDate, type IsoDate } from "../domain/dates.ts";
import { parseIdNumber, quickIdNumberVerdict, type Sex } from "../domain/id-number.ts";
import { parseBirthCertificateNumber, parseStudentNumber } from "../domain/identifiers.ts";
import { PLACEHOLDER_SUFFIXES, PLACEHOLDER_WHOLE } from "../domain/names.ts";
import type { NameFeature, RecordFeatures, RecordFlag, SourceRecord } from "./types.ts";

/** Two-character surnames: without them 欧阳娜娜 would be surname 欧, given name 阳娜娜. */
const COMPOUND_SURNAMES = new Set([
  "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文", "司徒", "端木", "独孤", "南宫", "西门", "轩辕",
]);

export interface NormalisedName {
  name: NameFeature | null;
  surname: string | null;
  placeholder: boolean;
}

/**
 * A name as written → its comparable form: NFKC (full-width letters), no whitespace or
 * separating dots, surname split off (compound surnames known), placeholders recognised.
 *
 * @example normaliseName(" 欧阳 娜娜 ") // { name: { full: "欧阳娜娜", surname: "欧阳", given: "娜娜" }, surname: "欧阳", placeholder: false }
 * @example normaliseName("王之子")      // { name: null, surname: "王", placeholder: true }
 */
export function normaliseName(raw: string | null | undefined): NormalisedName {
  if (raw == null) return NO_NAME;
  let known = nameMemo.get(raw);
  if (known === undefined) {
    known = normaliseNameUncached(raw);
    if (nameMemo.size >= MEMO_LIMIT) nameMemo.clear();
    nameMemo.set(raw, known);
  }
  return known;
}

const NO_NAME: NormalisedName = Object.freeze({ name: null, surname: null, placeholder: false });

// A child's name, ID number and guardians recur in every department's record of the child, and
// common names recur across children: each distinct value is worked out once, and records
// share the result, down to the one-element lists (a province is millions of records: every
// object a record does not own is one the garbage collector need not trace). The memos are
// bounded (cleared when full), so memory stays flat however large the province.
const MEMO_LIMIT = 2_000_000;
const nameMemo = new Map<string, NormalisedName>();

/**
 * Forgets the remembered names, ID numbers and phones. A full link calls it once every record
 * is read: the records keep the values they share, and the memos' own objects (millions in a
 * province) would otherwise stay alive through matching, traced by every full collection.
 */
export function forgetNormalisedValues(): void {
  nameMemo.clear();
  idMemo.clear();
  phoneMemo.clear();
}

/**
 * What linkage needs of a valid ID number: the number, the birth date and sex it encodes, and
 * the list of it alone that records holding only it share. (Not the whole parse: its other
 * strings would keep millions of small objects alive for nothing.)
 */
interface KnownId {
  idNumber: string;
  birthDate: IsoDate;
  sex: Sex;
  alone: string[];
}
const idMemo = new Map<string, KnownId | null>();

/**
 * parseIdNumber's result as linkage needs it. A plain number is checked from its character codes
 * (quickIdNumberVerdict): no memo to look it up in, which at a province's few million distinct
 * numbers costs more (a miss in the processor's caches) than checking it again. Anything
 * unusual (full-width digits, spaces, a lower-case x) goes through parseIdNumber, remembered.
 */
function parseId(raw: string): KnownId | null {
  const quick = quickIdNumberVerdict(raw);
  if (quick === null) return null;
  if (quick !== undefined) {
    return { idNumber: raw, birthDate: dateOf(quick.year, quick.month, quick.day)!, sex: quick.sex, alone: [raw] };
  }
  let known = idMemo.get(raw);
  if (known === undefined) {
    const parsed = parseIdNumber(raw);
    known = null;
    if (parsed.ok) {
      const { idNumber, birthDate, sex } = parsed.value;
      // The date as records spell it: one string per day, shared, rather than one per number.
      known = { idNumber, birthDate: canonicalDate(birthDate) ?? birthDate, sex, alone: Object.freeze([idNumber]) as string[] };
    }
    if (idMemo.size >= MEMO_LIMIT) idMemo.clear();
    idMemo.set(raw, known);
  }
  return known;
}

/** A record's one phone as written → the list of it normalised (or none), shared. */
const phoneMemo = new Map<string, string[]>();
function phoneAlone(raw: string): string[] {
  let known = phoneMemo.get(raw);
  if (known === undefined) {
    const phone = normalisePhone(raw);
    known = phone === null ? (NONE as unknown as string[]) : (Object.freeze([phone]) as string[]);
    if (phoneMemo.size >= MEMO_LIMIT) phoneMemo.clear();
    phoneMemo.set(raw, known);
  }
  return known;
}

function normaliseNameUncached(raw: string): NormalisedName {
  const full = raw.normalize("NFKC").replace(/[\s·•.\-]/g, "");
  if (full === "") return { name: null, surname: null, placeholder: false };
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
  let digits = raw.normalize("NFKC").replace(/[\s\-()+]/g, "");
  if (digits.startsWith("0086")) digits = digits.slice(4);
  else if (digits.startsWith("86") && digits.length === 13) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

function normaliseSex(raw: string | null): Sex | null {
  if (raw === "M" || raw === "F") return raw; // as nearly every department writes it
  const s = raw?.normalize("NFKC").trim().toUpperCase();
  if (s === "M" || s === "男" || s === "1") return "M";
  if (s === "F" || s === "女" || s === "2") return "F";
  return null;
}

const ID_SHAPE = /^\d{17}[\dX]$/;
const SIX_DIGITS = /^\d{6}$/;

function idShape(raw: string): string {
  const s = raw.normalize("NFKC").trim().toUpperCase();
  return s;
}

function unique<T>(values: T[]): T[] {
  return values.length <= 1 ? values : [...new Set(values)];
}

// A province has a few thousand distinct birth dates and millions of records: validate each
// once, and give every record the same string for the same date. A date written plainly
// (YYYY-MM-DD, 1900–2099) is found by its digits in a table of days; others by a memo.
const canonicalDates = new Map<string, IsoDate | null>();
function canonicalDate(raw: string): IsoDate | null {
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

// Division codes: a few thousand, and a few tens of thousands of combinations records carry.
const regionMemo = new Map<string, string[]>();
function regionList(raw: readonly string[]): string[] {
  if (raw.length === 0) return NONE as unknown as string[];
  const key = raw.length === 1 ? raw[0]! : raw.join(",");
  let known = regionMemo.get(key);
  if (known === undefined) {
    const codes: string[] = [];
    for (const code of raw) if (SIX_DIGITS.test(code)) codes.push(code);
    known = codes.length === 0 ? (NONE as unknown as string[]) : (Object.freeze(unique(codes)) as string[]);
    if (regionMemo.size >= 200_000) regionMemo.clear();
    regionMemo.set(key, known);
  }
  return known;
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
  const flags: RecordFlag[] = [];
  const idNumbers: string[] = [];
  const invalidIdNumbers: string[] = [];
  let trustedIdNumber: string | null = null;
  let studentKey: string | null = null;

  // The ID number field, and for education a G student number, which is the ID number again.
  const candidates: string[] = [];
  if (record.idNumber && record.idNumber.trim() !== "") candidates.push(record.idNumber);
  // A G student number in its plain form ("G" and a plain ID number) is checked quickly.
  const quickG = record.studentNumber?.length === 19 && record.studentNumber.charCodeAt(0) === 71 ? quickIdNumberVerdict(record.studentNumber.slice(1)) : undefined;
  if (quickG) candidates.push(record.studentNumber!.slice(1));
  else if (quickG === null) {
    // not a valid G number: parseStudentNumber would refuse it too, and the number is ignored
  } else if (record.studentNumber && record.studentNumber.trim() !== "") {
    const parsed = parseStudentNumber(record.studentNumber);
    if (parsed.ok && parsed.value.kind === "G") candidates.push(parsed.value.idNumber);
    else if (parsed.ok) studentKey = `${parsed.value.kind}${record.studentNumber.normalize("NFKC").trim().toUpperCase().slice(1)}`;
  }
  let aloneIds: string[] | null = null;
  for (const raw of candidates) {
    const known = parseId(raw);
    if (!known) {
      const shaped = idShape(raw);
      if (ID_SHAPE.test(shaped)) invalidIdNumbers.push(shaped);
      if (!flags.includes("ID_NUMBER_INVALID")) flags.push("ID_NUMBER_INVALID");
      continue;
    }
    const id = known;
    if (idNumbers.includes(id.idNumber)) continue;
    idNumbers.push(id.idNumber);
    aloneIds = known.alone;
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

  let birthCertificateNumber: string | null = null;
  if (record.birthCertificateNumber && record.birthCertificateNumber.trim() !== "") {
    const parsed = parseBirthCertificateNumber(record.birthCertificateNumber);
    if (parsed.ok) birthCertificateNumber = parsed.value;
  }

  let guardianIdNumbers: string[] = NONE as unknown as string[];
  if (record.guardianIdNumbers.length === 1) guardianIdNumbers = parseId(record.guardianIdNumbers[0]!)?.alone ?? guardianIdNumbers;
  else if (record.guardianIdNumbers.length > 1) {
    const ids: string[] = [];
    for (const raw of record.guardianIdNumbers) {
      const known = parseId(raw);
      if (known) ids.push(known.idNumber);
    }
    guardianIdNumbers = orNone(unique(ids));
  }
  let guardianPhones: string[] = NONE as unknown as string[];
  if (record.guardianPhones.length === 1) guardianPhones = phoneAlone(record.guardianPhones[0]!);
  else if (record.guardianPhones.length > 1) {
    const phones: string[] = [];
    for (const raw of record.guardianPhones) {
      const phone = normalisePhone(raw);
      if (phone) phones.push(phone);
    }
    guardianPhones = orNone(unique(phones));
  }
  const regionCodes = regionList(record.regionCodes);

  return {
    source: record.source,
    recordId: record.recordId,
    name: name.name,
    surname: name.surname,
    sex,
    birthDate,
    trustedIdNumber,
    idNumbers: idNumbers.length === 1 ? aloneIds! : orNone(idNumbers),
    invalidIdNumbers: orNone(invalidIdNumbers),
    birthCertificateNumber,
    studentKey,
    guardianIdNumbers,
    guardianPhones,
    regionCodes,
    flags: orNone(flags),
  };
}

/** Frozen, so a caller that tries to push into a shared empty array fails loudly. */
const NONE: readonly never[] = Object.freeze([]);

/** Most of a record's lists are empty: one shared empty array spares millions of allocations. */
function orNone<T>(values: T[]): T[] {
  return values.length === 0 ? (NONE as unknown as T[]) : values;
}
