import { int32s } from "./arena.ts";
import { BLOCK_KINDS, BlockCodes, type BlockKeys } from "./blocking.ts";
import { familyKey, idNumberCodeRange, idNumberFamilyKey, idNumberRegion } from "./codes.ts";
import { NumberIndex } from "./number-index.ts";
import { SEX_M, type RecordTable } from "./record-table.ts";

const ID = BLOCK_KINDS.indexOf("ID");
const DSS = BLOCK_KINDS.indexOf("DSS");
/** A DSS key is its name suffix × 2^23 + (birth date number × 2 + sex) (blocking.ts). */
const DSS_SUFFIX = 8_388_608;

/** The groups of a clustering, as the second look reads them (cluster.ts's Groups). */
export interface LookGroups {
  count: number;
  groupOf: Int32Array;
  offsets: Int32Array;
  flat: Int32Array;
  /** Per group, 1 when it holds a trusted ID number. */
  hasId: Uint8Array;
}

export interface SecondLookStats {
  /** Groups looked at again. */
  groups: number;
  /** Pairs the second look found (some the blocks had found already). */
  pairs: number;
}

/**
 * Stage 3b, a second look for the groups the blocks found nothing sure for: a group without a
 * trusted ID number and without a pair scoring LINK_THRESHOLD (`sure`) is paired once more,
 * with the groups that:
 *
 * - SLIP: share its name key (DSS) with the birth date one day off, or day and month swapped,
 *   or the other sex (a clerk's slip: the DSS key holds the exact date and sex, so such a record
 *   shares no block with its child; measured at 100,000 children, 31 of 58 children left apart);
 * - FAMILY: hold an ID number that begins with a guardian's region and the record's birth date,
 *   of the record's sex (a child's hukou is a parent's: a birth certificate of a non-local
 *   child without a household record, whose other records carry the ID number but no guardian;
 *   65 of 221);
 * - NAMELESS, for a group with no real name: hold a record of the same birth date, or one a
 *   clerk may have written for it (a day off, day and month swapped), sex and county (a
 *   hospital's 王之子 file: the child's name and identifiers are on other records). Such a pair
 *   links nothing by itself (score.ts, identifies): it makes the group a possible match of a
 *   known child, unresolved (cluster.ts, which asks a slipped date for more evidence).
 *
 * Every province-wide key is one of the blocks' own, found by binary search in their sorted
 * keys (BlockKeys); only NAMELESS reads the records by birth date, and only when a nameless
 * group needs it. Its cost is the few groups it looks at, not the province. `visit` gets each
 * pair once, as (smaller, larger) group.
 */
export function secondLook(
  records: RecordTable,
  groups: LookGroups,
  nameless: (g: number) => boolean,
  sure: Uint8Array,
  codes: BlockCodes,
  keys: BlockKeys,
  visit: (a: number, b: number) => void,
): SecondLookStats {
  const look = new Look(records, groups, codes, keys);
  const leftover: number[] = [];
  for (let g = 0; g < groups.count; g++) if (!groups.hasId[g] && !sure[g]) leftover.push(g);
  const namelessOnes = leftover.filter(nameless);
  if (namelessOnes.length > 0) look.indexDates(namelessOnes);
  let pairs = 0;
  for (const g of leftover) {
    const found = look.partnersOf(g, nameless(g));
    for (const other of found) {
      pairs++;
      visit(Math.min(g, other), Math.max(g, other));
    }
  }
  return { groups: leftover.length, pairs };
}

/** The second look's state: the marks that keep a group's partners distinct, the indexes built on demand. */
class Look {
  /** Per group, the group that last found it (its partners are found once). */
  private readonly foundBy: Int32Array;
  private readonly found: number[] = [];
  private looking = -1;
  private readonly slipped: SlippedKeys;
  private byDate: { start: Int32Array; records: Int32Array } | null = null;

  constructor(
    private readonly records: RecordTable,
    private readonly groups: LookGroups,
    private readonly codes: BlockCodes,
    private readonly keys: BlockKeys,
  ) {
    this.foundBy = int32s(groups.count).fill(-1);
    this.slipped = new SlippedKeys(records);
  }

