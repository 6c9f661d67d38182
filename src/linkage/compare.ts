import type { IsoDate } from "../domain/dates.ts";
import { areConfusable } from "./confusions.ts";
import { DATES, ID_NUMBERS, INVALID_IDS, NAMES, REGIONS, type ProfileTable } from "./profile.ts";
import type { NameFeature } from "./types.ts";
import { partsOf, type DateParts } from "./vocabulary.ts";

/**
 * Field comparisons. Each gives an agreement level, never a number: the score (score.ts) turns
 * levels into weights, so the two can be tested and tuned apart. Levels are small numbers in
 * rank order (a better agreement is a larger number; the *_LEVELS lists name them). Two groups
 * of records (profile rows) agree as well as their best-agreeing pair of values; MISSING when
 * either side has no usable value (a placeholder name is not a value).
 */

export const NAME_LEVELS = ["MISSING", "DIFFERENT", "SIMILAR", "VARIANT", "EXACT"] as const;
export const DATE_LEVELS = ["MISSING", "DIFFERENT", "ONE_DAY", "TRANSPOSED", "EXACT"] as const;
export const SEX_LEVELS = ["MISSING", "DIFFERENT", "AGREE"] as const;
export const ID_LEVELS = ["MISSING", "DIFFERENT", "NEAR", "EXACT"] as const;
export const SHARED_LEVELS = ["MISSING", "DIFFERENT", "AGREE"] as const;
export const REGION_LEVELS = ["MISSING", "DIFFERENT", "SAME_PREFECTURE", "SAME_COUNTY"] as const;

export type NameLevel = (typeof NAME_LEVELS)[number];
export type DateLevel = (typeof DATE_LEVELS)[number];
export type SexLevel = (typeof SEX_LEVELS)[number];
export type IdLevel = (typeof ID_LEVELS)[number];
export type SharedLevel = (typeof SHARED_LEVELS)[number];
export type RegionLevel = (typeof REGION_LEVELS)[number];

// The levels as numbers (their index in the lists above).
export const MISSING = 0;
export const DIFFERENT = 1;
const SIMILAR = 2;
const VARIANT = 3;
export const NAME_EXACT = 4;
const ONE_DAY = 2;
const TRANSPOSED = 3;
const DATE_EXACT = 4;
const AGREE = 2;
const NEAR = 2;
export const ID_EXACT = 3;
const SAME_PREFECTURE = 2;
const SAME_COUNTY = 3;

/**
 * How alike two names are:
 * - EXACT: the same characters;
 * - VARIANT: the same length, and every differing character a known homophone or look-alike
 *   (王子轩 / 王梓萱);
 * - SIMILAR: same surname, given names one edit apart by characters not known to be confusable
 *   (王浩宇 / 王浩然 — could be a slip, could be a sibling: worth nothing on its own);
 * - DIFFERENT otherwise.
 *
 * @example
 * compareName({ full: "王子轩", surname: "王", given: "子轩" }, { full: "王梓萱", surname: "王", given: "梓萱" })
 * // "VARIANT"
 */
export function compareName(a: NameFeature, b: NameFeature): Exclude<NameLevel, "MISSING"> {
  return NAME_LEVELS[nameLevel(a, b)] as Exclude<NameLevel, "MISSING">;
}

/** compareName's level as a number. */
export function nameLevel(a: NameFeature, b: NameFeature): number {
  if (a.full === b.full) return NAME_EXACT;
  // By code point; a name without surrogate pairs (nearly every name) is indexed as it is.
  const x: ArrayLike<string> = hasSurrogates(a.full) ? [...a.full] : a.full;
  const y: ArrayLike<string> = hasSurrogates(b.full) ? [...b.full] : b.full;
  if (x.length === y.length) {
    let allConfusable = true;
    let differing = 0;
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      differing++;
      if (!areConfusable(x[i]!, y[i]!)) allConfusable = false;
    }
    if (allConfusable) return VARIANT;
    if (a.surname === b.surname && differing === 1 && a.given.length > 0) return SIMILAR;
    return DIFFERENT;
  }
  if (a.surname === b.surname && Math.abs(x.length - y.length) === 1 && oneInsertionApart(a.given, b.given))
    return SIMILAR;
  return DIFFERENT;
}

