import { bytesText, type CopyRow } from "../db/copy.ts";
import { SOURCE_KINDS } from "../db/enums.ts";
import { BytesMap } from "./bytes-map.ts";
import {
  INVALID,
  quickIdNumberVerdictOfBytes,
  UNDECIDED,
  verdictDay,
  verdictMonth,
  verdictYear,
} from "../domain/id-number.ts";
import { guardianNameCode, idNumberCodeOfBytes } from "./codes.ts";
import {
  canonicalDate,
  normaliseCertificate,
  normaliseGuardianName,
  normaliseIdentity,
  normaliseIdNumber,
  normaliseName,
  normalisePhone,
  normaliseSex,
} from "./normalise.ts";
import { FLAG_BITS, flagBits, SEX_F, SEX_M, type RecordTable } from "./record-table.ts";
import { grown } from "./list-column.ts";
import type { Vocabulary } from "./vocabulary.ts";

/**
 * Department records straight from COPY's bytes into a RecordTable, for the full read of a
 * province (6.5 million records at a million children). Each field's plain form, the form
 * departments nearly always send (an ASCII date, "M", an 11-digit phone, a six-digit division
 * code, a plain ID number), is read from its bytes; a name is looked up by its bytes, so only
 * each distinct name becomes a string, once. Everything else is decoded and given to
 * normalise.ts's functions: the table holds exactly what normaliseRecord would give (a test
 * compares the two on random and unusual records).
 */

/** The fields of a row of sources.ts's selectOf, in order. */
export const ROW_FIELDS = 11;
const RECORD_ID = 0;
const NAME = 1;
const SEX = 2;
const BIRTH_DATE = 3;
const ID_NUMBER = 4;
const CERTIFICATE = 5;
const STUDENT_NUMBER = 6;
const GUARDIAN_IDS = 7;
const PHONES = 8;
const REGIONS = 9;
const GUARDIAN_NAMES = 10;

/**
 * Household persons' guardians (household.guardianships rows: child record id, guardian's ID
 * number, guardian's phone, guardian's name), read before the persons: per child record id, as
 * COPY sent its bytes, the codes of its guardians' valid ID numbers, phones and real names in
 * the order of the rows (NaN where a row has none, or an invalid one).
 */
export class GuardianIndex {
  private readonly children = new BytesMap(1 << 16);
  private head = new Int32Array(1024);
  private tail = new Int32Array(1024);
  private next_ = new Int32Array(1024);
  private ids = new Float64Array(1024);
  private phones = new Float64Array(1024);
  private names = new Float64Array(1024);
  private rows = 0;

  constructor(private readonly reader: RecordReader) {}

  add(row: CopyRow): void {
    const r = this.rows++;
    if (r === this.next_.length) {
      this.next_ = grown(this.next_, r + 1);
      this.ids = grown(this.ids, r + 1);
      this.phones = grown(this.phones, r + 1);
      this.names = grown(this.names, r + 1);
    }
    this.ids[r] = row.isNull(1) ? Number.NaN : this.reader.idNumberCodeAt(row, row.start[1]!, row.end[1]!);
    this.phones[r] = row.isNull(2) ? Number.NaN : this.reader.phoneCode(row, row.start[2]!, row.end[2]!);
    this.names[r] = row.isNull(3) ? Number.NaN : this.reader.guardianNameCodeAt(row, row.start[3]!, row.end[3]!);
    this.next_[r] = -1;
    const buf = row.buf;
    const child = this.children.get(buf, row.start[0]!, row.end[0]!);
    if (child === BytesMap.ABSENT) {
      const c = this.children.size;
      if (c === this.head.length) {
        this.head = grown(this.head, c + 1);
        this.tail = grown(this.tail, c + 1);
      }
      this.children.set(buf, row.start[0]!, row.end[0]!, c);
      this.head[c] = r;
      this.tail[c] = r;
    } else {
      this.next_[this.tail[child]!] = r;
      this.tail[child] = r;
    }
  }

