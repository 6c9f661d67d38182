/**
 * Calendar dates as ISO strings, "YYYY-MM-DD".
 *
 * A birth date or a coverage deadline is a day on the calendar, not an instant: a `Date` would
 * carry a time zone in with it and put a child born on 1 January in the previous year for any
 * server west of Greenwich. Strings compare and serialise as they are; the arithmetic below
 * runs on whole days in UTC, where no day is 23 or 25 hours long.
 */

/** A calendar date written "YYYY-MM-DD", years 0001–9999. */
export type IsoDate = string;

const ISO_DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DATE_SHAPE = /^(\d{4})(\d{2})(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

// Date.UTC reads the years 0–99 as 1900–1999. Shifting every year by one 400-year Gregorian
// cycle, which is always exactly 146,097 days, keeps it out of that range and changes nothing
// else (leap years and weekdays repeat with the cycle).
const CYCLE_YEARS = 400;
const CYCLE_DAYS = 146_097;

interface DateFields {
  year: number;
  month: number;
  day: number;
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The ASCII digits of `s` from `start` as a number, or NaN when one of them is not a digit:
 * for code that reads millions of fixed-width identifiers without making substrings.
 *
 * @example digitsAt("2019-03-15", 5, 2) // 3
 */
export function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    n = n * 10 + digit;
  }
  return n;
}

function fieldsIfValid(year: number, month: number, day: number): DateFields | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function parseFields(s: string, shape: RegExp): DateFields | undefined {
  const match = shape.exec(s);
  if (!match) return undefined;
  return fieldsIfValid(Number(match[1]), Number(match[2]), Number(match[3]));
}

function fieldsOf(d: IsoDate): DateFields {
  const fields = parseFields(d, ISO_DATE_SHAPE);
  if (!fields) {
    throw new RangeError(`expected an ISO date "YYYY-MM-DD" that exists in the calendar, but got ${JSON.stringify(d)}`);
  }
  return fields;
}

function format({ year, month, day }: DateFields): IsoDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function dayNumber({ year, month, day }: DateFields): number {
  return Date.UTC(year + CYCLE_YEARS, month - 1, day) / MS_PER_DAY - CYCLE_DAYS;
}

function fromDayNumber(n: number): IsoDate {
  const date = new Date((n + CYCLE_DAYS) * MS_PER_DAY);
  const year = date.getUTCFullYear() - CYCLE_YEARS;
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(
      `date arithmetic must stay within the years ${MIN_YEAR}–${MAX_YEAR}, but reached the year ${year}`,
    );
  }
  return format({ year, month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

function requireInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a whole number, but got ${n}`);
}

/**
 * Whether `s` is a date in the form "YYYY-MM-DD" that exists in the calendar.
 *
 * @example isValidIsoDate("2024-02-29") // true: 2024 is a leap year
 * @example isValidIsoDate("2023-02-29") // false
 */
export function isValidIsoDate(s: string): boolean {
  return parseFields(s, ISO_DATE_SHAPE) !== undefined;
}

/**
 * The ISO date for a compact "YYYYMMDD" date, as written inside ID and student numbers, or
 * `undefined` when it is not a real calendar date.
 *
 * @example isoDateFromCompact("20240229") // "2024-02-29"
 * @example isoDateFromCompact("20230229") // undefined
 */
export function isoDateFromCompact(compact: string): IsoDate | undefined {
  const fields = parseFields(compact, COMPACT_DATE_SHAPE);
  return fields && format(fields);
}

/**
 * The date `n` days after `d` (before it when `n` is negative).
 *
 * @example addDays("2024-12-31", 1) // "2025-01-01"
 */
export function addDays(d: IsoDate, n: number): IsoDate {
  requireInteger("the number of days", n);
  return fromDayNumber(dayNumber(fieldsOf(d)) + n);
}

/**
 * The same day of the month `n` months after `d`; when that month is shorter, its last day.
 * This is how a waiting period "of 3 months" from 31 May ends on 31 August but one from
 * 30 November ends on 28 or 29 February.
 *
 * @example addMonths("2025-01-31", 1) // "2025-02-28"
 */
export function addMonths(d: IsoDate, n: number): IsoDate {
  requireInteger("the number of months", n);
  const { year, month, day } = fieldsOf(d);
  const monthIndex = year * 12 + (month - 1) + n;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  if (targetYear < MIN_YEAR || targetYear > MAX_YEAR) {
    throw new RangeError(
      `date arithmetic must stay within the years ${MIN_YEAR}–${MAX_YEAR}, but reached the year ${targetYear}`,
    );
  }
  return format({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

/**
 * The day's number: days since 1970-01-01 (negative before), for arithmetic on many dates.
 *
 * @example dayNumberOf("1970-01-02") // 1
 */
export function dayNumberOf(d: IsoDate): number {
  return dayNumber(fieldsOf(d));
}

/**
 * Days from `from` to `to`: positive when `to` is later.
 *
 * @example daysBetween("2024-02-28", "2024-03-01") // 2
 */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(fieldsOf(to)) - dayNumber(fieldsOf(from));
}

/**
 * The calendar year of `d`.
 *
 * @example yearOf("2024-12-31") // 2024
 */
export function yearOf(d: IsoDate): number {
  return fieldsOf(d).year;
}

/**
 * Completed years of age on `asOf` (周岁): the birthday itself counts.
 *
 * A child born on 29 February turns a year older on 1 March in years without a 29 February
 * (and on 29 February in leap years). That is what comparing (month, day) pairs gives, and it
 * never makes a child older before they have lived the full year.
 *
 * @example ageInYears("2020-02-29", "2023-02-28") // 2
 * @example ageInYears("2020-02-29", "2023-03-01") // 3
 */
export function ageInYears(birth: IsoDate, asOf: IsoDate): number {
  const b = fieldsOf(birth);
  const a = fieldsOf(asOf);
  if (dayNumber(a) < dayNumber(b)) {
    throw new RangeError(`age needs an as-of date on or after the birth date ${birth}, but got ${asOf}`);
  }
  const birthdayPassed = a.month > b.month || (a.month === b.month && a.day >= b.day);
  return a.year - b.year - (birthdayPassed ? 0 : 1);
}

/**
 * Orders two dates: negative when `a` is earlier, positive when later, 0 when equal. Usable as
 * an `Array.prototype.sort` comparator.
 *
 * @example ["2025-01-01", "2024-12-31"].sort(compareIsoDates) // ["2024-12-31", "2025-01-01"]
 */
export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  fieldsOf(a);
  fieldsOf(b);
  // Fixed-width, zero-padded, most significant field first: string order is date order.
  return a < b ? -1 : a > b ? 1 : 0;
}
