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
