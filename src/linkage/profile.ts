import { recordTableOf, SEX_F, SEX_M, type RecordTable } from "./record-table.ts";
import type { Profile, RecordFeatures } from "./types.ts";
import type { Vocabulary } from "./vocabulary.ts";

/** A profile's fields, in the order a row holds them. */
export const NAMES = 0;
export const DATES = 1;
export const TRUSTED_IDS = 2;
export const ID_NUMBERS = 3;
export const INVALID_IDS = 4;
export const CERTIFICATES = 5;
export const GUARDIAN_IDS = 6;
export const PHONES = 7;
export const REGIONS = 8;
/** Placeholders' surnames (王之子 → 王), of records without a real name. */
export const SURNAMES = 9;
export const FIELDS = 10;

/**
 * A row's header, in doubles: six 32-bit words holding the row's sexes and its ten fields'
 * value counts, 16 bits each (sexes first, then the fields in order).
 */
const HEADER = 3;
const MAX_COUNT = 0xffff;

/**
 * The features of groups of records believed to be one child, a row per group: the union of
 * every record's values, so a group that holds both 王子轩 (household) and 王梓萱 (clinic) can
 * agree with either spelling. Values are the vocabulary's numbers (names, dates) and codes
 * (identifiers, phones, division codes).
 *
 * A row is one run of doubles (a header of counts, then each field's values in turn), so
 * comparing two profiles reads two short runs of memory rather than a list in each of nine
 * columns: at a million children the engine compares 2.2 million pairs of the 2 million groups'
 * rows, and one more row is added for every merge. None of it is an object the garbage
 * collector must trace.
 *
 *   const profiles = new ProfileTable(records.vocabulary);
 *   const a = profiles.addGroup(records, [0, 1]);   // records 0 and 1 as one group
 *   const b = profiles.addGroup(records, [2]);
 *   const both = profiles.merge(a, b);               // what a cluster looks like after a merge
 *   profiles.layout(both, at);                       // at[NAMES] … at[NAMES + 1]: its names
 */
export class ProfileTable {
  rows = 0;
  /** Where each row starts in `data` (in doubles); rowStart[rows] is where the next will. */
  private rowStart: Int32Array;
  data: Float64Array;
  /** `data` as 32-bit words, for the headers. */
  private words: Int32Array;
  /** Doubles of `data` in use. */
  private used = 0;
  /** Values of the row being built, a list per field (addGroup). */
  private scratch: Float64Array[] = Array.from({ length: FIELDS }, () => new Float64Array(16));
  private readonly counts = new Int32Array(FIELDS);
  /** The layouts and sexes of the two rows being compared (loadPair): compare.ts reads them. */
  readonly left = new Int32Array(FIELDS + 1);
  readonly right = new Int32Array(FIELDS + 1);
  leftSexes = 0;
  rightSexes = 0;

  constructor(
    readonly vocabulary: Vocabulary,
    capacity = 1024,
  ) {
    this.rowStart = new Int32Array(Math.max(2, capacity + 1));
    this.data = new Float64Array(Math.max(64, capacity * 12));
    this.words = new Int32Array(this.data.buffer);
  }

  /**
   * Fills `into` with where each field of `row` starts in `data`, and (into[FIELDS]) where the
   * last one ends: field f's values are data[into[f]] … data[into[f + 1] - 1].
   */
  layout(row: number, into: Int32Array): void {
    const words = this.words;
    const w = this.rowStart[row]! * 2;
    let at = this.rowStart[row]! + HEADER;
    for (let f = 0; f < FIELDS; f++) {
      into[f] = at;
      const slot = f + 1; // slot 0 holds the sexes
      at += (words[w + (slot >> 1)]! >>> ((slot & 1) * 16)) & MAX_COUNT;
    }
    into[FIELDS] = at;
  }

  /** Loads the layouts and sexes of rows a (into `left`) and b (into `right`), to compare them. */
  loadPair(a: number, b: number): void {
    this.layout(a, this.left);
    this.layout(b, this.right);
    this.leftSexes = this.sexes(a);
    this.rightSexes = this.sexes(b);
  }

  /** The sexes of a row's records, as bits (SEX_M | SEX_F). */
  sexes(row: number): number {
    return this.words[this.rowStart[row]! * 2]! & MAX_COUNT;
  }

