/**
 * The identifiers a child has before, beside and instead of a resident ID number: the birth
 * medical certificate number (from birth), the national student number (from school entry),
 * and a guardian's mobile phone (what an immunization site records).
 *
 * A child's identifiers change as life goes on: a birth certificate first, an ID number after
 * household registration, and a temporary `L` student number later replaced by a `G` one. The
 * parsers here only say what each identifier contains; linking across the changes is linkage's
 * job.
 */
import { compareIsoDates, isoDateFromCompact, type IsoDate } from "./dates.ts";
import { lookupDivision } from "./division-codes.ts";
import { maskIdNumber, parseIdNumber } from "./id-number.ts";

export interface IdentifierProblem {
  part: "length" | "characters" | "prefix" | "idNumber" | "areaCode" | "birthDate";
  message: string;
}

export type IdentifierResult<T> = { ok: true; value: T } | { ok: false; problem: IdentifierProblem };

function failure<T>(part: IdentifierProblem["part"], message: string): IdentifierResult<T> {
  return { ok: false, problem: { part, message } };
}

// Spreadsheets hand over full-width digits and letters; they mean the ASCII ones.
function normalise(s: string): string {
  return s.normalize("NFKC").trim().toUpperCase();
}

const BIRTH_CERTIFICATE_NUMBER = /^[A-Z]\d{9}$/;

/**
 * Checks a birth medical certificate number (出生医学证明编号): one letter and 9 digits. A
 * lowercase letter is accepted and returned in upper case.
 *
 * @example parseBirthCertificateNumber("p330123456") // { ok: true, value: "P330123456" }
 */
export function parseBirthCertificateNumber(s: string): IdentifierResult<string> {
  const value = normalise(s);
  if (value.length !== 10) {
    return failure(
      "length",
      `birth certificate number must be 10 characters (a letter and 9 digits), but got ${value.length}`,
    );
  }
  if (!BIRTH_CERTIFICATE_NUMBER.test(value)) {
    return failure(
      "characters",
      `birth certificate number must be a letter followed by 9 digits, but got ${JSON.stringify(value)}`,
    );
  }
  return { ok: true, value };
}

/**
 * A national student number (全国学籍号), by kind:
 * - `G`: the resident ID number, for students who have one;
 * - `J`: an ID-style code issued instead, for students who have none;
 * - `L`: temporary, area code + birth date + serial, until the student gets a `G` number.
 */
export type StudentNumber =
  | { kind: "G"; idNumber: string }
  | { kind: "J"; code: string }
  | { kind: "L"; areaCode: string; birthDate: IsoDate; serial: string };

const STUDENT_NUMBER_LENGTH = 19;
const ID_STYLE_CODE = /^\d{17}[\dX]$/;
const L_BODY = /^(\d{6})(\d{8})(\d{4})$/;

/**
 * Parses a student number into its kind and parts. A `G` number must carry a fully valid ID
 * number; a `J` code only needs the ID number's shape (it is not issued with a check character
 * we can rely on); an `L` number needs a known province in its area code and a real birth date,
 * not after `asOf` if given.
 *
 * @example parseStudentNumber("G11010519491231002X")
 * // { ok: true, value: { kind: "G", idNumber: "11010519491231002X" } }
 * @example parseStudentNumber("L33010620190315" + "0001")
 * // { ok: true, value: { kind: "L", areaCode: "330106", birthDate: "2019-03-15", serial: "0001" } }
 */
export function parseStudentNumber(s: string, options: { asOf?: IsoDate } = {}): IdentifierResult<StudentNumber> {
  const value = normalise(s);
  if (value.length !== STUDENT_NUMBER_LENGTH) {
    return failure(
      "length",
      `student number must be ${STUDENT_NUMBER_LENGTH} characters (G, J or L and 18 more), but got ${value.length}`,
    );
  }
  const kind = value.charAt(0);
  const body = value.slice(1);
  switch (kind) {
    case "G": {
      const parsed = parseIdNumber(body, options);
      if (!parsed.ok)
        return failure(
          "idNumber",
          `student number G must be followed by a valid resident ID number: ${parsed.problem.message}`,
        );
      return { ok: true, value: { kind: "G", idNumber: parsed.value.idNumber } };
    }
    case "J": {
      if (!ID_STYLE_CODE.test(body)) {
        return failure(
          "characters",
          `student number J must be followed by 17 digits and a digit or X, but got ${JSON.stringify(body)}`,
        );
      }
      return { ok: true, value: { kind: "J", code: body } };
    }
    case "L":
      return parseTemporaryStudentNumber(body, options.asOf);
    default:
      return failure("prefix", `student number must start with G, J or L, but got ${JSON.stringify(kind)}`);
  }
}