  /** The groups group g pairs with on a second look, in the order found. */
  partnersOf(g: number, nameless: boolean): readonly number[] {
    this.found.length = 0;
    this.looking = g;
    this.foundBy[g] = g;
    const { offsets, flat } = this.groups;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) {
      const i = flat[k]!;
      this.slips(i);
      this.family(i);
      if (nameless) this.sameDay(i);
    }
    return this.found;
  }

  private add = (group: number): void => {
    if (this.foundBy[group] === this.looking) return;
    this.foundBy[group] = this.looking;
    this.found.push(group);
  };

  /** SLIP: the groups holding record i's DSS keys with its birth date one day off or transposed, or the other sex. */
  private slips(i: number): void {
    const [first, last] = this.codes.dssOf(i);
    for (const code of [first, last]) {
      if (code !== code) continue;
      for (const slipped of this.slipped.of(code)) this.keys.eachHolder(DSS, slipped, slipped, this.add);
    }
  }

  /**
   * FAMILY: the groups holding an ID number of record i's sex that begins with a guardian's region and its birth
   * date.
   */
  private family(i: number): void {
    const r = this.records;
    const date = r.birthDate[i]!;
    const sex = r.sex[i]!;
    const guardians = r.guardianIds;
    if (date < 0 || sex === 0 || guardians.start[i] === guardians.start[i + 1]) return;
    const { year, month, day } = r.vocabulary.dateParts[date]!;
    const male = sex === SEX_M ? 1 : 0;
    for (let k = guardians.start[i]!; k < guardians.start[i + 1]!; k++) {
      const region = idNumberRegion(guardians.values[k]!);
      if (region !== region) continue;
      const [low, high] = idNumberCodeRange(region, year, month, day);
      // The sequence's parity is the sex: odd for a man.
      this.keys.eachHolder(ID, low, high, (group, code) => {
        if ((code % 1000) % 2 === male) this.add(group);
      });
    }
  }

  /**
   * NAMELESS: the groups holding a record of record i's birth date (or a slip of it) and sex in
   * a county it names.
   */
  private sameDay(i: number): void {
    const r = this.records;
    const date = r.birthDate[i]!;
    const sex = r.sex[i]!;
    if (date < 0 || sex === 0) return;
    const byDate = this.byDate!;
    for (const day of [date, ...this.slipped.datesNear(date)]) {
      for (let k = byDate.start[day]!; k < byDate.start[day + 1]!; k++) {
        const j = byDate.records[k]!;
        if (r.sex[j] !== sex || j === i) continue;
        if (sharesCounty(r, i, j)) this.add(this.groups.groupOf[j]!);
      }
    }
  }

  /**
   * The records born on the dates these nameless groups' records were (or a clerk's slip of
   * them), by date: one pass over the records, keeping only those dates' (set up before the
   * look, when any group needs it).
   */
  indexDates(nameless: readonly number[]): void {
    const r = this.records;
    const { offsets, flat } = this.groups;
    const dates = r.vocabulary.dates.length;
    const start = int32s(dates + 1);
    const wanted = new Uint8Array(dates);
    for (const g of nameless)
      for (let k = offsets[g]!; k < offsets[g + 1]!; k++) {
        const date = r.birthDate[flat[k]!]!;
        if (date < 0) continue;
        wanted[date] = 1;
        for (const day of this.slipped.datesNear(date)) wanted[day] = 1;
      }
    for (let i = 0; i < r.count; i++) {
      const date = r.birthDate[i]!;
      if (date >= 0 && wanted[date]) start[date + 1]!++;
    }
    for (let d = 0; d < dates; d++) start[d + 1]! += start[d]!;
    const records = int32s(start[dates]!);
    const at = start.slice(0, dates);
    for (let i = 0; i < r.count; i++) {
      const date = r.birthDate[i]!;
      if (date >= 0 && wanted[date]) records[at[date]!++] = i;
    }
    this.byDate = { start, records };
  }
}

/** Whether records i and j name a county in common (a prefecture's code, 330100, is no county). */
function sharesCounty(r: RecordTable, i: number, j: number): boolean {
  const { start, values } = r.regions;
  for (let a = start[i]!; a < start[i + 1]!; a++) {
    const county = values[a]!;
    if (county % 100 === 0) continue;
    for (let b = start[j]!; b < start[j + 1]!; b++) if (values[b] === county) return true;
  }
  return false;
}

/**
 * The DSS keys a clerk's slip would have given a record instead of its own: its birth date a
 * day off or with day and month swapped, or the other sex (only dates some record holds: no
 * other could share the key).
 *
 *   new SlippedKeys(records).of(dssKey) // [the key with 2019-03-14, with 2019-03-16, with 2019-05-03, the other sex]
 */
export class SlippedKeys {
  private dayIds: NumberIndex | null = null;

  constructor(private readonly records: RecordTable) {}

  of(code: number): number[] {
    const suffix = Math.floor(code / DSS_SUFFIX);
    const dated = code - suffix * DSS_SUFFIX;
    const sex = dated & 1;
    const out: number[] = [];
    for (const date of this.datesNear(dated >> 1)) out.push(suffix * DSS_SUFFIX + date * 2 + sex);
    out.push(code - sex + (1 - sex));
    return out;
  }

  /**
   * The dates a clerk may have written for this one (a vocabulary date number): a day before,
   * a day after, day and month swapped; only dates some record holds.
   */
  datesNear(date: number): number[] {
    const v = this.records.vocabulary;
    const parts = v.dateParts[date]!;
    if (!this.dayIds) {
      const dayIds = new NumberIndex(v.dateParts.length);
      for (let id = 0; id < v.dateParts.length; id++)
        if (v.dateParts[id]!.dayNumber >= 0) dayIds.set(v.dateParts[id]!.dayNumber, id);
      this.dayIds = dayIds;
    }
    const out: number[] = [];
    for (const day of [parts.dayNumber - 1, parts.dayNumber + 1]) {
      const id = this.dayIds.get(day);
      if (id !== -1) out.push(id);
    }
    if (parts.day <= 12 && parts.day !== parts.month) {
      const pad = (n: number) => String(n).padStart(2, "0");
      const id = v.knownDateId(`${parts.year}-${pad(parts.day)}-${pad(parts.month)}`);
      if (id !== -1) out.push(id);
    }
    return out;
  }
}

