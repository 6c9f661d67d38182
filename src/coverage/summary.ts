import {
  COVERAGE_STATUSES,
  isGap,
  REASON_PRIORITY,
  type CoverageStatus,
  type GapReason,
} from "../domain/coverage-terms.ts";
import type { Atom } from "./controlled-rounding.ts";

/** Counts of one group of children in a snapshot (what one aggregate row holds). */
export interface GroupCounts {
  key: string | null;
  children: number;
  insured: number;
  newborns: number;
  newbornsInsured: number;
  newbornsInsuredWithinWindow: number;
  byStatus: Readonly<Record<string, number>>;
}

/**
 * A group as reported: counts and rates. `suppressed` stays for clients: no figure is withheld
 * any more, protected statistics are rounded instead (controlled-rounding.ts), so it is false.
 */
export interface GroupFigures {
  key: string | null;
  suppressed: boolean;
  children: number | null;
  insured: number | null;
  insuredRate: number | null;
  newborns: number | null;
  newbornsInsured: number | null;
  newbornInsuredRate: number | null;
  newbornsInsuredWithinWindow: number | null;
  newbornWithinWindowRate: number | null;
  statusCounts: { status: string; count: number | null }[];
}

/** Rates to four decimals; no rate of nobody. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/**
 * Figures of a group, with the rates computed from the counts given: for protected statistics
 * those are the rounded counts, so a rate tells nothing the counts do not.
 *
 *   figuresOf({ key: "330106", children: 40, insured: 35, … }) // { key: "330106", insuredRate: 0.875, … }
 */
export function figuresOf(c: GroupCounts): GroupFigures {
  return {
    key: c.key,
    suppressed: false,
    children: c.children,
    insured: c.insured,
    insuredRate: rate(c.insured, c.children),
    newborns: c.newborns,
    newbornsInsured: c.newbornsInsured,
    newbornInsuredRate: rate(c.newbornsInsured, c.newborns),
    newbornsInsuredWithinWindow: c.newbornsInsuredWithinWindow,
    newbornWithinWindowRate: rate(c.newbornsInsuredWithinWindow, c.newborns),
    statusCounts: COVERAGE_STATUSES.map((status) => ({ status, count: c.byStatus[status] ?? 0 })),
  };
}

/**
 * A child's class: what its counts in a group depend on (its status, whether it was born in the
 * coverage year, whether it was insured within the newborn window). Every count of a group is
 * a sum of classes, which is what lets controlled rounding keep them adding up.
 *
 *   classOf("INSURED", true, false) // "INSURED|1|0"
 */
export function classOf(status: string, newborn: boolean, insuredWithinWindow: boolean): string {
  return `${status}|${newborn ? 1 : 0}|${insuredWithinWindow ? 1 : 0}`;
}

const INSURED_STATUSES: ReadonlySet<string> = new Set(["INSURED", "DUPLICATE"]);

/**
 * Counts per group from atoms (children per county, group and class), in key order with the
 * children of no group last; groups without children are left out.
 */
export function countsOfAtoms(atoms: readonly Atom[]): GroupCounts[] {
  const groups = new Map<string | null, GroupCounts>();
  for (const a of atoms) {
    if (a.children === 0) continue;
    let g = groups.get(a.group);
    if (!g) groups.set(a.group, (g = totalOf([], a.group)));
    const [status, newborn, withinWindow] = a.klass.split("|");
    const byStatus = g.byStatus as Record<string, number>;
    g.children += a.children;
    byStatus[status!] = (byStatus[status!] ?? 0) + a.children;
    if (INSURED_STATUSES.has(status!)) g.insured += a.children;
    if (newborn === "1") {
      g.newborns += a.children;
      if (INSURED_STATUSES.has(status!)) g.newbornsInsured += a.children;
      if (withinWindow === "1") g.newbornsInsuredWithinWindow += a.children;
    }
  }
  return [...groups.values()].sort((a, b) =>
    a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1,
  );
}

/** The sum of groups: the total row of a summary. */
export function totalOf(groups: readonly GroupCounts[], key: string | null): GroupCounts {
  const byStatus: Record<string, number> = Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0]));
  const total = {
    key,
    children: 0,
    insured: 0,
    newborns: 0,
    newbornsInsured: 0,
    newbornsInsuredWithinWindow: 0,
    byStatus,
  };
  for (const g of groups) {
    total.children += g.children;
    total.insured += g.insured;
    total.newborns += g.newborns;
    total.newbornsInsured += g.newbornsInsured;
    total.newbornsInsuredWithinWindow += g.newbornsInsuredWithinWindow;
    for (const s of COVERAGE_STATUSES) byStatus[s] = (byStatus[s] ?? 0) + (g.byStatus[s] ?? 0);
  }
  return total;
}

/**
 * Two answers' counts as one: the counts of equal keys summed (a region's placed children and
 * its place-unknown group, published under different controls), in key order, no key last.
 */
export function mergeCounts(...parts: readonly (readonly GroupCounts[])[]): GroupCounts[] {
  const groups = new Map<string | null, GroupCounts[]>();
  for (const part of parts) for (const g of part) groups.set(g.key, [...(groups.get(g.key) ?? []), g]);
  return [...groups]
    .map(([key, list]) => totalOf(list, key))
    .sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
}

/**
 * The label of the place-unknown group: in a summary of the hub's whole province by REGION, the
 * children it cannot place (no residence, or one outside the province), under the key null.
 */
export const PLACE_UNKNOWN_LABEL = "居住地不明";

/** The REASON group of a gap no reason leads (the rules give every gap one; this keeps a miss visible, not dropped). */
export const UNEXPLAINED_GAP = "UNEXPLAINED";

/**
 * The reason that leads a gap: the first of its reasons in REASON_PRIORITY, whose actor is the
 * child's responsible actor. What statistics by REASON count the gap under; null for none.
 *
 *   leadingReasonOf(["NON_LOCAL_HUKOU", "NEVER_ENROLLED"]) // "NEVER_ENROLLED"
 */
export function leadingReasonOf(reasons: readonly string[]): GapReason | null {
  return REASON_PRIORITY.find((r) => reasons.includes(r)) ?? null;
}

/**
 * A child's REASON group (REASON_GROUP_SQL in rollup.ts is the same in SQL): the reason leading
 * its gap (UNEXPLAINED_GAP for a gap none leads), null without a gap. Every child is in exactly
 * one group, so the groups add up to the total, and the reason groups to the gap count.
 *
 *   reasonGroupOf("LAPSED", ["NOT_RENEWED"]) // "NOT_RENEWED";  reasonGroupOf("INSURED", ["NON_LOCAL_HUKOU"]) // null
 */
export function reasonGroupOf(status: string, reasons: readonly string[]): string | null {
  if (!isGap(status as CoverageStatus, reasons as readonly GapReason[])) return null;
  return leadingReasonOf(reasons) ?? UNEXPLAINED_GAP;
}

/** Age bands of the AGE_BAND grouping: infants, toddlers, preschool, primary, junior and senior secondary. */
export const AGE_BANDS = [
  { label: "0", min: 0, max: 0 },
  { label: "1-2", min: 1, max: 2 },
  { label: "3-5", min: 3, max: 5 },
  { label: "6-11", min: 6, max: 11 },
  { label: "12-14", min: 12, max: 14 },
  { label: "15-17", min: 15, max: 17 },
] as const;
