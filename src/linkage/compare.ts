import { daysBetween, type IsoDate } from "../domain/dates.ts";
import type { Sex } from "../domain/id-number.ts";
import { areConfusable } from "./confusions.ts";
import type { NameFeature } from "./types.ts";

/**
 * Field comparisons. Each returns an agreement level, never a number: the score (score.ts)
 * turns levels into weights, so the two can be tested and tuned apart. Every comparison takes
 * the values of two groups of records and answers with the best agreement between any two of
 * them; MISSING when either side has no usable value (a placeholder name is not a value).
 */

export type NameLevel = "EXACT" | "VARIANT" | "SIMILAR" | "DIFFERENT" | "MISSING";
export type DateLevel = "EXACT" | "TRANSPOSED" | "ONE_DAY" | "DIFFERENT" | "MISSING";
export type SexLevel = "AGREE" | "DIFFERENT" | "MISSING";
export type IdLevel = "EXACT" | "NEAR" | "DIFFERENT" | "MISSING";
export type SharedLevel = "AGREE" | "DIFFERENT" | "MISSING";
export type RegionLevel = "SAME_COUNTY" | "SAME_PREFECTURE" | "DIFFERENT" | "MISSING";

const NAME_RANK: Record<NameLevel, number> = { EXACT: 4, VARIANT: 3, SIMILAR: 2, DIFFERENT: 1, MISSING: 0 };
const DATE_RANK: Record<DateLevel, number> = { EXACT: 4, TRANSPOSED: 3, ONE_DAY: 2, DIFFERENT: 1, MISSING: 0 };

/**
 * How alike two names are:
 * - EXACT: the same characters;
 * - VARIANT: the same length, and every differing character a known homophone or look-alike
 *   (王子轩 / 王梓萱);
 * - SIMILAR: same surname, given names one edit apart by characters not known to be confusable
 *   (王浩宇 / 王浩然 — could be a slip, could be a sibling: worth nothing on its own);
 * - DIFFERENT otherwise.
 *
 * @example compareName({ full: "王子轩", surname: "王", given: "子轩" }, { full: "王梓萱", surname: "王", given: "梓萱" }) // "VARIANT"
 */
export function compareName(a: NameFeature, b: NameFeature): Exclude<NameLevel, "MISSING"> {
  if (a.full === b.full) return "EXACT";
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
    if (allConfusable) return "VARIANT";
    if (a.surname === b.surname && differing === 1 && a.given.length > 0) return "SIMILAR";
    return "DIFFERENT";
  }
  if (a.surname === b.surname && Math.abs(x.length - y.length) === 1 && oneInsertionApart(a.given, b.given)) return "SIMILAR";
  return "DIFFERENT";
}

function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

function oneInsertionApart(a: string, b: string): boolean {
  const [short, long] = a.length < b.length ? [[...a], [...b]] : [[...b], [...a]];
  if (short.length === 0) return false;
  for (let skip = 0; skip < long.length; skip++) {
    if (long.filter((_, i) => i !== skip).join("") === short.join("")) return true;
  }
  return false;
}

/**
 * The best name agreement between two groups' real names (placeholders were dropped when the
 * records were normalised, so they can never agree).
 *
 * @example compareNames([], [{ full: "王子轩", surname: "王", given: "子轩" }]) // "MISSING"
 */
export function compareNames(a: readonly NameFeature[], b: readonly NameFeature[]): NameLevel {
  if (a.length === 0 || b.length === 0) return "MISSING";
  let best: NameLevel = "DIFFERENT";
  for (const x of a) {
    for (const y of b) {
      const level = compareName(x, y);
      if (NAME_RANK[level] > NAME_RANK[best]) best = level;
      if (best === "EXACT") return best;
    }
  }
  return best;
}

