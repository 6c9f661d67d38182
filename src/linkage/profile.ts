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
  return p;
}

const NONE: readonly never[] = Object.freeze([]);
const one = <T>(value: T | null): T[] => (value === null ? (NONE as unknown as T[]) : [value]);

/** A lone record's features as a profile: its own lists, shared, not copied (profiles are read-only). */
function profileOfOne(r: RecordFeatures): Profile {
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

/** Two groups' features as one: what a cluster looks like after a merge. */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  const names = [...a.names];
  for (const n of b.names) if (!names.some((m) => m.full === n.full)) names.push(n);
  const u = <T>(x: readonly T[], y: readonly T[]) => {
    const out = [...x];
    addAll(out, y);
    return out;
  };
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
