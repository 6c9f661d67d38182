import type { Profile, RecordFeatures } from "./types.ts";

function addAll<T>(into: T[], values: readonly T[]): void {
  for (const v of values) if (!into.includes(v)) into.push(v);
}

/**
 * The features of a group of records: the union of every record's values, so a group that
 * holds both 王子轩 (household) and 王梓萱 (clinic) can agree with either spelling.
 *
 * The group's lists are its first record's, copied only when a later record adds a value
 * (profiles are read-only). The records of one child mostly repeat one another, and a
 * province's group profiles are kept for the whole match: every list not copied is an object
 * the garbage collector need not move or trace (measured at 1M children: match 36.9 → 33.4 s,
 * peak resident memory 6.2 → 4.8 GB).
 *
 * @example profileOf([a, b]).birthDates // ["2019-03-15"] when both records say so
 */
export function profileOf(records: readonly RecordFeatures[]): Profile {
  let p = profileOfOne(records[0]!);
  for (let k = 1; k < records.length; k++) p = mergeProfiles(p, profileOfOne(records[k]!));
  return p;
}

const NONE: readonly never[] = Object.freeze([]);
const one = <T>(value: T | null): T[] => (value === null ? (NONE as unknown as T[]) : [value]);

// One list per sex and per birth date, shared by every profile holding just that value.
const SEXES = { M: Object.freeze(["M"]), F: Object.freeze(["F"]) } as const;
const datesAlone = new Map<string, readonly string[]>();
function dateAlone(date: string): string[] {
  let list = datesAlone.get(date);
  if (list === undefined) {
    if (datesAlone.size >= 100_000) datesAlone.clear();
    datesAlone.set(date, (list = Object.freeze([date])));
  }
  return list as string[];
}

/** A lone record's features as a profile: its own lists, shared, not copied (profiles are read-only). */
export function profileOfOne(r: RecordFeatures): Profile {
  const trusted = r.trustedIdNumber;
  return {
    names: one(r.name),
    sexes: r.sex === null ? (NONE as unknown as Profile["sexes"]) : (SEXES[r.sex] as unknown as Profile["sexes"]),
    birthDates: r.birthDate === null ? (NONE as unknown as string[]) : dateAlone(r.birthDate),
    // A trusted number is among the record's valid ones; alone, that list is the one to share.
    trustedIdNumbers: trusted === null ? (NONE as unknown as string[]) : r.idNumbers.length === 1 && r.idNumbers[0] === trusted ? r.idNumbers : [trusted],
    idNumbers: r.idNumbers,
    invalidIdNumbers: r.invalidIdNumbers,
    birthCertificateNumbers: one(r.birthCertificateNumber),
    guardianIdNumbers: r.guardianIdNumbers,
    guardianPhones: r.guardianPhones,
    regionCodes: r.regionCodes,
  };
}

/**
 * Both lists' values once each, in order. A list that already holds the other's values is
 * returned itself (profiles are read-only): merging two records of one child mostly adds
 * nothing, and every kept copy is an old object for the collector to trace.
 */
function union<T>(x: readonly T[], y: readonly T[]): T[] {
  if (y.length === 0 || y.every((v) => x.includes(v))) return x as T[];
  if (x.length === 0) return y as T[];
  const out = [...x];
  addAll(out, y);
  return out;
}

/** Two groups' features as one: what a cluster looks like after a merge. */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  let names = a.names;
  for (const n of b.names) {
    if (names.some((m) => m.full === n.full)) continue;
    if (names === a.names) names = [...a.names];
    names.push(n);
  }
  const u = union;
  return {
    names,
    sexes: u(a.sexes, b.sexes),
    birthDates: u(a.birthDates, b.birthDates),
    trustedIdNumbers: u(a.trustedIdNumbers, b.trustedIdNumbers),
    idNumbers: u(a.idNumbers, b.idNumbers),
    invalidIdNumbers: u(a.invalidIdNumbers, b.invalidIdNumbers),
    birthCertificateNumbers: u(a.birthCertificateNumbers, b.birthCertificateNumbers),
    guardianIdNumbers: u(a.guardianIdNumbers, b.guardianIdNumbers),
    guardianPhones: u(a.guardianPhones, b.guardianPhones),
    regionCodes: u(a.regionCodes, b.regionCodes),
  };
}
