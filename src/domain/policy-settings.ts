/**
 * The policy parameters a province sets (DESIGN.md: "provincial settings with effective dates,
 * not constants"): what each setting is, the values it may take, where it may differ by
 * coordination area, and the value the hub assumes until the province sets one. Pure: the
 * history is kept by src/coverage/settings-store.ts, read in force by src/coverage/settings.ts.
 *
 * A setting is one row: a key, a region (the province's own code for the whole province, or a
 * coordination area's code where the key allows it), the date it takes effect, and a value.
 */
import { InputError } from "../errors.ts";
import { isValidIsoDate, yearOf, type IsoDate } from "./dates.ts";
import { NEEDY_CATEGORIES, NEWBORN_WINDOW_DAYS_DEFAULT, type NeedyCategory } from "./insurance-policy.ts";

export const POLICY_SETTING_KEYS = [
  "NEWBORN_WINDOW_DAYS",
  "COLLECTION_PERIOD",
  "WAITING_PERIOD",
  "NEEDY_SUBSIDY_EXTREMELY_POOR",
  "NEEDY_SUBSIDY_MIN_LIVING",
  "NEEDY_SUBSIDY_ORPHAN",
  "NEEDY_SUBSIDY_DISABLED",
] as const;
export type PolicySettingKey = (typeof POLICY_SETTING_KEYS)[number];

/** Days after birth within which an insured and paid newborn is covered from birth. */
export interface NewbornWindowSetting {
  days: number;
}

/** The annual collection period (集中参保期) of one coverage year: first and last day, inclusive. */
export interface CollectionPeriodSetting {
  opensOn: IsoDate;
  closesOn: IsoDate;
}

/** Which newborns are exempt from the waiting period (国办发〔2024〕38号 exempts "newborns"). */
export const NEWBORN_EXEMPTIONS = ["FIRST_YEAR", "NEWBORN_WINDOW"] as const;
export type NewbornExemption = (typeof NEWBORN_EXEMPTIONS)[number];

/** How many lapsed years a child who was never insured is charged (the guideline is silent). */
export const NEVER_INSURED_RULES = ["FIXED_ONLY", "LAPSED_SINCE_BIRTH"] as const;
export type NeverInsuredRule = (typeof NEVER_INSURED_RULES)[number];

/**
 * The waiting period's parameters (国办发〔2024〕38号; README, "Policy settings"): a fixed part
 * for whoever did not enroll in the collection period or not continuously, a variable part per
 * lapsed year that paying for missed years repairs, and a floor after a long lapse. The choices
 * the text leaves to the provinces are settings too.
 */
export interface WaitingPeriodSetting {
  fixedMonths: number;
  monthsPerLapsedYear: number;
  /** From this many lapsed years on, the repaired total is at least `longLapseMinimumMonths`. */
  longLapseYears: number;
  longLapseMinimumMonths: number;
  /** FIRST_YEAR: children under one never wait; NEWBORN_WINDOW: only within the newborn window. */
  newbornExemption: NewbornExemption;
  /** FIXED_ONLY: a first enrollment is no lapse; LAPSED_SINCE_BIRTH: every year since the birth year is one. */
  neverInsured: NeverInsuredRule;
  /** Needy children (medical-assistance recipients) exempt, as some provinces rule. */
  needyExempt: boolean;
  /** Lapsed years before this coverage year are not counted (null: all are). */
  lapsesCountFrom: number | null;
}

export const SUBSIDY_KINDS = ["FULL", "FIXED", "NONE"] as const;
export type SubsidyKind = (typeof SUBSIDY_KINDS)[number];

/**
 * What medical assistance pays of a needy category's individual contribution: all of it (FULL,
 * 特困 by the national rule), a fixed amount (FIXED, 低保), or nothing the hub checks (NONE).
 */
export interface NeedySubsidySetting {
  kind: SubsidyKind;
  /** FIXED only: the amount in fen (1/100 yuan). */
  amountFen: number | null;
}