  /**
   * The first guardianship of the child whose record id is these bytes (as COPY sent them), or
   * -1; next(g) the one after g, or -1.
   *
   *   for (let g = index.first(buf, s, e); g !== -1; g = index.next(g)) index.idCode(g);
   */
  first(buf: Uint8Array, start: number, end: number): number {
    const child = this.children.get(buf, start, end);
    return child === BytesMap.ABSENT ? -1 : this.head[child]!;
  }

  next(g: number): number {
    return this.next_[g]!;
  }

  /** The guardian's ID number's code, NaN when the row has no valid one. */
  idCode(g: number): number {
    return this.ids[g]!;
  }

  /** The guardian's phone's code, NaN when the row has no valid one. */
  phoneCode(g: number): number {
    return this.phones[g]!;
  }

  /** The guardian's name's code, NaN when the row has no real name. */
  nameCode(g: number): number {
    return this.names[g]!;
  }
}

const FIRST_YEAR = 1900;
const YEARS = 200;
const UNKNOWN = -2;

/** Reads rows of selectOf into tables, numbering values with one vocabulary. */
export class RecordReader {
  /** A name's bytes → its vocabulary number, or -1 when it is no real name. */
  private readonly names = new BytesMap(1 << 16);
  /**
   * A guardian's name's bytes → where its guardianNameCode is in guardianNameCodes (a BytesMap
   * holds 32-bit values, a code is 52 bits), or -1 when it is no real name.
   */
  private readonly guardianNames = new BytesMap(1 << 16);
  private guardianNameCodes = new Float64Array(1 << 16);
  private guardianNameCount = 0;
  /** Per (year, month, day) of a plainly written date: its vocabulary number, -1 when no such day. */
  private readonly dates = new Int32Array(YEARS * 13 * 32).fill(UNKNOWN);

  /**
   * Household persons' guardians: fill it from household.guardianships before reading persons,
   * whose rows carry no guardians of their own.
   */
  readonly guardians: GuardianIndex = new GuardianIndex(this);

  constructor(private readonly vocabulary: Vocabulary) {}

