import { maskIdNumber, maskPhone } from "../../domain/id-number.ts";
import { maskCertificateNumber, maskStudentNumber } from "../../domain/identifiers.ts";
import type { MaskKind } from "./field-rules.ts";

/** The identifier masks live beside their parsers in src/domain; tests and callers may take them from here. */
export { maskCertificateNumber, maskStudentNumber };

/**
 * Masks a field's value by kind; null and undefined pass through (a missing value is not a leak),
 * and so does every element of a list. An ID number keeps only its province (the first 2
 * characters, `maskIdNumber` says why: the birth date and sex the same roles read are 9 of its
 * characters), a student number its kind letter and the same, a phone its last 4 digits, a
 * birth certificate number its letter and last 4 digits.
 *
 * @example maskValue("idNumber", "11010519491231002X") // "11****************"
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