function parseTemporaryStudentNumber(body: string, asOf: IsoDate | undefined): IdentifierResult<StudentNumber> {
  const match = L_BODY.exec(body);
  if (!match) {
    return failure(
      "characters",
      `student number L must be followed by 18 digits (area code, birth date, serial), but got ${JSON.stringify(body)}`,
    );
  }
  const [, areaCode = "", compactBirthDate = "", serial = ""] = match;
  if (lookupDivision(`${areaCode.slice(0, 2)}0000`)?.level !== "province") {
    return failure(
      "areaCode",
      `student number L must have an area code starting with a province-level code, but got "${areaCode}"`,
    );
  }
  const birthDate = isoDateFromCompact(compactBirthDate);
  if (birthDate === undefined) {
    return failure(
      "birthDate",
      `student number L must have a real calendar date after its area code, but got "${compactBirthDate}"`,
    );
  }
  if (asOf !== undefined && compareIsoDates(birthDate, asOf) > 0) {
    return failure("birthDate", `student number L must have a birth date on or before ${asOf}, but got ${birthDate}`);
  }
  return { ok: true, value: { kind: "L", areaCode, birthDate, serial } };
}

/**
 * The `G` student number of a student with this ID number. Throws if the ID number is invalid.
 *
 * @example makeStudentNumberG("11010519491231002x") // "G11010519491231002X"
 */
export function makeStudentNumberG(idNumber: string): string {
  const parsed = parseIdNumber(idNumber);
  if (!parsed.ok)
    throw new RangeError(`a G student number needs a valid resident ID number: ${parsed.problem.message}`);
  return `G${parsed.value.idNumber}`;
}

/**
 * A temporary `L` student number. Throws on parts that could not make a valid one.
 *
 * @example makeStudentNumberL({ areaCode: "330106", birthDate: "2019-03-15", serial: 1 }) // "L330106201903150001"
 */
export function makeStudentNumberL(p: { areaCode: string; birthDate: IsoDate; serial: number }): string {
  if (!Number.isSafeInteger(p.serial) || p.serial < 0 || p.serial > 9999) {
    throw new RangeError(`serial must be a whole number from 0 to 9999, but got ${p.serial}`);
  }
  const candidate = `L${p.areaCode}${p.birthDate.replaceAll("-", "")}${String(p.serial).padStart(4, "0")}`;
  const parsed = parseStudentNumber(candidate);
  if (!parsed.ok) throw new RangeError(parsed.problem.message);
  return candidate;
}

const MOBILE_PHONE = /^1[3-9]\d{9}$/;

/**
 * Whether `s` is a mainland China mobile number: 11 digits starting 13–19. Surrounding
 * whitespace is ignored; anything else (a +86 prefix, separators) is not.
 *
 * @example isMobilePhone("13800001234") // true
 * @example isMobilePhone("12800001234") // false
 */
export function isMobilePhone(s: string): boolean {
  return MOBILE_PHONE.test(s.trim());
}

/**
 * A student number with the identifier inside it masked, its kind letter kept: a `G` number is
 * "G" + the full ID number, a `J` code has the same shape, an `L` number carries an area code
 * and a birth date; all three are masked after the letter as an ID number is (`maskIdNumber`:
 * the province only), so a masked `G` number tells no more than the masked ID number. Anything
 * else is hidden entirely.
 *
 * @example maskStudentNumber("G11010519491231002X") // "G11****************"
 * @example maskStudentNumber("L330106201903150001") // "L33****************"
 */
export function maskStudentNumber(studentNumber: string): string {
  const value = studentNumber.trim();
  const kind = value.charAt(0).toUpperCase();
  if ((kind === "G" || kind === "J" || kind === "L") && value.length > 1)
    return `${kind}${maskIdNumber(value.slice(1))}`;
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