  /**
   * Appends the record a row of selectOf holds to `table`. (No closures in here: tsx keeps
   * functions' names, which costs a property definition for every closure made, per row.)
   */
  read(table: RecordTable, source: number, row: CopyRow): void {
    const nulls = row.nulls;
    const buf = row.buf;
    const starts = row.start;
    const ends = row.end;
    const i = table.open(source);
    table.setRecordIdBytes(buf, starts[RECORD_ID]!, ends[RECORD_ID]!);
    if ((nulls & (1 << NAME)) === 0) {
      const id = this.nameId(row);
      if (id >= 0) table.name[i] = id;
      else if (id <= -2) table.surname[i] = -2 - id;
    }
    if ((nulls & (1 << SEX)) === 0) {
      const length = ends[SEX]! - starts[SEX]!;
      const b = buf[starts[SEX]!];
      const sex = length === 1 && b === 77 ? "M" : length === 1 && b === 70 ? "F" : normaliseSex(row.text(SEX));
      table.sex[i] = sex === "M" ? SEX_M : sex === "F" ? SEX_F : 0;
    }
    if ((nulls & (1 << BIRTH_DATE)) === 0) table.birthDate[i] = this.dateId(row);
    const idLength = ends[ID_NUMBER]! - starts[ID_NUMBER]!;
    if ((nulls & (1 << STUDENT_NUMBER)) !== 0 && (nulls & (1 << ID_NUMBER)) === 0 && idLength === 18) {
      this.readPlainIdNumber(table, i, row);
    } else if ((nulls & ((1 << ID_NUMBER) | (1 << STUDENT_NUMBER))) !== ((1 << ID_NUMBER) | (1 << STUDENT_NUMBER))) {
      this.readIdentity(table, i, row.text(ID_NUMBER), row.text(STUDENT_NUMBER));
    }
    if ((nulls & (1 << CERTIFICATE)) === 0) table.certificate[i] = this.certificateCode(row);
    const guardians = this.guardians;
    if (SOURCE_KINDS[source] === "household.person") {
      for (let g = guardians.first(buf, starts[RECORD_ID]!, ends[RECORD_ID]!); g !== -1; g = guardians.next(g)) {
        const idCode = guardians.idCode(g);
        const phoneCode = guardians.phoneCode(g);
        const nameCode = guardians.nameCode(g);
        if (idCode === idCode) table.guardianIds.pushUnique(idCode);
        if (phoneCode === phoneCode) table.phones.pushUnique(phoneCode);
        if (nameCode === nameCode) table.guardianNames.pushUnique(nameCode);
      }
    } else {
      if ((nulls & (1 << GUARDIAN_IDS)) === 0) {
        for (
          let at = starts[GUARDIAN_IDS]!, end = pieceEnd(buf, at, ends[GUARDIAN_IDS]!);
          at < ends[GUARDIAN_IDS]!;
          at = end + 1, end = pieceEnd(buf, at, ends[GUARDIAN_IDS]!)
        ) {
          if (end === at) continue;
          const code = this.idNumberCodeAt(row, at, end);
          if (code === code) table.guardianIds.pushUnique(code);
        }
      }
      if ((nulls & (1 << PHONES)) === 0) {
        for (
          let at = starts[PHONES]!, end = pieceEnd(buf, at, ends[PHONES]!);
          at < ends[PHONES]!;
          at = end + 1, end = pieceEnd(buf, at, ends[PHONES]!)
        ) {
          if (end === at) continue;
          const code = this.phoneCode(row, at, end);
          if (code === code) table.phones.pushUnique(code);
        }
      }
      if ((nulls & (1 << GUARDIAN_NAMES)) === 0) {
        for (
          let at = starts[GUARDIAN_NAMES]!, end = pieceEnd(buf, at, ends[GUARDIAN_NAMES]!);
          at < ends[GUARDIAN_NAMES]!;
          at = end + 1, end = pieceEnd(buf, at, ends[GUARDIAN_NAMES]!)
        ) {
          if (end === at) continue;
          const code = this.guardianNameCodeAt(row, at, end);
          if (code === code) table.guardianNames.pushUnique(code);
        }
      }
    }
    if ((nulls & (1 << REGIONS)) === 0) {
      for (
        let at = starts[REGIONS]!, end = pieceEnd(buf, at, ends[REGIONS]!);
        at < ends[REGIONS]!;
        at = end + 1, end = pieceEnd(buf, at, ends[REGIONS]!)
      ) {
        if (end - at !== 6) continue;
        const code = digitsOf(buf, at, 6);
        if (code >= 0) table.regions.pushUnique(code);
      }
    }
    table.close();
  }

  /**
   * The common case of normaliseIdentity, a record with a plain ID number (17 digits and a
   * digit or X, born 1900–2099) and no student number, without its lists and objects: the one
   * number is valid or not, trusted when it agrees with the record's birth date and sex.
   * Anything quickIdNumberVerdict cannot decide goes to normaliseIdentity.
   */
  private readPlainIdNumber(table: RecordTable, i: number, row: CopyRow): void {
    const start = row.start[ID_NUMBER]!;
    const verdict = quickIdNumberVerdictOfBytes(row.buf, start);
    const v = this.vocabulary;
    if (verdict === INVALID) {
      table.invalidIdNumbers.push(v.textCode(row.text(ID_NUMBER)!));
      table.flags[i] = FLAG_BITS.ID_NUMBER_INVALID;
      return;
    }
    if (verdict === UNDECIDED) {
      this.readIdentity(table, i, row.text(ID_NUMBER), null);
      return;
    }
    table.idNumbers.push(idNumberCodeOfBytes(row.buf, start, verdict));
    const birthDate = table.birthDate[i]!;
    const datesAgree =
      birthDate === -1 ||
      this.dateIdOfDay(verdictYear(verdict), verdictMonth(verdict), verdictDay(verdict)) === birthDate;
    const sexAgrees = table.sex[i] === 0 || (verdict % 2 === 1 ? SEX_M : SEX_F) === table.sex[i];
    if (datesAgree && sexAgrees && birthDate !== -1) table.trusted[i] = 1;
    table.flags[i] =
      (datesAgree ? 0 : FLAG_BITS.ID_NUMBER_CONTRADICTS_BIRTH_DATE) |
      (sexAgrees ? 0 : FLAG_BITS.ID_NUMBER_CONTRADICTS_SEX);
  }

