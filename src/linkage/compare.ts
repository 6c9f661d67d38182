import type { IsoDate } from "../domain/dates.ts";
import { areConfusable } from "./confusions.ts";
import { idNumberRegion, TEXT_CODE_BASE } from "./codes.ts";
import {
  DATES,
  GUARDIAN_IDS,
  ID_NUMBERS,
  INVALID_IDS,
  NAMES,
  REGIONS,
  SURNAMES,
  TRUSTED_IDS,
  type ProfileTable,
} from "./profile.ts";
import type { NameFeature } from "./types.ts";
import { partsOf, type DateParts } from "./vocabulary.ts";

/**
 * Field comparisons. Each gives an agreement level, never a number: the score (score.ts) turns
 * levels into weights, so the two can be tested and tuned apart. Levels are small numbers in
 * rank order (a better agreement is a larger number; the *_LEVELS lists name them). Two groups
 * of records (profile rows) agree as well as their best-agreeing pair of values; MISSING when
 * either side has no usable value (a placeholder name is not a value).
 */

export const NAME_LEVELS = [
  "MISSING",
  "DIFFERENT",
  "OTHER_SURNAME",
  "SAME_SURNAME",
  "SIMILAR",
  "VARIANT",
  "EXACT",
] as const;
export const DATE_LEVELS = ["MISSING", "DIFFERENT", "ONE_DAY", "TRANSPOSED", "EXACT"] as const;
export const SEX_LEVELS = ["MISSING", "DIFFERENT", "AGREE"] as const;
export const ID_LEVELS = ["MISSING", "DIFFERENT", "NEAR", "EXACT"] as const;
export const SHARED_LEVELS = ["MISSING", "DIFFERENT", "AGREE"] as const;
export const REGION_LEVELS = ["MISSING", "DIFFERENT", "SAME_PREFECTURE", "SAME_COUNTY"] as const;
export const FAMILY_LEVELS = ["MISSING", "DIFFERENT", "AGREE_LOCAL", "AGREE"] as const;

export type NameLevel = (typeof NAME_LEVELS)[number];
export type DateLevel = (typeof DATE_LEVELS)[number];
export type SexLevel = (typeof SEX_LEVELS)[number];
export type IdLevel = (typeof ID_LEVELS)[number];
export type SharedLevel = (typeof SHARED_LEVELS)[number];
export type RegionLevel = (typeof REGION_LEVELS)[number];
export type FamilyLevel = (typeof FAMILY_LEVELS)[number];

// The levels as numbers (their index in the lists above).
export const MISSING = 0;
export const DIFFERENT = 1;
export const OTHER_SURNAME = 2;
export const SAME_SURNAME = 3;
export const SIMILAR = 4;
const VARIANT = 5;
export const NAME_EXACT = 6;
const ONE_DAY = 2;
const TRANSPOSED = 3;
const DATE_EXACT = 4;
const AGREE = 2;
const NEAR = 2;
export const ID_EXACT = 3;
const SAME_PREFECTURE = 2;
const SAME_COUNTY = 3;
const AGREE_LOCAL = 2;
const FAMILY_AGREE = 3;

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

/**
 * The best name agreement between two profiles' real names; when one side has none, whether
 * the surnames agree (a placeholder's 王之子 against 王子轩: SAME_SURNAME or OTHER_SURNAME).
 */
export function namesLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  if (left[NAMES] === left[NAMES + 1] || right[NAMES] === right[NAMES + 1]) return surnamesLevel(p);
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

/**
 * Surnames, for two profiles of which one (or both) holds no real name: a side's surnames are
 * its real names' when it has some, else its placeholders'. MISSING when a side has none.
 */
function surnamesLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  const leftField = left[NAMES] !== left[NAMES + 1] ? NAMES : SURNAMES;
  const rightField = right[NAMES] !== right[NAMES + 1] ? NAMES : SURNAMES;
  if (left[leftField] === left[leftField + 1] || right[rightField] === right[rightField + 1]) return MISSING;
  for (let i = left[leftField]!; i < left[leftField + 1]!; i++) {
    const ours = surnameOf(p, leftField, data[i]!);
    for (let j = right[rightField]!; j < right[rightField + 1]!; j++)
      if (surnameOf(p, rightField, data[j]!) === ours) return SAME_SURNAME;
  }
  return OTHER_SURNAME;
}

