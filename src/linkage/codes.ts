import { digitsAt } from "../domain/dates.ts";
import { idNumberCheckCharacter } from "../domain/id-number.ts";

/**
 * Identifiers as exact numbers (below 2^53), for the engine's number indexes (number-index.ts):
 * two values get the same number exactly when they are the same identifier. A value outside
 * the plain form a code covers gets NaN, and the engine keeps it as text instead.
 */

const DAY_SLOTS = 200 * 13 * 32;

/**
 * Where numbers for values without a code of their own begin (Vocabulary.textCode): above every
 * code below, so a value numbered by its text never equals one numbered by its digits.
 */
export const TEXT_CODE_BASE = 2 ** 52;

/**
 * A valid resident ID number → region × birth day × sequence (its check character follows from
 * the other 17). Covers birth years 1900–2099.
 *
 * @example idNumberCode("11010519491231002X") // 9160756799002
 * @example idNumberCode("1101051949123100２X") // NaN (not plain digits)
 */
export function idNumberCode(id: string): number {
  if (id.length !== 18) return Number.NaN;
  const region = digitsAt(id, 0, 6);
  const year = digitsAt(id, 6, 4);
  const month = digitsAt(id, 10, 2);
  const day = digitsAt(id, 12, 2);
  const sequence = digitsAt(id, 14, 3);
  // A character that is not a digit made its part NaN, and NaN carries through to the code.
  if (year < 1900 || year > 2099 || month > 12 || day > 31) return Number.NaN;
  const slot = ((year - 1900) * 13 + month) * 32 + day;
  return (region * DAY_SLOTS + slot) * 1000 + sequence;
}

/**
 * The division code an ID number's code holds (its first six digits: where it was issued), or
 * NaN for a value without a code of its own (Vocabulary.textCode).
 *
 * @example idNumberRegion(idNumberCode("11010519491231002X")) // 110105
 */
export function idNumberRegion(code: number): number {
  if (!(code < TEXT_CODE_BASE)) return Number.NaN;
  return Math.floor(Math.floor(code / 1000) / DAY_SLOTS);
}

/**
 * The codes of every ID number issued in a region for a birth day (any sequence): the lowest and
 * the highest. What a record naming a child's guardians predicts the child's ID number to be:
 * a child's hukou is a parent's, so its ID number begins with a guardian's region and its birth
 * date (second-look.ts).
 *
 * @example idNumberCodeRange(110105, 1949, 12, 31) // [9160756799000, 9160756799999]
 */
export function idNumberCodeRange(region: number, year: number, month: number, day: number): [number, number] {
  const slot = ((year - 1900) * 13 + month) * 32 + day;
  const low = (region * DAY_SLOTS + slot) * 1000;
  return [low, low + 999];
}

/**
 * A region, a birth day and a sex as one number (what idNumberCodeRange's codes share, with
 * the sex): the key a child's ID number and a record naming its guardians meet on.
 *
 * @example familyKey(110105, 1949, 12, 31, false) === idNumberFamilyKey(idNumberCode("11010519491231002X")) // true
 */
export function familyKey(region: number, year: number, month: number, day: number, male: boolean): number {
  return (idNumberCodeRange(region, year, month, day)[0] / 1000) * 2 + (male ? 0 : 1);
}

/** familyKey of an ID number's own code (NaN for a value without one). */
export function idNumberFamilyKey(code: number): number {
  if (!(code < TEXT_CODE_BASE)) return Number.NaN;
  const sequence = code % 1000;
  return ((code - sequence) / 1000) * 2 + (sequence % 2 === 1 ? 0 : 1);
}

/**
 * idNumberCode of the valid ID number at buf[start …], given its quickIdNumberVerdictOfBytes
 * (a decided one, whose half is the birth day's slot in the code): no string made.
 */
export function idNumberCodeOfBytes(buf: Uint8Array, start: number, verdict: number): number {
  let region = 0;
  for (let k = start; k < start + 6; k++) region = region * 10 + buf[k]! - 48;
  const sequence = (buf[start + 14]! - 48) * 100 + (buf[start + 15]! - 48) * 10 + (buf[start + 16]! - 48);
  return (region * DAY_SLOTS + Math.floor(verdict / 2)) * 1000 + sequence;
}

/**
 * The ID number an idNumberCode was made from (its check character worked out again).
 *
 * @example idNumberFromCode(9160756799002) // "11010519491231002X"
 */
export function idNumberFromCode(code: number): string {
  const sequence = code % 1000;
  const rest = (code - sequence) / 1000;
  const slot = rest % DAY_SLOTS;
  const region = (rest - slot) / DAY_SLOTS;
  const day = slot % 32;
  const month = ((slot - day) / 32) % 13;
  const year = 1900 + Math.floor(slot / (13 * 32));
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const first17 = `${pad(region, 6)}${year}${pad(month, 2)}${pad(day, 2)}${pad(sequence, 3)}`;
  return first17 + idNumberCheckCharacter(first17);
}

/**
 * A mainland mobile number in its 11-digit form → the number itself.
 *
 * @example phoneCode("13800001234") // 13800001234
 */
export function phoneCode(phone: string): number {
  return phone.length === 11 ? digitsAt(phone, 0, 11) : Number.NaN;
}

/** The phone a phoneCode was made from. */
export function phoneFromCode(code: number): string {
  return String(code);
}

/**
 * A birth certificate number (an upper-case letter and nine digits) → letter × 10^9 + digits.
 *
 * @example certificateCode("P330106123") // 15330106123
 */
export function certificateCode(bc: string): number {
  const letter = bc.charCodeAt(0) - 65;
  if (bc.length !== 10 || letter < 0 || letter > 25) return Number.NaN;
  return letter * 1e9 + digitsAt(bc, 1, 9);
}

/** The birth certificate number a certificateCode was made from. */
export function certificateFromCode(code: number): string {
  const digits = code % 1e9;
  return String.fromCharCode(65 + (code - digits) / 1e9) + String(digits).padStart(9, "0");
}

/**
 * A guardian's name (normaliseGuardianName's form) as a number: two 32-bit FNV-1a hashes of its
 * UTF-16 code units, 52 bits in all. Names are only ever compared for equality, so a hash keeps
 * a province's parents' names out of the vocabulary (millions of strings); two different names
 * share a code once in 2^52.
 *
 *   guardianNameCode("刘建天") === guardianNameCode("刘建天") // true
 */
export function guardianNameCode(name: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ name.length;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ (c + 0x9e37), 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0) * 1_048_576 + ((b >>> 0) & 0xfffff);
}