export interface SettingValues {
  NEWBORN_WINDOW_DAYS: NewbornWindowSetting;
  COLLECTION_PERIOD: CollectionPeriodSetting;
  WAITING_PERIOD: WaitingPeriodSetting;
  NEEDY_SUBSIDY_EXTREMELY_POOR: NeedySubsidySetting;
  NEEDY_SUBSIDY_MIN_LIVING: NeedySubsidySetting;
  NEEDY_SUBSIDY_ORPHAN: NeedySubsidySetting;
  NEEDY_SUBSIDY_DISABLED: NeedySubsidySetting;
}
export type SettingValue = SettingValues[PolicySettingKey];

/** One setting as it is kept: in force from `effectiveFrom` for the region, until a later one. */
export interface PolicySettingRow<K extends PolicySettingKey = PolicySettingKey> {
  key: K;
  /** The province's code ("330000") for the whole province, or a coordination area's ("330100"). */
  regionCode: string;
  effectiveFrom: IsoDate;
  value: SettingValues[K];
}

/** The first day of the waiting periods (国办发〔2024〕38号: "from 2025"). */
export const WAITING_PERIOD_FROM: IsoDate = "2025-01-01";

/** The waiting period as the guideline states it, with this hub's readings of what it leaves open. */
export const WAITING_PERIOD_DEFAULT: WaitingPeriodSetting = Object.freeze({
  fixedMonths: 3,
  monthsPerLapsedYear: 1,
  longLapseYears: 4,
  longLapseMinimumMonths: 6,
  newbornExemption: "FIRST_YEAR",
  neverInsured: "FIXED_ONLY",
  needyExempt: false,
  lapsesCountFrom: null,
});

/** The minimum-living-guarantee subsidy assumed until the province sets its own: 200 yuan. */
export const MIN_LIVING_SUBSIDY_DEFAULT_FEN = 20_000;

interface SettingSpec<K extends PolicySettingKey> {
  /** May a coordination area have its own value (else the province's only)? */
  perArea: boolean;
  /** One value per coverage year: `effectiveFrom` is the year's 1 January. */
  yearly: boolean;
  /** The value until the province sets one, and from when (null: nothing is in force before a setting). */
  builtIn: { effectiveFrom: IsoDate; value: SettingValues[K] } | null;
  description: string;
  parse(value: unknown, effectiveFrom: IsoDate): SettingValues[K];
}

type SubsidyKey = `NEEDY_SUBSIDY_${NeedyCategory}`;

const subsidySpec = <K extends SubsidyKey>(category: NeedyCategory): SettingSpec<K> => ({
  perArea: true,
  yearly: false,
  builtIn: { effectiveFrom: "0001-01-01", value: DEFAULT_SUBSIDIES[category] },
  description:
    `What medical assistance pays of a ${category} child's individual contribution: ` +
    `{ "kind": "FULL" } | { "kind": "FIXED", "amountFen": 20000 } | { "kind": "NONE" }`,
  parse: parseSubsidy,
});

const DEFAULT_SUBSIDIES: Readonly<Record<NeedyCategory, NeedySubsidySetting>> = {
  EXTREMELY_POOR: { kind: "FULL", amountFen: null },
  MIN_LIVING: { kind: "FIXED", amountFen: MIN_LIVING_SUBSIDY_DEFAULT_FEN },
  ORPHAN: { kind: "FULL", amountFen: null },
  DISABLED: { kind: "FIXED", amountFen: MIN_LIVING_SUBSIDY_DEFAULT_FEN },
};

