import { isValidIsoDate } from "../domain/dates.ts";
import { validateDivisionCode } from "../domain/division-codes.ts";
import { parseIdNumber } from "../domain/id-number.ts";
import { isMobilePhone, parseBirthCertificateNumber, parseStudentNumber } from "../domain/identifiers.ts";

/**
 * Parsers of one field of an incoming row (a CSV cell, an NDJSON value, a GraphQL batch value):
 * each turns the raw text into the stored value, or says precisely what is wrong with it. Pure.
 * Empty text is "absent": a required field reports it, an optional one stores null.
 */
export type FieldValue = string | number | null;
export type FieldResult = { ok: true; value: FieldValue } | { ok: false; message: string };
export type FieldParser = (raw: string) => FieldResult;

const ok = (value: FieldValue): FieldResult => ({ ok: true, value });
const bad = (message: string): FieldResult => ({ ok: false, message });
const shown = (raw: string) => JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);

/** The parsers of free text (names, addresses): the only fields a tab or a line break may appear in. */
const FREE_TEXT = new WeakSet<FieldParser>();

export const text = (maxLength = 200): FieldParser => {
  const parser: FieldParser = (raw) =>
    raw.length > maxLength ? bad(`must be at most ${maxLength} characters, but has ${raw.length}`) : ok(raw);
  FREE_TEXT.add(parser);
  return parser;
};

/** Whether `parser` reads free text (`text(…)`), where a tab or a line break is part of the value. */
export const isFreeText = (parser: FieldParser): boolean => FREE_TEXT.has(parser);

/** A control character (C0, DEL, C1) or half of a surrogate pair: what no cell may hold. */
const CONTROL = /[\p{Cc}\p{Cs}]/u;
const LINE_BREAK_OR_TAB = /^[\t\n\r]$/;

/**
 * Why a cell as received cannot be stored, whatever its column, or null: a control character
 * (NUL, ESC, DEL, C1, …) or an unpaired surrogate. PostgreSQL refuses a NUL in text outright, a
 * terminal or a CSV reader may act on the others, and none of them is part of a name, a code or
 * a date. Tab, line feed and carriage return are allowed in free text (`freeText`), where an
 * address may hold them, and nowhere else. The value itself is never quoted (it goes back to
 * the sender, and a cell of personal data must not be copied around): only the character's
 * code point and position.
 *
 *   controlCharacterProblem("某街道\u00001号", true)
 *   // 'must not contain a control character (NUL, ESC, DEL, …), but has U+0000 at character 4'
 */
export function controlCharacterProblem(raw: string, freeText: boolean): string | null {
  // Almost every cell has none: one scan of the whole, and the walk below only for the few that do.
  if (!CONTROL.test(raw)) return null;
  let position = 0;
  for (const char of raw) {
    position++;
    if (!CONTROL.test(char) || (freeText && LINE_BREAK_OR_TAB.test(char))) continue;
    const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    const allowed = freeText ? "; tab and line breaks are the only ones free text may hold" : "";
    return (
      "must not contain a control character (NUL, ESC, DEL, …), " +
      `but has U+${code} at character ${position}${allowed}`
    );
  }
  return null;
}

export const idNumber: FieldParser = (raw) => {
  const parsed = parseIdNumber(raw);
  return parsed.ok ? ok(parsed.value.idNumber) : bad(parsed.problem.message);
};

export const divisionCode: FieldParser = (raw) => {
  const checked = validateDivisionCode(raw);
  return checked.ok ? ok(checked.value.code) : bad(checked.message);
};

export const isoDate: FieldParser = (raw) =>
  isValidIsoDate(raw) ? ok(raw) : bad(`must be a date like 2026-06-30, but got ${shown(raw)}`);

export const oneOf =
  (values: readonly string[]): FieldParser =>
  (raw) => {
    const value = raw.toUpperCase();
    return values.includes(value) ? ok(value) : bad(`must be one of ${values.join(", ")}, but got ${shown(raw)}`);
  };

const SEX_WORDS: Readonly<Record<string, "M" | "F">> = { M: "M", F: "F", 男: "M", 女: "F", 男性: "M", 女性: "F" };

/**
 * A sex as M or F. Chinese systems export 男 and 女 (a spreadsheet saved from one says 男性, 女性):
 * read as M and F, so a department's file need not be rewritten first.
 *
 *   sex("男") // { ok: true, value: "M" }
 */
export const sex: FieldParser = (raw) => {
  const value = SEX_WORDS[raw.normalize("NFKC").trim().toUpperCase()];
  return value ? ok(value) : bad(`must be one of M, F, 男, 女, but got ${shown(raw)}`);
};

export const integer =
  (min: number, max: number): FieldParser =>
  (raw) => {
    const n = Number(raw);
    return /^-?\d+$/.test(raw) && n >= min && n <= max
      ? ok(n)
      : bad(`must be a whole number from ${min} to ${max}, but got ${shown(raw)}`);
  };

export const pattern =
  (re: RegExp, description: string): FieldParser =>
  (raw) =>
    re.test(raw) ? ok(raw) : bad(`must be ${description}, but got ${shown(raw)}`);

export const schoolCode = pattern(/^\d{10}$/, "a 10-digit school code (学校标识码)");
export const doctorCode = pattern(/^D\d{10}$/, 'a family doctor code like "D3301060001"');
export const siteCode = pattern(/^V\d{9}$/, 'a vaccination site code like "V330106001"');
export const recordIdText = pattern(
  /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
  "the department's own record id: 1–64 letters, digits, '.', '_', ':' or '-'",
);

export const phone: FieldParser = (raw) =>
  isMobilePhone(raw) ? ok(raw.trim()) : bad(`must be an 11-digit mobile number starting with 1, but got ${shown(raw)}`);

export const birthCertificateNumber: FieldParser = (raw) => {
  const parsed = parseBirthCertificateNumber(raw);
  return parsed.ok ? ok(parsed.value) : bad(parsed.problem.message);
};

export const studentNumber: FieldParser = (raw) => {
  const parsed = parseStudentNumber(raw);
  return parsed.ok ? ok(raw.normalize("NFKC").trim().toUpperCase()) : bad(parsed.problem.message);
};

/** Money in fen (分), a whole number. */
export const fen = integer(0, 100_000_000);

export const hospitalCode = pattern(/^H\d{8}$/, 'a hospital code like "H33010601" (H, the county code, 2 digits)');
export const householdNumber = pattern(/^\d{8,20}$/, "a household number (户号) of 8 to 20 digits");
export const residencePermitNumber = pattern(
  /^[A-Z0-9]{6,30}$/,
  "a residence permit number of 6 to 30 capital letters and digits",
);
export const vaccineCode = pattern(
  /^[A-Za-z0-9+-]{1,20}$/,
  'a vaccine code like "HepB" or "DTaP" (1–20 letters, digits, "+" or "-")',
);
export const insuranceTypeCode = pattern(/^\d{3}$/, 'a 3-digit insurance type (险种) code like "390"');

/** A month and day without a year ("09-01"): when a yearly window opens or closes. 02-29 is allowed. */
export const monthDay: FieldParser = (raw) => {
  const match = /^(\d{2})-(\d{2})$/.exec(raw);
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const month = match ? Number(match[1]) : 0;
  const day = match ? Number(match[2]) : 0;
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!
    ? ok(raw)
    : bad(`must be a month and day like 09-01, but got ${shown(raw)}`);
};
