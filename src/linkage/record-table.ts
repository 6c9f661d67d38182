import { SOURCE_KINDS, type SourceKind } from "../db/enums.ts";
import { guardianNameCode } from "./codes.ts";
import { grown, ListColumn } from "./list-column.ts";
import type { RecordFeatures, RecordFlag, RecordRef } from "./types.ts";
import { Vocabulary } from "./vocabulary.ts";

/**
 * A province's department records as the engine holds them: one typed array per feature
 * (columns), each value a number (Vocabulary, codes.ts), record i in row i. A million children
 * are 6.5 million records; as objects (a RecordFeatures and its lists each) they were tens of
 * millions of objects that every garbage collection traced, and the second core could not share
 * them. As columns they are a few hundred megabytes the collector never looks into.
 *
 * The full read fills a table straight from the departments' bytes (record-reader.ts); anything
 * else (tests, incremental linking) fills one from normaliseRecord's features:
 *
 *   const table = recordTableOf(records.map(normaliseRecord));
 *   table.vocabulary.names[table.name[0]].full; // the first record's name
 */
export class RecordTable {
  count = 0;
  private capacity: number;
  /** SOURCE_KINDS index. */
  source: Uint8Array;
  /** The record's id (UTF-8), bytes recordIdStart[i] … recordIdStart[i + 1]. */
  recordIdStart: Int32Array;
  recordIdBytes: Uint8Array;
  /** Vocabulary name number; -1: no real name (none, or a placeholder). */
  name: Int32Array;
  /** Vocabulary surname number of a placeholder (王之子 → 王); -1: none (a real name, or a placeholder without one). */
  surname: Int32Array;
  /** 0: unknown, SEX_M, SEX_F. */
  sex: Uint8Array;
  /** Vocabulary date number; -1: none. */
  birthDate: Int32Array;
  /** Every valid ID number the record carries (Vocabulary.idCode). */
  idNumbers: ListColumn;
  /** 1 when the record's only ID number is trusted for the exact link. */
  trusted: Uint8Array;
  /** ID-number-shaped values that failed validation (Vocabulary.textCode). */
  invalidIdNumbers: ListColumn;
  /** Vocabulary.certificateCode; NaN: none. */
  certificate: Float64Array;
  /** A J or L student number's Vocabulary.textCode; NaN: none. */
  studentKey: Float64Array;
  guardianIds: ListColumn;
  phones: ListColumn;
  /** Guardians' names (codes.ts, guardianNameCode). */
  guardianNames: ListColumn;
  /** Division codes as numbers (330106). */
  regions: ListColumn;
  /** FLAG_BITS of RecordFlag. */
  flags: Uint8Array;
  private bytesUsed = 0;

  constructor(
    readonly vocabulary: Vocabulary = new Vocabulary(),
    capacity = 1024,
  ) {
    this.capacity = Math.max(1, capacity);
    this.source = new Uint8Array(this.capacity);
    this.recordIdStart = new Int32Array(this.capacity + 1);
    this.recordIdBytes = new Uint8Array(this.capacity * 12);
    this.name = new Int32Array(this.capacity);
    this.surname = new Int32Array(this.capacity);
    this.sex = new Uint8Array(this.capacity);
    this.birthDate = new Int32Array(this.capacity);
    this.idNumbers = new ListColumn(this.capacity);
    this.trusted = new Uint8Array(this.capacity);
    this.invalidIdNumbers = new ListColumn(this.capacity, 16);
    this.certificate = new Float64Array(this.capacity);
    this.studentKey = new Float64Array(this.capacity);
    this.guardianIds = new ListColumn(this.capacity);
    this.phones = new ListColumn(this.capacity);
    this.guardianNames = new ListColumn(this.capacity);
    this.regions = new ListColumn(this.capacity);
    this.flags = new Uint8Array(this.capacity);
  }

  /**
   * Opens the next record, of `source` (a SOURCE_KINDS index), with every feature absent; set
   * its features (columns at the returned index, pushes to the list columns), then `close()`.
   */
  open(source: number): number {
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.source[i] = source;
    this.name[i] = -1;
    this.surname[i] = -1;
    this.sex[i] = 0;
    this.birthDate[i] = -1;
    this.trusted[i] = 0;
    this.certificate[i] = Number.NaN;
    this.studentKey[i] = Number.NaN;
    this.flags[i] = 0;
    return i;
  }

