import { SMALL_CELL_SUPPRESSION_THRESHOLD } from "../domain/insurance-policy.ts";

/**
 * The disclosure control of protected statistics (DESIGN.md, "Authorization": a cell of fewer
 * than 5 children must not be computable, by subtraction from totals or other cells, across
 * levels, or between two dates). Chosen over complementary suppression, and why:
 *
 * - Suppression publishes the other cells exactly, so the difference of one cell between two
 *   dates is exact: a cell of 300 children on one day and 301 the next tells that one child
 *   joined it (issue #18, finding 11: a child who turned 6 and is insured). No pattern of
 *   suppressed cells can stop that; only figures that are not exact can.
 * - Independent rounding of each figure (each one to its own nearest multiple of 5) is not
 *   enough either: a total rounded down by 2 and its other parts rounded up by 2 can pin the
 *   last part exactly by subtraction.
 *
 * So every protected figure is a sum of *atoms* — the children of one county, one group and one
 * class (status, born in the coverage year, insured within the newborn window) — and the atoms
 * are rounded together so that everything published adds up exactly (controlled rounding):
 *
 *   1. a county's children: to the nearest multiple of 5;
 *   2. its classes: each to one of its two neighbouring multiples of 5, summing to (1)
 *      (largest remainders first);
 *   3. its groups within each class: each to a neighbouring multiple of 5, summing to (2),
 *      the ups going to the groups whose own totals most need them.
 *
 * Steps 1 and 2 see only the county's population, so every grouping, every region level and
 * every question share the same county figures; a prefecture or province is the sum of its
 * counties. What that buys: the published figures are themselves a possible truth (rounding a
 * table of multiples of 5 changes nothing), so for any arithmetic an attacker does on them —
 * totals minus groups, parents minus children, counts minus sub-counts, one date minus another
 * — both the true result and the same arithmetic on the published figures (a multiple of 5)
 * fit everything published. A true result of 1 to 4 is never a multiple of 5, so it is never
 * the only one that fits: it cannot be computed. Rates are computed from the rounded counts.
 *
 * What it does not cover (README, "Coverage"): knowledge from outside the published figures
 * (an attacker who knows that exactly one child changed between two dates learns whether the
 * change crossed a multiple of 5).
 */

/** The rounding base: the suppression threshold, so no published count lies between 0 and it. */
export const ROUNDING_BASE = SMALL_CELL_SUPPRESSION_THRESHOLD;

/** Children of one county (residence code, or null: place unknown), one group and one class. */
export interface Atom {
  county: string | null;
  group: string | null;
  klass: string;
  children: number;
}

const floorTo = (n: number) => Math.floor(n / ROUNDING_BASE) * ROUNDING_BASE;

/** The nearest multiple of the base (remainders 1–2 down, 3–4 up). */
export function nearestMultiple(n: number): number {
  const floor = floorTo(n);
  return n - floor > ROUNDING_BASE / 2 ? floor + ROUNDING_BASE : floor;
}

const keyOrder = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/**
 * Rounds every atom to a multiple of 5 so that each county's total, each county's class totals
 * and each group's atoms add up (see above). Deterministic: the same atoms in any order give
 * the same answer, and atoms that are already multiples of 5 come back unchanged.
 *
 *   roundAtoms([
 *     { county: "330106", group: "LOCAL", klass: "INSURED|0|0", children: 298 },
 *     { county: "330106", group: "NON_LOCAL", klass: "INSURED|0|0", children: 3 },
 *   ]) // LOCAL 300 and NON_LOCAL 0, or 295 and 5: county 300 either way
 */
export function roundAtoms(atoms: readonly Atom[]): Atom[] {
  const byCounty = new Map<string | null, Atom[]>();
  for (const a of atoms) {
    if (!Number.isSafeInteger(a.children) || a.children < 0)
      throw new RangeError(`an atom's children must be a whole number from 0, but got ${a.children}`);
    if (a.children === 0) continue;
    const list = byCounty.get(a.county);
    if (list) list.push(a);
    else byCounty.set(a.county, [a]);
  }
  const rounded: Atom[] = [];
  for (const [county, list] of byCounty) {
    const classTotals = new Map<string, number>();
    for (const a of list) classTotals.set(a.klass, (classTotals.get(a.klass) ?? 0) + a.children);
    const countyTotal = list.reduce((sum, a) => sum + a.children, 0);
    const classTargets = splitToTotal(classTotals, nearestMultiple(countyTotal));
    rounded.push(...roundGroups(county, list, classTargets));
  }
  return rounded;
}

/**
 * Step 2: parts rounded to neighbouring multiples of the base so that they sum to `total`, a
 * neighbouring multiple of their sum; the largest remainders go up (ties: key order).
 */
