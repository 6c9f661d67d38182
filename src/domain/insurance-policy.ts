/**
 * The numbers the policy fixes, in one place, each with where it comes from.
 *
 * "The 2024 notice" below is the national notice on the 2024 special campaign for children to
 * join basic medical insurance (National Healthcare Security Administration, Ministry of
 * Education, National Health Commission, the State Council Women and Children's Working
 * Committee, All-China Women's Federation). "The 2024 opinion" is the State Council General
 * Office's guiding opinion on a long-term mechanism for basic medical insurance enrolment
 * (2024), which sets the waiting periods from 2025.
 */
import { isValidIsoDate, type IsoDate } from "./dates.ts";

/**
 * Days after birth within which a newborn insured and paid gets every eligible expense since
 * the birth date reimbursed (the 2024 notice). Provinces may allow longer (some 180 days), so
 * this is only the built-in value of the province's NEWBORN_WINDOW_DAYS setting (policy-settings.ts).
 */
export const NEWBORN_WINDOW_DAYS_DEFAULT = 90;

/**
 * Days after birth within which the newborn's medical insurance code can be used for treatment
 * and settlement directly, before the resident ID number exists (the 2024 notice).
 */
export const NEWBORN_CODE_WINDOW_DAYS = 180;

/** Share of newborns to be insured in their year of birth by the end of 2024 (the 2024 notice: more than 80%). */
export const TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR = 0.8;

/** Overall coverage the campaign holds the line at (above 95%). */
export const TARGET_OVERALL_COVERAGE = 0.95;

/** Insurance type code of urban-rural resident basic medical insurance (城乡居民基本医疗保险), the scheme children join. */
export const RESIDENT_INSURANCE_TYPE_CODE = "390";

/**
 * A child counts as a newborn for the coverage statuses (NEWBORN_IN_WINDOW / NEWBORN_OVERDUE)
 * in the first year of life: past the first birthday a never-insured child is UNINSURED, and
 * the newborn rules (retroactive cover, waiting-period exemption) no longer help.
 */
export const NEWBORN_STATUS_MAX_AGE_YEARS = 1;

/** Compulsory education (九年义务教育) ages: a child this age with no school record is a gap reason. */
export const COMPULSORY_SCHOOL_AGES = { min: 6, max: 15 } as const;

/** A person is a child up to the day before their 18th birthday (minors under PRC law). */
export const CHILD_MAX_AGE_EXCLUSIVE = 18;

/**
 * Statistics cells with fewer children than this are suppressed for roles that may not see
 * individuals, so that an aggregate cannot single out a child.
 */
export const SMALL_CELL_SUPPRESSION_THRESHOLD = 5;

/**
 * First and last day of a coverage year, both inclusive.
 *
 * @example coverageYearBounds(2025) // { start: "2025-01-01", end: "2025-12-31" }
 */
export function coverageYearBounds(year: number): { start: IsoDate; end: IsoDate } {
  const start = `${String(year).padStart(4, "0")}-01-01`;
  if (!Number.isSafeInteger(year) || !isValidIsoDate(start)) {
    throw new RangeError(`coverage year must be a whole year from 1 to 9999, but got ${year}`);
  }
  return { start, end: `${String(year).padStart(4, "0")}-12-31` };
}

/** The waiting period's arithmetic: the part of `WaitingPeriodSetting` (policy-settings.ts) it needs. */
export interface WaitingArithmetic {
  fixedMonths: number;
  monthsPerLapsedYear: number;
  longLapseYears: number;
  longLapseMinimumMonths: number;
}

/** 国办发〔2024〕38号 as written: 3 months, 1 more per lapsed year, at least 6 after 4 or more lapsed years. */
export const GUIDELINE_WAITING: WaitingArithmetic = Object.freeze({
  fixedMonths: 3,
  monthsPerLapsedYear: 1,
  longLapseYears: 4,
  longLapseMinimumMonths: 6,
});

/**
 * Months between paying and the start of benefits, from 2025, for someone who is not exempt
 * (newborns are, and whoever else the province's setting exempts: the caller's question), by
 * the State Council General Office's guideline 国办发〔2024〕38号 (README, "Policy settings"):
 *
 * - enrolled in the collection period, with no lapsed year: no wait;
 * - otherwise a fixed 3 months, plus 1 month per lapsed year ("每多断保1年"), less 1 month per
 *   lapsed year paid for afterwards (a repair);
 * - after 4 or more lapsed years the repaired total is at least 6 months. (The floor only ever
 *   bites after a repair: without one, 4 lapsed years already give 3 + 4 = 7.)
 *
 * A lapsed year is a coverage year missed between the last one paid in time and the one enrolled
 * for; the caller counts them (src/coverage/rules.ts).
 *
 * @example waitingPeriodMonths({ lapsedYears: 0, inCollectionPeriod: true }) // 0
 * @example waitingPeriodMonths({ lapsedYears: 0 }) // 3: outside the collection period, no lapse
 * @example waitingPeriodMonths({ lapsedYears: 2 }) // 5
 * @example waitingPeriodMonths({ lapsedYears: 5, repairedYears: 5 }) // 6: fully repaired, but floored
 */
export function waitingPeriodMonths(
  situation: { lapsedYears: number; repairedYears?: number; inCollectionPeriod?: boolean },
  rule: WaitingArithmetic = GUIDELINE_WAITING,
): number {
  const { lapsedYears, repairedYears = 0, inCollectionPeriod = false } = situation;
  for (const [name, n] of [
    ["lapsed years", lapsedYears],
    ["repaired years", repairedYears],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number from 0, but got ${n}`);
  }
  if (lapsedYears === 0 && inCollectionPeriod) return 0;
  const months = rule.fixedMonths + rule.monthsPerLapsedYear * Math.max(0, lapsedYears - repairedYears);
  return lapsedYears >= rule.longLapseYears ? Math.max(rule.longLapseMinimumMonths, months) : months;
}

/**
 * Categories of needy children whose individual contribution medical assistance subsidises
 * (the 2024 notice). Extremely poor children get it in full, minimum-living-guarantee children
 * a fixed amount; orphans and disabled children as local rules say.
 */
export const NEEDY_CATEGORIES = ["EXTREMELY_POOR", "MIN_LIVING", "ORPHAN", "DISABLED"] as const;

export type NeedyCategory = (typeof NEEDY_CATEGORIES)[number];

/** The Chinese labels departments use for each needy category. */
export const needyCategoryLabels: Readonly<Record<NeedyCategory, string>> = Object.freeze({
  EXTREMELY_POOR: "特困",
  MIN_LIVING: "低保",
  ORPHAN: "孤儿",
  DISABLED: "残疾",
});

/**
 * Narrows a string from outside to a needy category.
 *
 * @example isNeedyCategory("ORPHAN") // true
 */
export function isNeedyCategory(s: string): s is NeedyCategory {
  return (NEEDY_CATEGORIES as readonly string[]).includes(s);
}
