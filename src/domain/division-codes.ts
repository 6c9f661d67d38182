/**
 * GB/T 2260 administrative division codes: lookup, hierarchy and region-prefix scoping.
 *
 * A code is six digits: two for the province, two for the prefecture, two for the county.
 * Trailing "00" pairs mark the higher levels (330000 浙江省, 330100 杭州市, 330106 西湖区), so a
 * region is a prefix of digits ("33", "3301", "330106") and "is this record in my region" is a
 * string prefix test: no lookup, and it still works for codes abolished since the record was
 * written (old ID numbers keep them).
 */
import { DIVISION_CODE_LINES } from "./division-codes.data.ts";

export type DivisionLevel = "province" | "prefecture" | "county";

export interface Division {
  /** Six digits, e.g. "330106". */
  code: string;
  /** The official name, e.g. "西湖区". */
  name: string;
  level: DivisionLevel;
  /** The enclosing division's code; `null` for a province. */
  parentCode: string | null;
}

const SIX_DIGITS = /^\d{6}$/;
const PREFIX_SHAPE = /^(\d{2}|\d{4}|\d{6})$/;
// Placeholders GB/T 2260 puts at prefecture level under municipalities and for county-level
// units governed by the province: real codes, but not places anyone names in a message.
const PSEUDO_PREFECTURE_NAMES = new Set(["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]);

const byCode = new Map<string, Division>();
const childrenByCode = new Map<string, Division[]>();

for (const line of DIVISION_CODE_LINES.split("\n")) {
  const trimmed = line.trim();
  if (trimmed === "") continue;
  const space = trimmed.indexOf(" ");
  const code = trimmed.slice(0, space);
  const name = trimmed.slice(space + 1);
  const level = divisionLevel(code);
  byCode.set(code, { code, name, level, parentCode: null });
}

// Parents are resolved after every line is in, so the data needs no particular order.
for (const division of byCode.values()) {
  division.parentCode = parentCodeOf(division);
  if (division.parentCode !== null) {
    const siblings = childrenByCode.get(division.parentCode) ?? [];
    siblings.push(division);
    childrenByCode.set(division.parentCode, siblings);
  }
}
for (const siblings of childrenByCode.values()) siblings.sort(byCodeOrder);
// Callers get the shared objects: freezing them keeps one caller's edit from renaming a
// district for everyone.
for (const division of byCode.values()) Object.freeze(division);

function parentCodeOf(division: Division): string | null {
  switch (division.level) {
    case "province":
      return null;
    case "prefecture":
      return provinceOf(division.code);
    case "county": {
      // A county directly under its province (none in the current data) falls back to it.
      const prefecture = prefectureOf(division.code);
      return byCode.has(prefecture) ? prefecture : provinceOf(division.code);
    }
    default: {
      const unreachable: never = division.level;
      return unreachable;
    }
  }
}

function byCodeOrder(a: Division, b: Division): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

function requireSixDigits(code: string): void {
  if (!SIX_DIGITS.test(code)) {
    throw new RangeError(`division code must be 6 digits, but got ${JSON.stringify(code)}`);
  }
}

/**
 * The division with exactly this code, or `undefined` if the code is not in the current list.
 *
 * @example lookupDivision("330106") // { code: "330106", name: "西湖区", level: "county", parentCode: "330100" }
 */
export function lookupDivision(code: string): Division | undefined {
  return byCode.get(code);
}

/**
 * Whether the code is in the current division list.
 *
 * @example isKnownDivision("330103") // false: 下城区 was merged into 拱墅区 in 2021
 */
export function isKnownDivision(code: string): boolean {
  return byCode.has(code);
}

/**
 * The level a code denotes, read from its digits alone (the code need not exist):
 * xx0000 a province, xxyy00 a prefecture, anything else a county.
 *
 * @example divisionLevel("330100") // "prefecture"
 */
export function divisionLevel(code: string): DivisionLevel {
  requireSixDigits(code);
  if (code.endsWith("0000")) return "province";
  if (code.endsWith("00")) return "prefecture";
  return "county";
}

/**
 * The province-level code that contains `code`.
 *
 * @example provinceOf("330106") // "330000"
 */
export function provinceOf(code: string): string {
  requireSixDigits(code);
  return `${code.slice(0, 2)}0000`;
}

/**
 * The prefecture-level code that contains `code`; for a province code, the province itself.
 * Under a municipality this is its pseudo prefecture: prefectureOf("110105") is "110100" (市辖区).
 *
 * @example prefectureOf("330106") // "330100"
 */
export function prefectureOf(code: string): string {
  requireSixDigits(code);
  return `${code.slice(0, 4)}00`;
}

/**
 * The divisions directly under `code`, in code order. A municipality's direct child is its pseudo
 * prefecture (110000 → 110100 市辖区), whose children are the districts.
 *
 * @example childrenOf("330000").length // 11 prefecture-level cities
 */
export function childrenOf(code: string): Division[] {
  return [...(childrenByCode.get(code) ?? [])];
}

/**
 * Every county-level division within `code` (a province or a prefecture), in code order; for a
 * county code, none.
 *
 * @example countiesOf("330100").map((d) => d.name) // ["上城区", "拱墅区", …, "建德市"]
 */
export function countiesOf(code: string): Division[] {
  requireSixDigits(code);
  if (divisionLevel(code) === "county") return [];
  const prefix = regionPrefix(code);
  return [...byCode.values()].filter((d) => d.level === "county" && d.code.startsWith(prefix)).sort(byCodeOrder);
}

/**
 * All province-level divisions, in code order.
 *
 * @example provinces()[0] // { code: "110000", name: "北京市", level: "province", parentCode: null }
 */
export function provinces(): Division[] {
  return [...byCode.values()].filter((d) => d.level === "province").sort(byCodeOrder);
}

/**
 * The significant digits of a region: 2 for a province, 4 for a prefecture, 6 for a county.
 * Accepts a 6-digit code or an already short prefix of 2 or 4 digits.
 *
 * @example regionPrefix("330000") // "33"
 * @example regionPrefix("330100") // "3301"
 * @example regionPrefix("330106") // "330106"
 */
export function regionPrefix(code: string): string {
  if (!PREFIX_SHAPE.test(code)) {
    throw new RangeError(
      `region must be a 6-digit division code or a 2- or 4-digit prefix, but got ${JSON.stringify(code)}`,
    );
  }
  if (code.length < 6) return code;
  if (code.endsWith("0000")) return code.slice(0, 2);
  if (code.endsWith("00")) return code.slice(0, 4);
  return code;
}

/**
 * Checks a division code from outside (an import row, a mutation argument) and explains what is
 * wrong with it. Whitespace around it and full-width digits (spreadsheets) are tolerated.
 *
 * @example
 * validateDivisionCode("339999")
 * // { ok: false, message: 'division code "339999" is not a known division under 浙江省' }
 */
export function validateDivisionCode(input: string): { ok: true; value: Division } | { ok: false; message: string } {
  const code = input.normalize("NFKC").trim();
  if (!SIX_DIGITS.test(code)) {
    return { ok: false, message: `division code must be 6 digits, but got ${JSON.stringify(input)}` };
  }
  const division = byCode.get(code);
  if (division) return { ok: true, value: division };
  const province = byCode.get(provinceOf(code));
  if (!province) {
    return {
      ok: false,
      message: `division code must start with a province-level code, but "${code.slice(0, 2)}" in "${code}" is not one`,
    };
  }
  const prefecture = code.endsWith("00") ? undefined : byCode.get(prefectureOf(code));
  const under =
    prefecture && !PSEUDO_PREFECTURE_NAMES.has(prefecture.name)
      ? `${prefecture.name}, ${province.name}`
      : province.name;
  return { ok: false, message: `division code "${code}" is not a known division under ${under}` };
}