/** Every setting: what it is, where it may differ, what holds until it is set, how its value is read. */
export const SETTING_SPECS: { readonly [K in PolicySettingKey]: SettingSpec<K> } = {
  NEWBORN_WINDOW_DAYS: {
    perArea: false,
    yearly: false,
    builtIn: { effectiveFrom: "0001-01-01", value: { days: NEWBORN_WINDOW_DAYS_DEFAULT } },
    description:
      'Days after birth within which an insured, paid newborn is covered from birth: { "days": 90 } (or 180). ' +
      "The window in force on the child's birth date applies.",
    parse: (value) => ({ days: wholeNumber(value, "days", 1, 366) }),
  },
  COLLECTION_PERIOD: {
    perArea: true,
    yearly: true,
    builtIn: null,
    description:
      'The collection period of the coverage year of effectiveFrom: { "opensOn": "2025-09-01", "closesOn": ' +
      '"2025-12-31" }. Repeats, shifted by whole years, until a later year sets its own.',
    parse: parseCollectionPeriod,
  },
  WAITING_PERIOD: {
    perArea: false,
    yearly: false,
    builtIn: { effectiveFrom: WAITING_PERIOD_FROM, value: WAITING_PERIOD_DEFAULT },
    description:
      "The waiting period's parameters (国办发〔2024〕38号): fixedMonths, monthsPerLapsedYear, longLapseYears, " +
      "longLapseMinimumMonths, newbornExemption (FIRST_YEAR | NEWBORN_WINDOW), neverInsured (FIXED_ONLY | " +
      "LAPSED_SINCE_BIRTH), needyExempt, lapsesCountFrom (a coverage year or null). Not before 2025-01-01.",
    parse: parseWaitingPeriod,
  },
  NEEDY_SUBSIDY_EXTREMELY_POOR: subsidySpec("EXTREMELY_POOR"),
  NEEDY_SUBSIDY_MIN_LIVING: subsidySpec("MIN_LIVING"),
  NEEDY_SUBSIDY_ORPHAN: subsidySpec("ORPHAN"),
  NEEDY_SUBSIDY_DISABLED: subsidySpec("DISABLED"),
};

/** The subsidy setting's key of a needy category. */
export function subsidyKeyOf(category: NeedyCategory): SubsidyKey {
  return `NEEDY_SUBSIDY_${category}`;
}

export function isPolicySettingKey(s: string): s is PolicySettingKey {
  return (POLICY_SETTING_KEYS as readonly string[]).includes(s);
}

/**
 * A setting as someone proposes it (a GraphQL input, a line of a settings file), checked
 * against its rules; every problem is an InputError naming the field. `provinceCode` is the
 * hub's province; `areaCodes` the coordination areas that exist.
 *
 *   parseSettingRow({ key: "NEWBORN_WINDOW_DAYS", regionCode: "330000", effectiveFrom: "2026-01-01",
 *                     value: { days: 180 } }, "330000", new Set(["330100"]))
 *   // { key: "NEWBORN_WINDOW_DAYS", regionCode: "330000", effectiveFrom: "2026-01-01", value: { days: 180 } }
 */
export function parseSettingRow(
  input: { key: string; regionCode: string; effectiveFrom: string; value: unknown },
  provinceCode: string,
  areaCodes: ReadonlySet<string>,
): PolicySettingRow {
  const { key, regionCode, effectiveFrom } = input;
  if (!isPolicySettingKey(key))
    throw new InputError("key", `must be one of ${POLICY_SETTING_KEYS.join(", ")}, but got "${key}"`);
  const spec = SETTING_SPECS[key] as SettingSpec<PolicySettingKey>;
  if (!isValidIsoDate(effectiveFrom))
    throw new InputError("effectiveFrom", `must be a date like 2026-01-01, but got "${effectiveFrom}"`);
  if (spec.yearly && !effectiveFrom.endsWith("-01-01"))
    throw new InputError(
      "effectiveFrom",
      `${key} is set per coverage year: must be the year's 1 January, but got ${effectiveFrom}`,
    );
  if (key === "WAITING_PERIOD" && effectiveFrom < WAITING_PERIOD_FROM)
    throw new InputError(
      "effectiveFrom",
      `the waiting period starts in 2025 (国办发〔2024〕38号): must be ${WAITING_PERIOD_FROM} or later, ` +
        `but got ${effectiveFrom}`,
    );
  if (regionCode !== provinceCode) {
    if (!spec.perArea)
      throw new InputError(
        "regionCode",
        `${key} is set for the whole province: must be ${provinceCode}, but got "${regionCode}"`,
      );
    if (!areaCodes.has(regionCode) || regionCode.slice(0, 2) !== provinceCode.slice(0, 2))
      throw new InputError(
        "regionCode",
        `must be the province (${provinceCode}) or one of its coordination areas, but got "${regionCode}"`,
      );
  }
  return { key, regionCode, effectiveFrom, value: spec.parse(input.value, effectiveFrom) };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InputError("value", `must be an object, but got ${JSON.stringify(value) ?? String(value)}`);
  return value as Record<string, unknown>;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  const n = record(value)[field];
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max)
    throw new InputError(
      `value.${field}`,
      `must be a whole number from ${min} to ${max}, but got ${JSON.stringify(n)}`,
    );
  return n;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const s = record(value)[field];
  if (typeof s !== "string" || !(allowed as readonly string[]).includes(s))
    throw new InputError(`value.${field}`, `must be one of ${allowed.join(", ")}, but got ${JSON.stringify(s)}`);
  return s as T;
}

