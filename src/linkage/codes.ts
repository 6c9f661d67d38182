import { digitsAt } from "../domain/dates.ts";

/**
 * Identifiers as exact numbers (below 2^53), for the engine's number indexes (number-index.ts):
 * two values get the same number exactly when they are the same identifier. A value outside
 * the plain form a code covers gets NaN, and the engine keeps it as text instead.
 */

const DAY_SLOTS = 200 * 13 * 32;

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
 * A mainland mobile number in its 11-digit form → the number itself.
 *
 * @example phoneCode("13800001234") // 13800001234
 */
export function phoneCode(phone: string): number {
  return phone.length === 11 ? digitsAt(phone, 0, 11) : Number.NaN;
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