function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** Whether deleting one character (by code point) from the longer of two strings gives the shorter. */
function oneInsertionApart(a: string, b: string): boolean {
  if (hasSurrogates(a) || hasSurrogates(b)) {
    const [x, y] = [[...a], [...b]];
    return x.length < y.length ? oneDeletionGives(y, x) : oneDeletionGives(x, y);
  }
  return a.length < b.length ? oneDeletionGives(b, a) : oneDeletionGives(a, b);
}

function oneDeletionGives(long: ArrayLike<string>, short: ArrayLike<string>): boolean {
  if (short.length === 0 || long.length !== short.length + 1) return false;
  // The first difference is the only place the extra character can be.
  let at = 0;
  while (at < short.length && long[at] === short[at]) at++;
  for (let k = at; k < short.length; k++) if (long[k + 1] !== short[k]) return false;
  return true;
}

/**
 * How alike two birth dates are, allowing for the slips clerks make: EXACT; TRANSPOSED when
 * day and month are swapped (2019-03-05 / 2019-05-03); ONE_DAY when one day apart.
 *
 * @example compareBirthDate("2019-03-05", "2019-05-03") // "TRANSPOSED"
 * @example compareBirthDate("2019-12-31", "2020-01-01") // "ONE_DAY"
 */
export function compareBirthDate(a: IsoDate, b: IsoDate): Exclude<DateLevel, "MISSING"> {
  return DATE_LEVELS[a === b ? DATE_EXACT : dateLevel(partsOf(a), partsOf(b))] as Exclude<DateLevel, "MISSING">;
}

/** compareBirthDate's level as a number, for two different dates. */
export function dateLevel(a: DateParts, b: DateParts): number {
  if (a.year === b.year && a.month === b.day && a.day === b.month) return TRANSPOSED;
  if (Math.abs(a.dayNumber - b.dayNumber) === 1) return ONE_DAY;
  return DIFFERENT;
}

/*
 * Comparisons of two profile rows, whose layouts the caller loaded (ProfileTable.loadPair):
 * `left` and `right` say where each field's values lie in the table's data.
 */

/** The best name agreement between two profiles' real names. */
export function namesLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  if (left[NAMES] === left[NAMES + 1] || right[NAMES] === right[NAMES + 1]) return MISSING;
  const features = p.vocabulary.names;
  let best = DIFFERENT;
  for (let i = left[NAMES]!; i < left[NAMES + 1]!; i++) {
    const x = data[i]!;
    for (let j = right[NAMES]!; j < right[NAMES + 1]!; j++) {
      const y = data[j]!;
      if (x === y) return NAME_EXACT;
      const level = nameLevel(features[x]!, features[y]!);
      if (level > best) best = level;
    }
  }
  return best;
}

/** The best birth date agreement between two profiles' dates. */
export function datesLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  if (left[DATES] === left[DATES + 1] || right[DATES] === right[DATES + 1]) return MISSING;
  const parts = p.vocabulary.dateParts;
  let best = DIFFERENT;
  for (let i = left[DATES]!; i < left[DATES + 1]!; i++) {
    const x = data[i]!;
    for (let j = right[DATES]!; j < right[DATES + 1]!; j++) {
      const y = data[j]!;
      if (x === y) return DATE_EXACT;
      const level = dateLevel(parts[x]!, parts[y]!);
      if (level > best) best = level;
    }
  }
  return best;
}

/** AGREE when the profiles share a sex (a profile may hold both, when its records disagree). */
export function sexLevel(x: number, y: number): number {
  if (x === 0 || y === 0) return MISSING;
  return (x & y) !== 0 ? AGREE : DIFFERENT;
}

