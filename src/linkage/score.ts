import {
  DATE_LEVELS,
  datesLevel,
  FAMILY_LEVELS,
  familyLevel,
  guardiansLevel,
  ID_LEVELS,
  idNumbersLevel,
  NAME_LEVELS,
  namesLevel,
  REGION_LEVELS,
  regionsLevel,
  SEX_LEVELS,
  sexLevel,
  SHARED_LEVELS,
  sharedLevel,
  type DateLevel,
  type FamilyLevel,
  type IdLevel,
  type NameLevel,
  type RegionLevel,
  type SexLevel,
  type SharedLevel,
} from "./compare.ts";
import { PHONES, type ProfileTable } from "./profile.ts";

/** The agreement level of every field for one compared pair: the evidence a reviewer sees. */
export interface FieldLevels {
  name: NameLevel;
  birthDate: DateLevel;
  sex: SexLevel;
  idNumber: IdLevel;
  guardianIdNumber: SharedLevel;
  guardianPhone: SharedLevel;
  region: RegionLevel;
  familyRegion: FamilyLevel;
}

/**
 * Fellegi–Sunter weights, log2(m/u), rounded and set by hand (documented here rather than
 * estimated by EM each run, so a score means the same thing tomorrow). m is how often the level
 * occurs for two records of one child, u for two different children *in the same block*, which
 * is why siblings (same phone, same guardians, other birth date) drive the negative weights:
 *
 * - name: exact m≈0.9, u≈1/1000 among same-surname children born the same day → +9; a known
 *   homophone or look-alike (VARIANT) m≈0.05 → +7; SIMILAR (one unknown character off) is as
 *   likely a twin or sibling as a slip → 0; DIFFERENT, m≈0.01 (clerks do not invent names) → −8.
 *   A placeholder (王之子) against a name: the surname alone, shared by one child in twenty
 *   (SAME_SURNAME, +2) or not (OTHER_SURNAME, m≈0.03: a child named after its mother → −4).
 * - birth date: exact m≈0.98, u≈1/3000 in a phone or guardian block (siblings) → +7; a day/month
 *   swap or one day off m≈0.005 each → +4 / +3; anything else is another child → −10.
 * - sex: m≈0.998, u≈0.5 → +1; a different sex m≈0.002 → −6 (a twin of the other sex).
 * - ID number: the same valid number on a record that was not trusted for the exact link →
 *   +14; one character off an invalid one → +7; different numbers → −12.
 * - guardian ID number: shared, u≈1/500 outside a family → +8; a guardian of the same sex known on
 *   both sides and none shared → −6 (a father on one side and a mother on the other: MISSING).
 * - guardian phone: shared → +7; none shared → −1 (the clinic has the father's phone, the
 *   hospital the mother's: disagreement is weak evidence).
 * - region: same county +1, same prefecture +0.5 (families move; this only breaks ties).
 * - family region: a child's ID number begins with the region of a guardian's ID number on the
 *   other side (compare.ts, familyLevel), m≈0.9 (a child's hukou is a parent's): a region that is
 *   not where the records place the child (a non-local hukou, or another county's), u≈1/100 or
 *   less → +6; the county they live in, which most children there share → +1; no guardian's
 *   region, m≈0.1 (a hukou moved since) → −3.
 */
export const WEIGHTS = {
  name: { EXACT: 9, VARIANT: 7, SIMILAR: 0, SAME_SURNAME: 2, OTHER_SURNAME: -4, DIFFERENT: -8, MISSING: 0 },
  birthDate: { EXACT: 7, TRANSPOSED: 4, ONE_DAY: 3, DIFFERENT: -10, MISSING: 0 },
  sex: { AGREE: 1, DIFFERENT: -6, MISSING: 0 },
  idNumber: { EXACT: 14, NEAR: 7, DIFFERENT: -12, MISSING: 0 },
  guardianIdNumber: { AGREE: 8, DIFFERENT: -6, MISSING: 0 },
  guardianPhone: { AGREE: 7, DIFFERENT: -1, MISSING: 0 },
  region: { SAME_COUNTY: 1, SAME_PREFECTURE: 0.5, DIFFERENT: 0, MISSING: 0 },
  familyRegion: { AGREE: 6, AGREE_LOCAL: 1, DIFFERENT: -3, MISSING: 0 },
} as const satisfies { [F in keyof FieldLevels]: Record<FieldLevels[F], number> };

/**
 * The fields in WEIGHTS's order (the order the weights are added in), each with its levels and
 * where its level sits in a packed comparison: three bits a field, name lowest.
 */
const FIELDS = [
  { field: "name", levels: NAME_LEVELS },
  { field: "birthDate", levels: DATE_LEVELS },
  { field: "sex", levels: SEX_LEVELS },
  { field: "idNumber", levels: ID_LEVELS },
  { field: "guardianIdNumber", levels: SHARED_LEVELS },
  { field: "guardianPhone", levels: SHARED_LEVELS },
  { field: "region", levels: REGION_LEVELS },
  { field: "familyRegion", levels: FAMILY_LEVELS },
] as const satisfies readonly { field: keyof FieldLevels; levels: readonly string[] }[];
const BITS = 3;

/** Per field, the weight of each level number. */
const WEIGHT_OF: readonly (readonly number[])[] = FIELDS.map(({ field, levels }) =>
  levels.map((level) => (WEIGHTS[field] as Record<string, number>)[level]!),
);

/**
 * At or above: link automatically. The weakest pattern that should link on its own is a
 * placeholder-named clinic record agreeing on birth date, sex and a guardian's phone
 * (7 + 1 + 7 = 15); a name and birth date alone (9 + 7 + 1 = 17) links too.
 */