  /** Record i's own identifiers through normaliseIdentity, against the birth date and sex it already has. */
  private readIdentity(table: RecordTable, i: number, idNumber: string | null, studentNumber: string | null): void {
    const v = this.vocabulary;
    const sex = table.sex[i] === SEX_M ? "M" : table.sex[i] === SEX_F ? "F" : null;
    const birthDate = table.birthDate[i]! >= 0 ? v.dates[table.birthDate[i]!]! : null;
    const identity = normaliseIdentity(idNumber, studentNumber, birthDate, sex);
    for (const id of identity.idNumbers) table.idNumbers.push(v.idCode(id));
    if (identity.trustedIdNumber !== null) table.trusted[i] = 1;
    for (const id of identity.invalidIdNumbers) table.invalidIdNumbers.push(v.textCode(id));
    if (identity.studentKey !== null) table.studentKey[i] = v.textCode(identity.studentKey);
    table.flags[i] = flagBits(identity.flags);
  }

  /**
   * The code of a phone (bytes start … end of a row), NaN when it is none (normalisePhone;
   * plain numbers from their bytes).
   */
  phoneCode(row: CopyRow, start: number, end: number): number {
    const code = plainMobileCode(row.buf, start, end);
    if (code === code) return code;
    const phone = normalisePhone(bytesText(row.buf, start, end));
    return phone === null ? Number.NaN : this.vocabulary.phoneCode(phone);
  }

  /**
   * A guardian's ID number's code (bytes start … end of a row), NaN when it is not a valid one
   * (normaliseIdNumber; plain numbers from their bytes).
   */
  idNumberCodeAt(row: CopyRow, start: number, end: number): number {
    if (end - start === 18) {
      const verdict = quickIdNumberVerdictOfBytes(row.buf, start);
      if (verdict === INVALID) return Number.NaN;
      if (verdict !== UNDECIDED) return idNumberCodeOfBytes(row.buf, start, verdict);
    }
    const id = normaliseIdNumber(bytesText(row.buf, start, end));
    return id === null ? Number.NaN : this.vocabulary.idCode(id);
  }

  /**
   * A guardian's name's code (bytes start … end of a row), NaN when it is no real name
   * (normaliseGuardianName, guardianNameCode); each distinct name is decoded once.
   */
  guardianNameCodeAt(row: CopyRow, start: number, end: number): number {
    let k = this.guardianNames.get(row.buf, start, end);
    if (k === BytesMap.ABSENT) {
      const name = normaliseGuardianName(bytesText(row.buf, start, end));
      k = -1;
      if (name !== null) {
        k = this.guardianNameCount++;
        if (k === this.guardianNameCodes.length) this.guardianNameCodes = grown(this.guardianNameCodes, k + 1);
        this.guardianNameCodes[k] = guardianNameCode(name);
      }
      this.guardianNames.set(row.buf, start, end, k);
    }
    return k < 0 ? Number.NaN : this.guardianNameCodes[k]!;
  }