/**
 * Resident ID numbers: EXACT when both sides carry the same valid number (whether or not it
 * was trusted for the exact link); NEAR when a number that failed validation is one character
 * off a valid one on the other side (a mistyped digit), or off the other side's invalid one;
 * DIFFERENT when both carry numbers and none of them agree.
 */
export function idNumbersLevel(p: ProfileTable): number {
  const { left, right } = p;
  // Neither valid nor invalid numbers (the two fields lie side by side).
  if (left[ID_NUMBERS] === left[INVALID_IDS + 1] || right[ID_NUMBERS] === right[INVALID_IDS + 1]) return MISSING;
  if (shares(p, ID_NUMBERS)) return ID_EXACT;
  if (left[INVALID_IDS] === left[INVALID_IDS + 1] && right[INVALID_IDS] === right[INVALID_IDS + 1]) return DIFFERENT;
  const v = p.vocabulary;
  const texts = (layout: Int32Array, field: number, text: (code: number) => string) =>
    Array.from(p.data.subarray(layout[field]!, layout[field + 1]!), text);
  const [aValid, bValid] = [
    texts(left, ID_NUMBERS, (c) => v.idNumberOf(c)),
    texts(right, ID_NUMBERS, (c) => v.idNumberOf(c)),
  ];
  const [aInvalid, bInvalid] = [
    texts(left, INVALID_IDS, (c) => v.textOf(c)),
    texts(right, INVALID_IDS, (c) => v.textOf(c)),
  ];
  const near = (xs: readonly string[], ys: readonly string[]) => xs.some((x) => ys.some((y) => hammingAtMostOne(x, y)));
  if (near(aInvalid, bValid) || near(bInvalid, aValid) || near(aInvalid, bInvalid)) return NEAR;
  return DIFFERENT;
}

function hammingAtMostOne(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++differing > 1) return false;
  return true;
}

/**
 * Values that identify a family rather than the child (guardians' ID numbers, phones): AGREE
 * when the profiles share one, DIFFERENT when both have some and share none.
 */
export function sharedLevel(p: ProfileTable, field: number): number {
  const { left, right } = p;
  if (left[field] === left[field + 1] || right[field] === right[field + 1]) return MISSING;
  return shares(p, field) ? AGREE : DIFFERENT;
}

/**
 * Where the records place the child: the same county, the same prefecture (the first four
 * digits, the insurance coordination area), or neither. A prefecture-level code (330100, as
 * insurance areas are written) agrees with any county in it, but two of them are no county.
 */
export function regionsLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  if (left[REGIONS] === left[REGIONS + 1] || right[REGIONS] === right[REGIONS + 1]) return MISSING;
  let best = DIFFERENT;
  for (let i = left[REGIONS]!; i < left[REGIONS + 1]!; i++) {
    const x = data[i]!;
    for (let j = right[REGIONS]!; j < right[REGIONS + 1]!; j++) {
      const y = data[j]!;
      if (x === y && x % 100 !== 0) return SAME_COUNTY;
      if (Math.floor(x / 100) === Math.floor(y / 100)) best = SAME_PREFECTURE;
    }
  }
  return best;
}

/** Whether the two loaded profiles hold a value of `field` in common. */
export function shares(p: ProfileTable, field: number): boolean {
  const { data, left, right } = p;
  for (let i = left[field]!; i < left[field + 1]!; i++) {
    const value = data[i]!;
    for (let j = right[field]!; j < right[field + 1]!; j++) if (data[j] === value) return true;
  }
  return false;
}

/** Both loaded profiles hold values of `field`, and none in common (two ID numbers, two certificates). */
export function disjoint(p: ProfileTable, field: number): boolean {
  const { left, right } = p;
  return left[field] !== left[field + 1] && right[field] !== right[field + 1] && !shares(p, field);
}