export const LINK_THRESHOLD = 14;
/** At or above (and below LINK_THRESHOLD): a person decides. Below: a new child. */
export const REVIEW_THRESHOLD = 9;
/**
 * Two candidates closer than this for one record, that cannot both be it (different ID
 * numbers, twins), make the record ambiguous: it goes to review rather than to the first.
 */
export const AMBIGUITY_MARGIN = 3;

export type Decision = "LINK" | "REVIEW" | "NEW_CHILD";

/**
 * Compares two profiles field by field: every field's level, packed into one number (what the
 * engine keeps for each of a province's candidate pairs; levelsOf reads it).
 *
 * @example
 * levelsOf(compareProfiles(profiles, a, b))
 * // { name: "VARIANT", birthDate: "EXACT", sex: "AGREE", idNumber: "MISSING", … }
 */
export function compareProfiles(p: ProfileTable, a: number, b: number): number {
  p.loadPair(a, b);
  return compareLoaded(p);
}

/** compareProfiles of the two profiles the table has loaded (ProfileTable.loadPair). */
export function compareLoaded(p: ProfileTable): number {
  return (
    namesLevel(p) |
    (datesLevel(p) << BITS) |
    (sexLevel(p.leftSexes, p.rightSexes) << (2 * BITS)) |
    (idNumbersLevel(p) << (3 * BITS)) |
    (guardiansLevel(p) << (4 * BITS)) |
    (sharedLevel(p, PHONES) << (5 * BITS)) |
    (regionsLevel(p) << (6 * BITS)) |
    (familyLevel(p) << (7 * BITS))
  );
}

/** The levels a packed comparison holds, by name. */
export function levelsOf(packed: number): FieldLevels {
  const out: Record<string, string> = {};
  FIELDS.forEach(({ field, levels }, k) => (out[field] = levels[(packed >> (k * BITS)) & 7]!));
  return out as unknown as FieldLevels;
}

/** A comparison's levels packed into one number (the inverse of levelsOf). */
export function packLevels(levels: FieldLevels): number {
  let packed = 0;
  FIELDS.forEach(({ field, levels: names }, k) => {
    const level = (names as readonly string[]).indexOf(levels[field]);
    if (level < 0) throw new RangeError(`${field} has no level ${JSON.stringify(levels[field])}`);
    packed |= level << (k * BITS);
  });
  return packed;
}

/** The level number of field k (FIELDS's order) in a packed comparison. */
const levelAt = (packed: number, k: number) => (packed >> (k * BITS)) & 7;

/**
 * Whether a packed comparison holds an agreement that singles a child out: a name (a surname
 * against a placeholder's, or similar or better), an ID number (exact or one character off), a
 * guardian's ID number, a phone, or a guardian's region on the child's ID number. Birth date,
 * sex and county alone do not: many children share them, and a pair that agrees on nothing
 * else is never linked nor put to a reviewer as likely (cluster.ts: at most a possible match of an unresolved child).
 *
 * @example identifies(packLevels({ ...missing, birthDate: "EXACT", sex: "AGREE", region: "SAME_COUNTY" })) // false
 */
export function identifies(packed: number): boolean {
  return (
    levelAt(packed, 0) >= 3 || // name: SAME_SURNAME, SIMILAR, VARIANT, EXACT
    levelAt(packed, 3) >= 2 || // ID number: NEAR, EXACT
    levelAt(packed, 4) === 2 || // guardian ID number: AGREE
    levelAt(packed, 5) === 2 || // guardian phone: AGREE
    levelAt(packed, 7) >= 2 // family region: AGREE_LOCAL, AGREE
  );
}

/**
 * Whether a packed comparison holds a disagreement that says "another child": a different name,
 * birth date, sex, ID number, same-sex guardian or family region (a different phone is not: a
 * clinic may hold the other parent's).
 */
export function contradicts(packed: number): boolean {
  // The name's OTHER_SURNAME (2) is a disagreement too.
  if (levelAt(packed, 0) === 2) return true;
  for (const k of CONTRADICTING_FIELDS) if (levelAt(packed, k) === 1) return true;
  return false;
}
/** Whether a packed comparison's birth dates agree only as a clerk's slip (ONE_DAY, TRANSPOSED). */
export function dateSlipped(packed: number): boolean {
  const level = levelAt(packed, 1);
  return level === 2 || level === 3;
}

/** Whether a packed comparison's phones differ (both known, none shared). */
export function phonesDiffer(packed: number): boolean {
  return levelAt(packed, 5) === 1;
}

/**
 * name, birth date, sex, ID number, guardian ID number, family region: their DIFFERENT (level 1) says "another
 * child".
 */
const CONTRADICTING_FIELDS = [0, 1, 2, 3, 4, 7] as const;

/** The match weight of a packed comparison: the sum of its fields' weights, in WEIGHTS's order. */
export function scorePacked(packed: number): number {
  let total = 0;
  for (let k = 0; k < WEIGHT_OF.length; k++) total += WEIGHT_OF[k]![(packed >> (k * BITS)) & 7]!;
  return total;
}

/**
 * The match weight of a comparison: the sum of its fields' weights.
 *
 * @example scoreLevels({ name: "EXACT", birthDate: "EXACT", sex: "AGREE", idNumber: "MISSING",
 *   guardianIdNumber: "MISSING", guardianPhone: "AGREE", region: "MISSING" }) // 24
 */
export function scoreLevels(levels: FieldLevels): number {
  return scorePacked(packLevels(levels));
}

/**
 * What a score means: link, review, or new child.
 *
 * @example decide(15) // "LINK"
 * @example decide(12) // "REVIEW"
 */
export function decide(score: number): Decision {
  if (score >= LINK_THRESHOLD) return "LINK";
  if (score >= REVIEW_THRESHOLD) return "REVIEW";
  return "NEW_CHILD";
}