  /** How many values a row holds in one field. */
  count(row: number, field: number): number {
    const slot = field + 1;
    return (this.words[this.rowStart[row]! * 2 + (slot >> 1)]! >>> ((slot & 1) * 16)) & MAX_COUNT;
  }

  /** A row's values in one field (for evidence and tests, not for hot loops). */
  values(row: number, field: number): number[] {
    const at = new Int32Array(FIELDS + 1);
    this.layout(row, at);
    return Array.from(this.data.subarray(at[field]!, at[field + 1]!));
  }

  /** Appends the union of these records' features (members[from … to)) as a row; returns the row. */
  addGroup(records: RecordTable, members: ArrayLike<number>, from = 0, to = members.length): number {
    const counts = this.counts.fill(0);
    let sexes = 0;
    for (let k = from; k < to; k++) {
      const i = members[k]!;
      sexes |= records.sex[i]!;
      if (records.name[i]! >= 0) this.collect(NAMES, records.name[i]!);
      if (records.birthDate[i]! >= 0) this.collect(DATES, records.birthDate[i]!);
      if (records.trusted[i]) this.collect(TRUSTED_IDS, records.trustedId(i));
      this.collectAll(
        ID_NUMBERS,
        records.idNumbers.values,
        records.idNumbers.start[i]!,
        records.idNumbers.start[i + 1]!,
      );
      this.collectAll(
        INVALID_IDS,
        records.invalidIdNumbers.values,
        records.invalidIdNumbers.start[i]!,
        records.invalidIdNumbers.start[i + 1]!,
      );
      if (records.certificate[i] === records.certificate[i]) this.collect(CERTIFICATES, records.certificate[i]!);
      this.collectAll(
        GUARDIAN_IDS,
        records.guardianIds.values,
        records.guardianIds.start[i]!,
        records.guardianIds.start[i + 1]!,
      );
      this.collectAll(PHONES, records.phones.values, records.phones.start[i]!, records.phones.start[i + 1]!);
      this.collectAll(REGIONS, records.regions.values, records.regions.start[i]!, records.regions.start[i + 1]!);
      if (records.surname[i]! >= 0) this.collect(SURNAMES, records.surname[i]!);
    }
    let size = 0;
    for (let f = 0; f < FIELDS; f++) size += counts[f]!;
    const at = this.openRow(size);
    let v = at + HEADER;
    for (let f = 0; f < FIELDS; f++) {
      const values = this.scratch[f]!;
      for (let k = 0; k < counts[f]!; k++) this.data[v++] = values[k]!;
    }
    return this.closeRow(at, sexes, counts);
  }

  /** Appends the union of rows a and b as a row; returns the row. */
  merge(a: number, b: number): number {
    const la = LAYOUT_A;
    const lb = LAYOUT_B;
    this.layout(a, la);
    this.layout(b, lb);
    const at = this.openRow(la[FIELDS]! - la[0]! + lb[FIELDS]! - lb[0]!);
    const counts = this.counts;
    let v = at + HEADER;
    // data may have been replaced by openRow: read it afterwards.
    const data = this.data;
    for (let f = 0; f < FIELDS; f++) {
      const start = v;
      // Row a's values are distinct already: only b's need checking against them.
      for (let k = la[f]!; k < la[f + 1]!; k++) data[v++] = data[k]!;
      for (let k = lb[f]!; k < lb[f + 1]!; k++) {
        const value = data[k]!;
        let held = false;
        for (let j = la[f]!; j < la[f + 1]!; j++) {
          if (data[j] === value) {
            held = true;
            break;
          }
        }
        if (!held) data[v++] = value;
      }
      counts[f] = v - start;
    }
    return this.closeRow(at, this.sexes(a) | this.sexes(b), counts);
  }

  private collect(field: number, value: number): void {
    const values = this.scratch[field]!;
    const count = this.counts[field]!;
    for (let k = 0; k < count; k++) if (values[k] === value) return;
    if (count === values.length) {
      const next = new Float64Array(count * 2);
      next.set(values);
      this.scratch[field] = next;
    }
    this.scratch[field]![count] = value;
    this.counts[field] = count + 1;
  }