/** The surname of a NAMES value (a real name's) or a SURNAMES value (a placeholder's). */
function surnameOf(p: ProfileTable, field: number, value: number): string {
  return field === NAMES ? p.vocabulary.names[value]!.surname : p.vocabulary.surnames[value]!;
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
 * Guardians' ID numbers: AGREE when the profiles share one; DIFFERENT only when both name a
 * guardian of the same sex (the parity of an ID number's sequence) and none is shared; MISSING
 * otherwise. A birth certificate names both parents, a household record often only the mother
 * and a clinic's file no one: one side's father and the other side's mother are no
 * disagreement, only two halves of one family (measured: 49 of 265 missed links in a
 * 100,000-child province were this). A number without a code of its own (not a plain valid
 * number) is taken to be of either sex.
 */
export function guardiansLevel(p: ProfileTable): number {
  const { data, left, right } = p;
  if (left[GUARDIAN_IDS] === left[GUARDIAN_IDS + 1] || right[GUARDIAN_IDS] === right[GUARDIAN_IDS + 1]) return MISSING;
  if (shares(p, GUARDIAN_IDS)) return AGREE;
  let leftSexes = 0;
  for (let i = left[GUARDIAN_IDS]!; i < left[GUARDIAN_IDS + 1]!; i++) leftSexes |= guardianSexBits(data[i]!);
  for (let j = right[GUARDIAN_IDS]!; j < right[GUARDIAN_IDS + 1]!; j++)
    if ((guardianSexBits(data[j]!) & leftSexes) !== 0) return DIFFERENT;
  return MISSING;
}

/** 1 for a man's ID number code, 2 for a woman's (odd or even sequence), 3 when the code does not tell. */
function guardianSexBits(code: number): number {
  if (code >= TEXT_CODE_BASE) return 3;
  return (code % 1000) % 2 === 1 ? 1 : 2;
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

/**
 * A child's ID number against the other side's guardians: the region an ID number begins with
 * is where the child's hukou was registered, which is a parent's (the region their own ID
 * number begins with). AGREE when a trusted ID number on one side begins with the region of a
 * guardian's ID number on the other, and that region is none of the counties the records place
 * the child in (a hukou elsewhere: few children share it, so it tells); AGREE_LOCAL when it is
 * one of them (most children there share it); DIFFERENT when one side holds the child's ID
 * number, the other its guardians', and no region agrees; MISSING otherwise.
 */
export function familyLevel(p: ProfileTable): number {
  const { left, right } = p;
  const leftIds = left[TRUSTED_IDS + 1]! - left[TRUSTED_IDS]!;
  const rightIds = right[TRUSTED_IDS + 1]! - right[TRUSTED_IDS]!;
  const leftGuardians = left[GUARDIAN_IDS + 1]! - left[GUARDIAN_IDS]!;
  const rightGuardians = right[GUARDIAN_IDS + 1]! - right[GUARDIAN_IDS]!;
  let best = MISSING;
  if (leftIds > 0 && rightGuardians > 0) best = familyAgreement(p, left, right);
  if (best !== FAMILY_AGREE && rightIds > 0 && leftGuardians > 0)
    best = Math.max(best, familyAgreement(p, right, left));
  return best;
}

/** How the regions of `ids`'s trusted ID numbers agree with those of `guardians`'s guardians. */
function familyAgreement(p: ProfileTable, ids: Int32Array, guardians: Int32Array): number {
  const data = p.data;
  let best = DIFFERENT;
  for (let i = ids[TRUSTED_IDS]!; i < ids[TRUSTED_IDS + 1]!; i++) {
    const region = idNumberRegion(data[i]!);
    for (let j = guardians[GUARDIAN_IDS]!; j < guardians[GUARDIAN_IDS + 1]!; j++) {
      if (idNumberRegion(data[j]!) !== region) continue;
      if (!placedIn(p, region)) return FAMILY_AGREE;
      best = AGREE_LOCAL;
    }
  }
  return best;
}

/** Whether either loaded profile places the child in this county. */
function placedIn(p: ProfileTable, county: number): boolean {
  const { data, left, right } = p;
  for (let i = left[REGIONS]!; i < left[REGIONS + 1]!; i++) if (data[i] === county) return true;
  for (let j = right[REGIONS]!; j < right[REGIONS + 1]!; j++) if (data[j] === county) return true;
  return false;
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