  /** The name's number (≥ 0); for a placeholder with a surname, −2 − the surname's number; else −1. */
  private nameId(row: CopyRow): number {
    const start = row.start[NAME]!;
    const end = row.end[NAME]!;
    let id = this.names.get(row.buf, start, end);
    if (id === BytesMap.ABSENT) {
      const { name, surname } = normaliseName(row.text(NAME));
      id = name ? this.vocabulary.nameId(name) : surname ? -2 - this.vocabulary.surnameId(surname) : -1;
      this.names.set(row.buf, start, end, id);
    }
    return id;
  }

  /** canonicalDate's verdict as a vocabulary number (-1: not a date); a plain date by its digits. */
  private dateId(row: CopyRow): number {
    const buf = row.buf;
    const start = row.start[BIRTH_DATE]!;
    if (row.end[BIRTH_DATE]! - start === 10 && buf[start + 4] === 45 && buf[start + 7] === 45) {
      const year = digitsOf(buf, start, 4);
      const month = digitsOf(buf, start + 5, 2);
      const day = digitsOf(buf, start + 8, 2);
      // canonicalDate decides such a date by these three numbers alone: once per day.
      if (year >= FIRST_YEAR && year < FIRST_YEAR + YEARS && month >= 0 && day >= 0) {
        if (month > 12 || day > 31) return -1;
        const slot = ((year - FIRST_YEAR) * 13 + month) * 32 + day;
        let id = this.dates[slot]!;
        if (id === UNKNOWN) this.dates[slot] = id = this.vocabularyDate(row.text(BIRTH_DATE)!);
        return id;
      }
    }
    return this.vocabularyDate(row.text(BIRTH_DATE)!);
  }

  /** The vocabulary number of a day (a year from 1900 to 2099, a month 1–12, a day 1–31 that exists). */
  private dateIdOfDay(year: number, month: number, day: number): number {
    const slot = ((year - FIRST_YEAR) * 13 + month) * 32 + day;
    let id = this.dates[slot]!;
    if (id === UNKNOWN)
      this.dates[slot] = id = this.vocabularyDate(
        `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
      );
    return id;
  }

  private vocabularyDate(raw: string): number {
    const date = canonicalDate(raw);
    return date === null ? -1 : this.vocabulary.dateId(date);
  }

  /** A birth certificate number's code; a plain one (an upper-case letter and nine digits) from its bytes. */
  private certificateCode(row: CopyRow): number {
    const buf = row.buf;
    const start = row.start[CERTIFICATE]!;
    const letter = buf[start]! - 65;
    if (row.end[CERTIFICATE]! - start === 10 && letter >= 0 && letter < 26) {
      const digits = digitsOf(buf, start + 1, 9);
      if (digits >= 0) return letter * 1e9 + digits;
    }
    const raw = row.text(CERTIFICATE);
    const certificate = normaliseCertificate(raw);
    return certificate === null ? Number.NaN : this.vocabulary.certificateCode(certificate);
  }
}

/** Where the comma-separated piece that starts at `at` ends (a comma, or the field's end). */
function pieceEnd(buf: Uint8Array, at: number, end: number): number {
  while (at < end && buf[at] !== 44) at++;
  return at;
}

/** The ASCII digits buf[start … start + count) as a number, or -1 when one is not a digit. */
function digitsOf(buf: Uint8Array, start: number, count: number): number {
  let n = 0;
  for (let k = start; k < start + count; k++) {
    const digit = buf[k]! - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** A plain mobile number (/^1[3-9]\d{9}$/, as normalisePhone keeps it) as its code, else NaN. */
function plainMobileCode(buf: Uint8Array, start: number, end: number): number {
  if (end - start !== 11 || buf[start] !== 49 || buf[start + 1]! < 51 || buf[start + 1]! > 57) return Number.NaN;
  const code = digitsOf(buf, start, 11);
  return code >= 0 ? code : Number.NaN;
}
