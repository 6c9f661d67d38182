import { SMALL_CELL_SUPPRESSION_THRESHOLD } from "../domain/insurance-policy.ts";
import { COVERAGE_STATUSES } from "../domain/coverage-terms.ts";

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

/** A group as reported: counts, rates, and whether it was suppressed. */
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
 * Figures of a group. With `suppress` (a viewer who may see no individual child) a group of
 * fewer than 5 children keeps its key and hides every count, so no aggregate points at a child.
 *
 *   figuresOf({ key: "330106", children: 3, … }, true) // { key: "330106", suppressed: true, children: null, … }
 */
export function figuresOf(c: GroupCounts, suppress: boolean): GroupFigures {
  if (suppress && c.children < SMALL_CELL_SUPPRESSION_THRESHOLD) {
    return {
      key: c.key,
      suppressed: true,
      children: null,
      insured: null,
      insuredRate: null,
      newborns: null,
      newbornsInsured: null,
      newbornInsuredRate: null,
      newbornsInsuredWithinWindow: null,
      newbornWithinWindowRate: null,
      statusCounts: COVERAGE_STATUSES.map((status) => ({ status, count: null })),
    };
  }
  // Within a group big enough to show, a count of 1–4 newborns would still single a child out.
  const newbornsShown = !suppress || c.newborns === 0 || c.newborns >= SMALL_CELL_SUPPRESSION_THRESHOLD;
  return {
    key: c.key,
    suppressed: false,
    children: c.children,
    insured: c.insured,
    insuredRate: rate(c.insured, c.children),
    newborns: newbornsShown ? c.newborns : null,
    newbornsInsured: newbornsShown ? c.newbornsInsured : null,
    newbornInsuredRate: newbornsShown ? rate(c.newbornsInsured, c.newborns) : null,
    newbornsInsuredWithinWindow: newbornsShown ? c.newbornsInsuredWithinWindow : null,
    newbornWithinWindowRate: newbornsShown ? rate(c.newbornsInsuredWithinWindow, c.newborns) : null,
    statusCounts: COVERAGE_STATUSES.map((status) => {
      const count = c.byStatus[status] ?? 0;
      return { status, count: suppress && count > 0 && count < SMALL_CELL_SUPPRESSION_THRESHOLD ? null : count };
    }),
  };
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

/** Age bands of the AGE_BAND grouping: infants, toddlers, preschool, primary, junior and senior secondary. */
export const AGE_BANDS = [
  { label: "0", min: 0, max: 0 },
  { label: "1-2", min: 1, max: 2 },
  { label: "3-5", min: 3, max: 5 },
  { label: "6-11", min: 6, max: 11 },
  { label: "12-14", min: 12, max: 14 },
  { label: "15-17", min: 15, max: 17 },
] as const;
