import type { Profile, RecordFeatures } from "./types.ts";

function addAll<T>(into: T[], values: readonly T[]): void {
  for (const v of values) if (!into.includes(v)) into.push(v);
}

/**
 * The features of a group of records: the union of every record's values, so a group that
 * holds both 王子轩 (household) and 王梓萱 (clinic) can agree with either spelling.
 *
 * @example profileOf([a, b]).birthDates // ["2019-03-15"] when both records say so
 */
export function profileOf(records: readonly RecordFeatures[]): Profile {
  if (records.length === 1) return profileOfOne(records[0]!);
  const p: Profile = {
    names: [], sexes: [], birthDates: [], trustedIdNumbers: [], idNumbers: [], invalidIdNumbers: [],
    birthCertificateNumbers: [], guardianIdNumbers: [], guardianPhones: [], regionCodes: [],
  };
  for (const r of records) {
    if (r.name && !p.names.some((n) => n.full === r.name!.full)) p.names.push(r.name);
    if (r.sex) addAll(p.sexes, [r.sex]);
    if (r.birthDate) addAll(p.birthDates, [r.birthDate]);
    if (r.trustedIdNumber) addAll(p.trustedIdNumbers, [r.trustedIdNumber]);
    addAll(p.idNumbers, r.idNumbers);
    addAll(p.invalidIdNumbers, r.invalidIdNumbers);
    if (r.birthCertificateNumber) addAll(p.birthCertificateNumbers, [r.birthCertificateNumber]);
    addAll(p.guardianIdNumbers, r.guardianIdNumbers);
    addAll(p.guardianPhones, r.guardianPhones);
    addAll(p.regionCodes, r.regionCodes);
  }
  // Kept for the whole match (a group's profile is made once): empty lists shared, not kept.
  for (const key of PROFILE_LISTS) if (p[key].length === 0) (p as unknown as Record<string, unknown>)[key] = NONE;
  return p;
}

const PROFILE_LISTS = [
  "names", "sexes", "birthDates", "trustedIdNumbers", "idNumbers", "invalidIdNumbers",
  "birthCertificateNumbers", "guardianIdNumbers", "guardianPhones", "regionCodes",
] as const satisfies readonly (keyof Profile)[];

const NONE: readonly never[] = Object.freeze([]);
const one = <T>(value: T | null): T[] => (value === null ? (NONE as unknown as T[]) : [value]);

/** A lone record's features as a profile: its own lists, shared, not copied (profiles are read-only). */
export function profileOfOne(r: RecordFeatures): Profile {
  return {
    names: one(r.name),
    sexes: one(r.sex),
    birthDates: one(r.birthDate),
    trustedIdNumbers: one(r.trustedIdNumber),
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
