import { maskIdNumber, maskPhone } from "../domain/id-number.ts";
import type { MaskKind } from "./policy.ts";

export { maskIdNumber, maskPhone };

/**
 * A student number with the identifier inside it masked, its kind letter kept: a `G` number is
 * "G" + the full ID number, a `J` code has the same shape, an `L` number carries an area code
 * and a birth date; all three keep the first 6 and last 4 characters after the letter, as an ID
 * number does. Anything else is hidden entirely.
 *
 * @example maskStudentNumber("G11010519491231002X") // "G110105********002X"
 * @example maskStudentNumber("L330106201903150001") // "L330106********0001"
 */
export function maskStudentNumber(studentNumber: string): string {
  const value = studentNumber.trim();
  const kind = value.charAt(0).toUpperCase();
  if ((kind === "G" || kind === "J" || kind === "L") && value.length > 1) return `${kind}${maskIdNumber(value.slice(1))}`;
  return "*".repeat([...value].length);
}

/**
 * A birth medical certificate number (one letter and 9 digits) with all but its letter and last
 * 4 digits hidden.
 *
 * @example maskCertificateNumber("O330012345") // "O*****2345"
 */
export function maskCertificateNumber(certificateNumber: string): string {
  const characters = [...certificateNumber.trim()];
  if (characters.length <= 5) return "*".repeat(characters.length);
  return `${characters[0]}${"*".repeat(characters.length - 5)}${characters.slice(-4).join("")}`;
}

/**
 * Masks a field's value by kind; null and undefined pass through (a missing value is not a leak),
 * and so does every element of a list.
 *
 * @example maskValue("idNumber", "11010519491231002X") // "110105********002X"
 * @example maskValue("phone", null)                    // null
 */
export function maskValue<T>(kind: MaskKind, value: T): T {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(kind, v)) as T;
  const text = String(value);
  switch (kind) {
    case "idNumber":
      return maskIdNumber(text) as T;
    case "studentNumber":
      return maskStudentNumber(text) as T;
    case "phone":
      return maskPhone(text) as T;
    case "certificateNumber":
      return maskCertificateNumber(text) as T;
    default: {
      const _: never = kind;
      throw new Error(`unknown mask kind ${String(_)}`);
    }
  }
}