  /** Sets the open record's id from bytes (UTF-8, as COPY sends text). */
  setRecordIdBytes(buf: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.bytesUsed + length > this.recordIdBytes.length)
      this.recordIdBytes = grown(this.recordIdBytes, this.bytesUsed + length);
    // Byte by byte: a record id is a dozen bytes, and a subarray to copy from would be an object a record.
    const bytes = this.recordIdBytes;
    let at = this.bytesUsed;
    for (let k = start; k < end; k++) bytes[at++] = buf[k]!;
    this.bytesUsed = at;
  }

  setRecordId(recordId: string): void {
    const bytes = Buffer.from(recordId, "utf8");
    this.setRecordIdBytes(bytes, 0, bytes.length);
  }

  /** Closes the open record. */
  close(): void {
    this.recordIdStart[++this.count] = this.bytesUsed;
    this.idNumbers.endRow();
    this.invalidIdNumbers.endRow();
    this.guardianIds.endRow();
    this.phones.endRow();
    this.guardianNames.endRow();
    this.regions.endRow();
  }

  /** Appends a record from normaliseRecord's features. */
  add(f: RecordFeatures): void {
    const v = this.vocabulary;
    const i = this.open(sourceIndex(f.source));
    this.setRecordId(f.recordId);
    if (f.name) this.name[i] = v.nameId(f.name);
    else if (f.surname) this.surname[i] = v.surnameId(f.surname);
    if (f.sex) this.sex[i] = f.sex === "M" ? SEX_M : SEX_F;
    if (f.birthDate) this.birthDate[i] = v.dateId(f.birthDate);
    for (const id of f.idNumbers) this.idNumbers.push(v.idCode(id));
    // normaliseIdentity trusts a number only when it is the record's one valid number.
    if (f.trustedIdNumber !== null) {
      if (f.idNumbers.length !== 1 || f.idNumbers[0] !== f.trustedIdNumber)
        throw new Error(`a trusted ID number must be the record's only valid one (record ${f.recordId})`);
      this.trusted[i] = 1;
    }
    for (const id of f.invalidIdNumbers) this.invalidIdNumbers.push(v.textCode(id));
    if (f.birthCertificateNumber) this.certificate[i] = v.certificateCode(f.birthCertificateNumber);
    if (f.studentKey) this.studentKey[i] = v.textCode(f.studentKey);
    for (const id of f.guardianIdNumbers) this.guardianIds.push(v.idCode(id));
    for (const phone of f.guardianPhones) this.phones.push(v.phoneCode(phone));
    for (const name of f.guardianNames) this.guardianNames.push(guardianNameCode(name));
    for (const code of f.regionCodes) this.regions.push(Number(code));
    this.flags[i] = flagBits(f.flags);
    this.close();
  }

  sourceOf(i: number): SourceKind {
    return SOURCE_KINDS[this.source[i]!]!;
  }

  recordIdOf(i: number): string {
    return Buffer.from(
      this.recordIdBytes.buffer,
      this.recordIdBytes.byteOffset + this.recordIdStart[i]!,
      this.recordIdStart[i + 1]! - this.recordIdStart[i]!,
    ).toString("utf8");
  }

  refOf(i: number): RecordRef {
    return { source: this.sourceOf(i), recordId: this.recordIdOf(i) };
  }

  /** The trusted ID number's code, or NaN. */
  trustedId(i: number): number {
    return this.trusted[i] ? this.idNumbers.values[this.idNumbers.start[i]!]! : Number.NaN;
  }

  private grow(): void {
    this.capacity *= 2;
    this.source = grown(this.source, this.capacity);
    this.recordIdStart = grown(this.recordIdStart, this.capacity + 1);
    this.name = grown(this.name, this.capacity);
    this.surname = grown(this.surname, this.capacity);
    this.sex = grown(this.sex, this.capacity);
    this.birthDate = grown(this.birthDate, this.capacity);
    this.trusted = grown(this.trusted, this.capacity);
    this.certificate = grown(this.certificate, this.capacity);
    this.studentKey = grown(this.studentKey, this.capacity);
    this.flags = grown(this.flags, this.capacity);
  }
}

export const SEX_M = 1;
export const SEX_F = 2;

const SOURCE_INDEX = new Map(SOURCE_KINDS.map((source, k) => [source as string, k]));

export function sourceIndex(source: SourceKind): number {
  const k = SOURCE_INDEX.get(source);
  if (k === undefined)
    throw new Error(
      `a record must come from one of the sources ${SOURCE_KINDS.join(", ")}, but got ${JSON.stringify(source)}`,
    );
  return k;
}

/** Each RecordFlag as a bit of RecordTable.flags. */
export const FLAG_BITS: Record<RecordFlag, number> = {
  ID_NUMBER_INVALID: 1,
  ID_NUMBER_CONTRADICTS_BIRTH_DATE: 2,
  ID_NUMBER_CONTRADICTS_SEX: 4,
  ID_NUMBER_DISAGREES_WITH_STUDENT_NUMBER: 8,
  CONFLICTING_IDENTIFIERS: 16,
};

export function flagBits(flags: readonly RecordFlag[]): number {
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag];
  return bits;
}

export function flagsOf(bits: number): RecordFlag[] {
  return (Object.keys(FLAG_BITS) as RecordFlag[]).filter((flag) => (bits & FLAG_BITS[flag]) !== 0);
}

/** A table of these records' features, in their order. */
export function recordTableOf(records: readonly RecordFeatures[], vocabulary = new Vocabulary()): RecordTable {
  const table = new RecordTable(vocabulary, records.length);
  for (const r of records) table.add(r);
  return table;
}
