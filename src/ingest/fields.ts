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

export const text =
  (maxLength = 200): FieldParser =>
  (raw) =>
    raw.length > maxLength ? bad(`must be at most ${maxLength} characters, but has ${raw.length}`) : ok(raw);

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
