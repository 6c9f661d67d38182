import { grown, ListColumn } from "./list-column.ts";
import { recordTableOf, SEX_F, SEX_M, type RecordTable } from "./record-table.ts";
import type { Profile, RecordFeatures } from "./types.ts";
import type { Vocabulary } from "./vocabulary.ts";

/**
 * The features of groups of records believed to be one child, a row per group: the union of
 * every record's values, so a group that holds both 王子轩 (household) and 王梓萱 (clinic) can
 * agree with either spelling. Values are the vocabulary's numbers, in list columns (typed
 * arrays): the engine keeps a profile for each of a province's two million groups, and one
 * more for every merge, and none of them is an object the garbage collector must trace.
 *
 *   const profiles = new ProfileTable(records.vocabulary);
 *   const a = profiles.addGroup(records, [0, 1]);   // records 0 and 1 as one group
 *   const b = profiles.addGroup(records, [2]);
 *   const both = profiles.merge(a, b);               // what a cluster looks like after a merge
 */
export class ProfileTable {
  rows = 0;
  /** Per row, the sexes its records give, as bits (SEX_M | SEX_F). */
  sexes: Uint8Array;
  readonly names: ListColumn;
  readonly birthDates: ListColumn;
  readonly trustedIds: ListColumn;
  readonly idNumbers: ListColumn;
  readonly invalidIdNumbers: ListColumn;
  readonly certificates: ListColumn;
  readonly guardianIds: ListColumn;
  readonly phones: ListColumn;
  readonly regions: ListColumn;
  /** The list columns above, for what is done to each alike. */
  private readonly lists: readonly ListColumn[];

  constructor(
    readonly vocabulary: Vocabulary,
    capacity = 1024,
  ) {
    this.sexes = new Uint8Array(Math.max(1, capacity));
    this.names = new ListColumn(capacity);
    this.birthDates = new ListColumn(capacity);
    this.trustedIds = new ListColumn(capacity);
    this.idNumbers = new ListColumn(capacity);
    this.invalidIdNumbers = new ListColumn(capacity, 16);
    this.certificates = new ListColumn(capacity, capacity / 2);
    this.guardianIds = new ListColumn(capacity);
    this.phones = new ListColumn(capacity);
    this.regions = new ListColumn(capacity);
    this.lists = [this.names, this.birthDates, this.trustedIds, this.idNumbers, this.invalidIdNumbers, this.certificates, this.guardianIds, this.phones, this.regions];
  }

  /** Appends the union of these records' features (members[from … to)) as a row; returns the row. */
  addGroup(records: RecordTable, members: ArrayLike<number>, from = 0, to = members.length): number {
    let sexes = 0;
    for (let k = from; k < to; k++) {
      const i = members[k]!;
      sexes |= records.sex[i]!;
      if (records.name[i]! >= 0) this.names.pushUnique(records.name[i]!);
      if (records.birthDate[i]! >= 0) this.birthDates.pushUnique(records.birthDate[i]!);
      if (records.trusted[i]) this.trustedIds.pushUnique(records.trustedId(i));
      this.idNumbers.pushUniqueFrom(records.idNumbers, i);
      this.invalidIdNumbers.pushUniqueFrom(records.invalidIdNumbers, i);
      if (records.certificate[i] === records.certificate[i]) this.certificates.pushUnique(records.certificate[i]!);
      this.guardianIds.pushUniqueFrom(records.guardianIds, i);
      this.phones.pushUniqueFrom(records.phones, i);
      this.regions.pushUniqueFrom(records.regions, i);
    }
    return this.closeRow(sexes);
  }

  /** Appends the union of rows a and b as a row; returns the row. */
  merge(a: number, b: number): number {
    for (const column of this.lists) {
      // Row a's values are distinct already: only b's need checking.
      for (let k = column.start[a]!; k < column.start[a + 1]!; k++) column.push(column.values[k]!);
      column.pushUniqueFrom(column, b);
    }
    return this.closeRow(this.sexes[a]! | this.sexes[b]!);
  }

  private closeRow(sexes: number): number {
    const row = this.rows++;
    if (row === this.sexes.length) this.sexes = grown(this.sexes, row + 1);
    this.sexes[row] = sexes;
    for (const column of this.lists) column.endRow();
    return row;
  }
}

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
  for (const group of groups) profiles.addGroup(records, Array.from(group, () => next++));
  return profiles;
}

/**
 * A profile row's values as text (names, dates, identifiers as the records wrote them, once
 * normalised), in the order its records gave them: for people and tests reading a profile.
 */
export function profileValues(profiles: ProfileTable, row: number): Profile {
  const v = profiles.vocabulary;
  const texts = (column: ListColumn, text: (code: number) => string) => column.list(row).map(text);
  const sexes = profiles.sexes[row]!;
  return {
    names: profiles.names.list(row).map((id) => v.names[id]!),
    sexes: [...(sexes & SEX_M ? ["M" as const] : []), ...(sexes & SEX_F ? ["F" as const] : [])],
    birthDates: profiles.birthDates.list(row).map((id) => v.dates[id]!),
    trustedIdNumbers: texts(profiles.trustedIds, (c) => v.idNumberOf(c)),
    idNumbers: texts(profiles.idNumbers, (c) => v.idNumberOf(c)),
    invalidIdNumbers: texts(profiles.invalidIdNumbers, (c) => v.textOf(c)),
    birthCertificateNumbers: texts(profiles.certificates, (c) => v.certificateOf(c)),
    guardianIdNumbers: texts(profiles.guardianIds, (c) => v.idNumberOf(c)),
    guardianPhones: texts(profiles.phones, (c) => v.phoneOf(c)),
    regionCodes: profiles.regions.list(row).map((code) => String(code).padStart(6, "0")),
  };
}
