import { dayNumberOf, type IsoDate } from "../domain/dates.ts";
import {
  certificateCode,
  certificateFromCode,
  idNumberCode,
  idNumberFromCode,
  phoneCode,
  phoneFromCode,
  TEXT_CODE_BASE,
} from "./codes.ts";
import type { NameFeature } from "./types.ts";

/**
 * The values one linkage run has met, numbered: real names (by their normalised form), birth
 * dates, and identifiers that have no number of their own (codes.ts). The engine's tables hold
 * these numbers instead of strings, so a province's records are typed arrays rather than
 * millions of objects, and two values are the same exactly when their numbers are.
 *
 *   const vocabulary = new Vocabulary();
 *   vocabulary.nameId({ full: "王子轩", surname: "王", given: "子轩" }); // 0
 *   vocabulary.names[0].given;                                          // "子轩"
 *   vocabulary.idCode("11010519491231002X");                            // 9160756799002
 */
export class Vocabulary {
  /** Real names by number; the number is the same for names equal once normalised. */
  readonly names: NameFeature[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Birth dates by number, with their parts (for comparing dates without parsing them again). */
  readonly dates: IsoDate[] = [];
  readonly dateParts: DateParts[] = [];
  private readonly dateIds = new Map<string, number>();
  /** Surnames written without a name (a placeholder's: 王之子 → 王), by number. */
  readonly surnames: string[] = [];
  private readonly surnameIds = new Map<string, number>();
  private readonly texts: string[] = [];
  private readonly textCodes = new Map<string, number>();

  /** The number of a real name (by its normalised form, `full`). */
  nameId(name: NameFeature): number {
    let id = this.nameIds.get(name.full);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name.full, id);
    }
    return id;
  }

  /** The number of a birth date (a valid ISO date, as normaliseRecord gives it). */
  dateId(date: IsoDate): number {
    let id = this.dateIds.get(date);
    if (id === undefined) {
      id = this.dates.length;
      this.dates.push(date);
      this.dateParts.push(partsOf(date));
      this.dateIds.set(date, id);
    }
    return id;
  }

  /** The number of a surname (a placeholder's, or a real name's when a placeholder is compared with it). */
  surnameId(surname: string): number {
    let id = this.surnameIds.get(surname);
    if (id === undefined) {
      id = this.surnames.length;
      this.surnames.push(surname);
      this.surnameIds.set(surname, id);
    }
    return id;
  }

  /** The number of a birth date some record holds, or -1 when none does (nothing is added). */
  knownDateId(date: IsoDate): number {
    return this.dateIds.get(date) ?? -1;
  }

  /** An ID number's code: its number (codes.ts), or a number of its own when it has none. */
  idCode(idNumber: string): number {
    const code = idNumberCode(idNumber);
    return code === code ? code : this.textCode(idNumber);
  }

  /** The ID number an idCode stands for. */
  idNumberOf(code: number): string {
    return code >= TEXT_CODE_BASE ? this.textOf(code) : idNumberFromCode(code);
  }

  phoneCode(phone: string): number {
    const code = phoneCode(phone);
    return code === code ? code : this.textCode(phone);
  }

  phoneOf(code: number): string {
    return code >= TEXT_CODE_BASE ? this.textOf(code) : phoneFromCode(code);
  }

  certificateCode(certificateNumber: string): number {
    const code = certificateCode(certificateNumber);
    return code === code ? code : this.textCode(certificateNumber);
  }

  certificateOf(code: number): string {
    return code >= TEXT_CODE_BASE ? this.textOf(code) : certificateFromCode(code);
  }

  /**
   * A number for any text (a J or L student number, an ID number that failed validation), at
   * TEXT_CODE_BASE or above, so it never equals a code made from digits.
   */
  textCode(text: string): number {
    let code = this.textCodes.get(text);
    if (code === undefined) {
      code = TEXT_CODE_BASE + this.texts.length;
      this.texts.push(text);
      this.textCodes.set(text, code);
    }
    return code;
  }

  textOf(code: number): string {
    const text = this.texts[code - TEXT_CODE_BASE];
    if (text === undefined) throw new RangeError(`no text has the code ${code} in this vocabulary`);
    return text;
  }
}

/** A date's year, month and day, and its day number (days since 1970-01-01, for "one day apart"). */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  dayNumber: number;
}

export function partsOf(date: IsoDate): DateParts {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return { year, month, day, dayNumber: dayNumberOf(date) };
}