function splitToTotal(parts: ReadonlyMap<string, number>, total: number): Map<string, number> {
  const keys = [...parts.keys()].sort(keyOrder);
  const result = new Map(keys.map((k) => [k, floorTo(parts.get(k)!)]));
  let ups = (total - [...result.values()].reduce((a, b) => a + b, 0)) / ROUNDING_BASE;
  const byRemainder = keys
    .filter((k) => parts.get(k)! % ROUNDING_BASE !== 0)
    .sort((a, b) => (parts.get(b)! % ROUNDING_BASE) - (parts.get(a)! % ROUNDING_BASE) || keyOrder(a, b));
  if (ups < 0 || ups > byRemainder.length) throw new Error(`controlled rounding: ${total} is not reachable`);
  for (const k of byRemainder) {
    if (ups === 0) break;
    result.set(k, result.get(k)! + ROUNDING_BASE);
    ups -= 1;
  }
  return result;
}

/**
 * Step 3, one county: within each class (in key order) its groups' atoms are rounded to sum to
 * the class's target. A group's ups go where its running total lags most behind its truth, so
 * a group's rounded total stays near its own count.
 */
function roundGroups(county: string | null, atoms: readonly Atom[], classTargets: ReadonlyMap<string, number>): Atom[] {
  const lag = new Map<string | null, number>();
  const out: Atom[] = [];
  const classes = [...classTargets.keys()].sort(keyOrder);
  for (const klass of classes) {
    const members = atoms.filter((a) => a.klass === klass).sort((a, b) => keyOrder(a.group, b.group));
    const floors = members.map((a) => floorTo(a.children));
    const ups = (classTargets.get(klass)! - floors.reduce((a, b) => a + b, 0)) / ROUNDING_BASE;
    const remainder = (i: number) => members[i]!.children - floors[i]!;
    const priority = (i: number) => (lag.get(members[i]!.group) ?? 0) + remainder(i);
    const order = members
      .map((_, i) => i)
      .filter((i) => remainder(i) > 0)
      .sort(
        (i, j) =>
          priority(j) - priority(i) || remainder(j) - remainder(i) || keyOrder(members[i]!.group, members[j]!.group),
      );
    if (ups < 0 || ups > order.length) throw new Error(`controlled rounding: class ${klass} is not reachable`);
    const up = new Set(order.slice(0, ups));
    members.forEach((a, i) => {
      const children = floors[i]! + (up.has(i) ? ROUNDING_BASE : 0);
      lag.set(a.group, (lag.get(a.group) ?? 0) + a.children - children);
      out.push({ county, group: a.group, klass, children });
    });
  }
  return out;
}

/**
 * Rounds `parts` (true atoms: children of one county, one sub-group and one class) so that, for
 * each county and class, they add up to the rounded atom of `parents` (already rounded by
 * `roundAtoms`, one group: the parts' whole), each part to a neighbouring multiple of the base,
 * the largest remainders up (ties: key order). A figure published for a group and its split
 * into sub-groups are then one table: a school's figures and its breakdown by reason add up.
 * Parts of a county and class without a parent round to 0, as that parent rounded away.
 *
 *   roundWithin(
 *     [{ county: "330106", group: "2330106101", klass: "UNINSURED|0|0", children: 5 }],
 *     [{ county: "330106", group: "NO_ID_NUMBER", klass: "UNINSURED|0|0", children: 3 },
 *      { county: "330106", group: "UNPAID", klass: "UNINSURED|0|0", children: 1 }],
 *   ) // NO_ID_NUMBER 5, UNPAID 0
 */
export function roundWithin(parents: readonly Atom[], parts: readonly Atom[]): Atom[] {
  const cell = (a: Atom) => `${a.county ?? ""}\u0000${a.klass}`;
  const targets = new Map<string, number>();
  for (const p of parents) targets.set(cell(p), (targets.get(cell(p)) ?? 0) + p.children);
  const byCell = new Map<string, Atom[]>();
  for (const a of parts) {
    if (!Number.isSafeInteger(a.children) || a.children < 0)
      throw new RangeError(`an atom's children must be a whole number from 0, but got ${a.children}`);
    if (a.children > 0) byCell.set(cell(a), [...(byCell.get(cell(a)) ?? []), a]);
  }
  const rounded: Atom[] = [];
  for (const [key, list] of byCell) {
    const byGroup = new Map(list.map((a) => [a.group ?? "\u0000", a.children]));
    const split = splitToTotal(byGroup, targets.get(key) ?? 0);
    for (const a of list) rounded.push({ ...a, children: split.get(a.group ?? "\u0000")! });
  }
  return rounded;
}