function parseCollectionPeriod(value: unknown, effectiveFrom: IsoDate): CollectionPeriodSetting {
  const v = record(value);
  const year = yearOf(effectiveFrom);
  for (const field of ["opensOn", "closesOn"] as const) {
    const d = v[field];
    if (typeof d !== "string" || !isValidIsoDate(d))
      throw new InputError(`value.${field}`, `must be a date like ${year - 1}-09-01, but got ${JSON.stringify(d)}`);
    if (d < `${year - 1}-01-01` || d > `${year}-12-31`)
      throw new InputError(
        `value.${field}`,
        `the period of coverage year ${year} lies in ${year - 1} or ${year}, but got ${d}`,
      );
  }
  const opensOn = v.opensOn as IsoDate;
  const closesOn = v.closesOn as IsoDate;
  if (closesOn < opensOn)
    throw new InputError("value.closesOn", `must not be before opensOn (${opensOn}), but got ${closesOn}`);
  return { opensOn, closesOn };
}

function parseWaitingPeriod(value: unknown): WaitingPeriodSetting {
  const v = record(value);
  const lapsesCountFrom = v.lapsesCountFrom ?? null;
  if (lapsesCountFrom !== null) wholeNumber(v, "lapsesCountFrom", 1900, 9999);
  if (typeof v.needyExempt !== "boolean")
    throw new InputError("value.needyExempt", `must be true or false, but got ${JSON.stringify(v.needyExempt)}`);
  return {
    fixedMonths: wholeNumber(v, "fixedMonths", 0, 12),
    monthsPerLapsedYear: wholeNumber(v, "monthsPerLapsedYear", 0, 12),
    longLapseYears: wholeNumber(v, "longLapseYears", 1, 20),
    longLapseMinimumMonths: wholeNumber(v, "longLapseMinimumMonths", 0, 24),
    newbornExemption: oneOf(v, "newbornExemption", NEWBORN_EXEMPTIONS),
    neverInsured: oneOf(v, "neverInsured", NEVER_INSURED_RULES),
    needyExempt: v.needyExempt,
    lapsesCountFrom: lapsesCountFrom as number | null,
  };
}

function parseSubsidy(value: unknown): NeedySubsidySetting {
  const kind = oneOf(value, "kind", SUBSIDY_KINDS);
  if (kind !== "FIXED") {
    if (record(value).amountFen != null)
      throw new InputError("value.amountFen", `is only for a FIXED subsidy, but the kind is ${kind}`);
    return { kind, amountFen: null };
  }
  return { kind, amountFen: wholeNumber(value, "amountFen", 1, 10_000_000) };
}

/** Every needy category's subsidy key, in category order. */
export const SUBSIDY_KEYS = NEEDY_CATEGORIES.map(subsidyKeyOf);