/**
 * Per record, whether the engine could pair it with one of the records marked fresh: it shares
 * an exact identifier (a birth certificate number, a J or L student number) or a blocking key
 * with one (blocking.ts), or a second look would pair them (a slipped DSS key, a
 * guardian's region and birth day against an ID number, the same birth day, sex and county with
 * a nameless record). Which of the records a broad neighbour query returned (everything born
 * on a fresh record's birth date, or a day off) an incremental link must consider.
 */
export function blockMates(records: RecordTable, fresh: (i: number) => boolean): Uint8Array {
  const codes = new BlockCodes(records);
  const slipped = new SlippedKeys(records);
  const held = BLOCK_KINDS.map(() => new NumberIndex());
  const slips = new NumberIndex();
  const ownFamily = new NumberIndex();
  const guardianFamily = new NumberIndex();
  // Value 1: a nameless fresh record's (pairs with anyone); 0: a named one's (pairs with the nameless).
  const sameDay = new NumberIndex();
  // Records sharing a certificate or a J/L student number are linked exactly, before any block.
  const identifiers = new NumberIndex();
  const family = new FamilyKeys(records);
  const named = (i: number) => records.name[i]! >= 0;
  const hold = (kind: number, code: number) => held[kind]!.set(code, 1);
  for (let i = 0; i < records.count; i++) {
    if (!fresh(i)) continue;
    codes.each(i, hold);
    for (const code of [records.certificate[i]!, records.studentKey[i]!]) if (code === code) identifiers.set(code, 1);
    for (const code of codes.dssOf(i)) if (code === code) for (const s of slipped.of(code)) slips.set(s, 1);
    const own = family.own(i);
    if (own === own) ownFamily.set(own, 1);
    for (const key of family.predicted(i)) guardianFamily.set(key, 1);
    // A fresh record pairs with the nameless born on its day or a slip of it (and the reverse).
    for (const key of namelessKeys(records, i, slipped)) if (sameDay.get(key) !== 1) sameDay.set(key, named(i) ? 0 : 1);
  }
  const mates = new Uint8Array(records.count);
  let mate: boolean;
  const check = (kind: number, code: number) => {
    if (held[kind]!.get(code) !== -1) mate = true;
  };
  for (let i = 0; i < records.count; i++) {
    mate = false;
    codes.each(i, check);
    for (const code of [records.certificate[i]!, records.studentKey[i]!])
      if (code === code && identifiers.get(code) !== -1) mate = true;
    for (const code of codes.dssOf(i)) {
      if (code !== code) continue;
      if (slips.get(code) !== -1) mate = true;
      for (const s of slipped.of(code)) if (held[DSS]!.get(s) !== -1) mate = true;
    }
    const own = family.own(i);
    if (own === own && guardianFamily.get(own) !== -1) mate = true;
    for (const key of family.predicted(i)) if (ownFamily.get(key) !== -1) mate = true;
    for (const key of namelessKeys(records, i)) {
      const from = sameDay.get(key);
      if (from === 1 || (from === 0 && !named(i))) mate = true;
    }
    if (mate) mates[i] = 1;
  }
  return mates;
}

/** The FAMILY keys of records (codes.ts, familyKey): a trusted ID number's own, and those its guardians predict. */
class FamilyKeys {
  constructor(private readonly records: RecordTable) {}

  own(i: number): number {
    return this.records.trusted[i] ? idNumberFamilyKey(this.records.trustedId(i)) : Number.NaN;
  }

  predicted(i: number): number[] {
    const r = this.records;
    const date = r.birthDate[i]!;
    const sex = r.sex[i]!;
    const guardians = r.guardianIds;
    if (date < 0 || sex === 0) return [];
    const { year, month, day } = r.vocabulary.dateParts[date]!;
    const out: number[] = [];
    for (let k = guardians.start[i]!; k < guardians.start[i + 1]!; k++) {
      const region = idNumberRegion(guardians.values[k]!);
      if (region === region) out.push(familyKey(region, year, month, day, sex === SEX_M));
    }
    return out;
  }
}

/**
 * A record's (county, birth day, sex) keys: one per county it names; with `slipped`, also
 * those of the days a clerk may have written for its birth day (SlippedKeys.datesNear).
 */
function namelessKeys(r: RecordTable, i: number, slipped?: SlippedKeys): number[] {
  const date = r.birthDate[i]!;
  const sex = r.sex[i]!;
  if (date < 0 || sex === 0) return [];
  const days = slipped ? [date, ...slipped.datesNear(date)] : [date];
  const out: number[] = [];
  for (let k = r.regions.start[i]!; k < r.regions.start[i + 1]!; k++) {
    const county = r.regions.values[k]!;
    if (county % 100 === 0) continue;
    for (const day of days) out.push((county * 4_194_304 + day) * 2 + (sex === SEX_M ? 0 : 1));
  }
  return out;
}
