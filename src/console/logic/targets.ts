/** A rate beside its policy target (newborns in year of birth ≥ 80%, overall ≥ 95%). */
export interface TargetComparison {
  met: boolean;
  /** Percentage points above (positive) or below (negative) the target, rounded to 0.1. */
  points: number;
  /** More insured children needed to reach the target; 0 when met. */
  shortfall: number;
}

/**
 * How far a group is from a target. The target is met at exactly the target rate.
 *
 *   compareToTarget({ children: 200, insured: 180 }, 0.95) // { met: false, points: -5, shortfall: 10 }
 */
export function compareToTarget(group: { children: number; insured: number }, target: number): TargetComparison {
  if (group.children <= 0) return { met: true, points: 0, shortfall: 0 };
  const rate = group.insured / group.children;
  // Rounded to whole children first: 0.95 × 200 is 190.00000000000003 in floating point.
  const needed = Math.ceil(Math.round(target * group.children * 1e6) / 1e6);
  const shortfall = Math.max(0, needed - group.insured);
  return { met: shortfall === 0, points: Math.round((rate - target) * 1000) / 10, shortfall };
}

/** A rate (0–1) against a target when only the rate is known (e.g. the newborn rate). */
export function rateMeetsTarget(rate: number | null | undefined, target: number): boolean | null {
  if (rate === null || rate === undefined) return null;
  return rate + 1e-9 >= target;
}