/**
 * How alike two birth dates are, allowing for the slips clerks make: EXACT; TRANSPOSED when
 * day and month are swapped (2019-03-05 / 2019-05-03); ONE_DAY when one day apart.
 *
 * @example compareBirthDate("2019-03-05", "2019-05-03") // "TRANSPOSED"
 * @example compareBirthDate("2019-12-31", "2020-01-01") // "ONE_DAY"
 */
export function compareBirthDate(a: IsoDate, b: IsoDate): Exclude<DateLevel, "MISSING"> {
  if (a === b) return "EXACT";
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7)) return "TRANSPOSED";
  if (Math.abs(daysBetween(a, b)) === 1) return "ONE_DAY";
  return "DIFFERENT";
}

/** The best birth date agreement between two groups' dates. */
export function compareBirthDates(a: readonly IsoDate[], b: readonly IsoDate[]): DateLevel {
  if (a.length === 0 || b.length === 0) return "MISSING";
  let best: DateLevel = "DIFFERENT";
  for (const x of a) {
    for (const y of b) {
      const level = compareBirthDate(x, y);
      if (DATE_RANK[level] > DATE_RANK[best]) best = level;
      if (best === "EXACT") return best;
    }
  }
  return best;
}

/**
 * @example compareSexes(["M"], ["M", "F"]) // "AGREE"
 */
export function compareSexes(a: readonly Sex[], b: readonly Sex[]): SexLevel {
  if (a.length === 0 || b.length === 0) return "MISSING";
  return a.some((s) => b.includes(s)) ? "AGREE" : "DIFFERENT";
}

/**
 * Resident ID numbers: EXACT when both sides carry the same valid number (whether or not it
 * was trusted for the exact link); NEAR when a number that failed validation is one character
 * off a valid one on the other side (a mistyped digit); DIFFERENT when both carry numbers and
 * none of them agree.
 *
 * @example compareIdNumbers(["330106201903150134"], [], [], ["330106201903150164"]) // "NEAR"
 */
export function compareIdNumbers(aValid: readonly string[], aInvalid: readonly string[], bValid: readonly string[], bInvalid: readonly string[]): IdLevel {
  if ((aValid.length === 0 && aInvalid.length === 0) || (bValid.length === 0 && bInvalid.length === 0)) return "MISSING";
  if (aValid.some((id) => bValid.includes(id))) return "EXACT";
  const near = (xs: readonly string[], ys: readonly string[]) => xs.some((x) => ys.some((y) => hammingAtMostOne(x, y)));
  if (near(aInvalid, bValid) || near(bInvalid, aValid) || near(aInvalid, bInvalid)) return "NEAR";
  return "DIFFERENT";
}

function hammingAtMostOne(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++differing > 1) return false;
  return true;
}

/**
 * Values that identify a family rather than the child (guardians' ID numbers, phones): AGREE
 * when the groups share one, DIFFERENT when both have some and share none.
 *
 * @example compareShared(["13800001234"], ["13900004321", "13800001234"]) // "AGREE"
 */
export function compareShared(a: readonly string[], b: readonly string[]): SharedLevel {
  if (a.length === 0 || b.length === 0) return "MISSING";
  return a.some((x) => b.includes(x)) ? "AGREE" : "DIFFERENT";
}

/**
 * Where the records place the child: the same county, the same prefecture (the first four
 * digits, the insurance coordination area), or neither. A prefecture-level code (330100, as
 * insurance areas are written) agrees with any county in it.
 *
 * @example compareRegions(["330106"], ["330100"]) // "SAME_PREFECTURE"
 */
export function compareRegions(a: readonly string[], b: readonly string[]): RegionLevel {
  if (a.length === 0 || b.length === 0) return "MISSING";
  if (a.some((x) => b.includes(x) && !x.endsWith("00"))) return "SAME_COUNTY";
  if (a.some((x) => b.some((y) => x.slice(0, 4) === y.slice(0, 4)))) return "SAME_PREFECTURE";
  return "DIFFERENT";
}