  private collectAll(field: number, from: Float64Array, start: number, end: number): void {
    for (let k = start; k < end; k++) this.collect(field, from[k]!);
  }

  /** Room for a row of at most `values` values; returns where its header goes. */
  private openRow(values: number): number {
    const at = this.used;
    const needed = at + HEADER + values;
    if (needed > this.data.length) {
      const next = new Float64Array(Math.max(needed, this.data.length * 2));
      next.set(this.data.subarray(0, at));
      this.data = next;
      this.words = new Int32Array(next.buffer);
    }
    this.used = needed;
    return at;
  }

  /** Writes the row's header (`counts`, its values' final count) and records it; returns the row. */
  private closeRow(at: number, sexes: number, counts: Int32Array): number {
    let size = 0;
    for (let f = 0; f < FIELDS; f++) {
      if (counts[f]! > MAX_COUNT)
        throw new RangeError(`a profile holds at most ${MAX_COUNT} values of a field, but one would hold ${counts[f]}`);
      size += counts[f]!;
    }
    const words = this.words;
    const w = at * 2;
    words[w] = sexes | (counts[NAMES]! << 16);
    words[w + 1] = counts[DATES]! | (counts[TRUSTED_IDS]! << 16);
    words[w + 2] = counts[ID_NUMBERS]! | (counts[INVALID_IDS]! << 16);
    words[w + 3] = counts[CERTIFICATES]! | (counts[GUARDIAN_IDS]! << 16);
    words[w + 4] = counts[PHONES]! | (counts[REGIONS]! << 16);
    words[w + 5] = counts[SURNAMES]!;
    this.used = at + HEADER + size;
    const row = this.rows++;
    if (row + 2 > this.rowStart.length) {
      const next = new Int32Array(this.rowStart.length * 2);
      next.set(this.rowStart);
      this.rowStart = next;
    }
    this.rowStart[row] = at;
    this.rowStart[row + 1] = this.used;
    return row;
  }
}

// Scratch layouts for merge (the engine runs on one thread).
const LAYOUT_A = new Int32Array(FIELDS + 1);
const LAYOUT_B = new Int32Array(FIELDS + 1);

/**
 * Profiles of groups of records given as features, row k for groups[k] (tests, and a person's
 * merge, which asks the hard rules about two children's records).
 *
 * @example noMergeReason(profilesOf([[a], [b]]), 0, 1)
 */
export function profilesOf(groups: readonly (readonly RecordFeatures[])[]): ProfileTable {
  const records = recordTableOf(groups.flat());
  const profiles = new ProfileTable(records.vocabulary, groups.length);
  let next = 0;
  for (const group of groups)
    profiles.addGroup(
      records,
      Array.from(group, () => next++),
    );
  return profiles;
}

/**
 * A profile row's values as text (names, dates, identifiers as the records wrote them, once
 * normalised), in the order its records gave them: for people and tests reading a profile.
 */
export function profileValues(profiles: ProfileTable, row: number): Profile {
  const v = profiles.vocabulary;
  const texts = (field: number, text: (code: number) => string) => profiles.values(row, field).map(text);
  const sexes = profiles.sexes(row);
  return {
    names: profiles.values(row, NAMES).map((id) => v.names[id]!),
    sexes: [...(sexes & SEX_M ? ["M" as const] : []), ...(sexes & SEX_F ? ["F" as const] : [])],
    birthDates: profiles.values(row, DATES).map((id) => v.dates[id]!),
    trustedIdNumbers: texts(TRUSTED_IDS, (c) => v.idNumberOf(c)),
    idNumbers: texts(ID_NUMBERS, (c) => v.idNumberOf(c)),
    invalidIdNumbers: texts(INVALID_IDS, (c) => v.textOf(c)),
    birthCertificateNumbers: texts(CERTIFICATES, (c) => v.certificateOf(c)),
    guardianIdNumbers: texts(GUARDIAN_IDS, (c) => v.idNumberOf(c)),
    guardianPhones: texts(PHONES, (c) => v.phoneOf(c)),
    regionCodes: profiles.values(row, REGIONS).map((code) => String(code).padStart(6, "0")),
    placeholderSurnames: profiles.values(row, SURNAMES).map((id) => v.surnames[id]!),
  };
}
