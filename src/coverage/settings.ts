import { isValidIsoDate, type IsoDate } from "../domain/dates.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";
import {
  SETTING_SPECS,
  subsidyKeyOf,
  type CollectionPeriodSetting,
  type NeedySubsidySetting,
  type PolicySettingKey,
  type PolicySettingRow,
  type SettingValues,
  type WaitingPeriodSetting,
} from "../domain/policy-settings.ts";

/** A coordination area's own yearly window, as the insurance department records it ("09-01" to "12-31"). */
export interface AreaWindow {
  opens: string;
  closes: string;
}

/**
 * The province's policy settings as of any date, for any coordination area: the rows the
 * province set (src/coverage/settings-store.ts keeps them) over the values built in
 * (src/domain/policy-settings.ts). Pure: the rules read every parameter through it.
 *
 * A key's value for an area on a date is the area's own row in force on that date (the latest
 * effective on or before it), else the province's, else the built-in value — or none, for a
 * date before anything took effect (the waiting period before 2025).
 *
 *   const settings = new PolicySettings("330000", [
 *     { key: "NEWBORN_WINDOW_DAYS", regionCode: "330000", effectiveFrom: "2026-01-01", value: { days: 180 } },
 *   ]);
 *   settings.newbornWindowDays("2026-03-01", "330100") // 180
 *   settings.newbornWindowDays("2025-12-31", "330100") // 90 (built in)
 */
export class PolicySettings {
  private readonly byKey = new Map<PolicySettingKey, PolicySettingRow[]>();

  constructor(
    readonly provinceCode: string,
    readonly rows: readonly PolicySettingRow[] = [],
    private readonly areaWindows: ReadonlyMap<string, AreaWindow> = new Map(),
  ) {
    for (const row of rows) {
      const list = this.byKey.get(row.key) ?? [];
      list.push(row);
      this.byKey.set(row.key, list);
    }
    // Latest first: the first row on or before a date is the one in force.
    for (const list of this.byKey.values()) list.sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  }

  /** The same settings with `rows` set in place of the rows of the same key, region and date. */
  with(...rows: PolicySettingRow[]): PolicySettings {
    const replaced = (r: PolicySettingRow) =>
      rows.some((n) => n.key === r.key && n.regionCode === r.regionCode && n.effectiveFrom === r.effectiveFrom);
    return new PolicySettings(this.provinceCode, [...this.rows.filter((r) => !replaced(r)), ...rows], this.areaWindows);
  }

  /**
   * The row of `key` in force on `on` for `areaCode` (null: the province's): the area's own, else
   * the province's, else the built-in one; null when none is in force yet.
   */
  rowInForce<K extends PolicySettingKey>(key: K, on: IsoDate, areaCode: string | null): PolicySettingRow<K> | null {
    const rows = (this.byKey.get(key) ?? []) as PolicySettingRow<K>[];
    const inForce = (region: string) => rows.find((r) => r.regionCode === region && r.effectiveFrom <= on) ?? null;
    const own = areaCode !== null && areaCode !== this.provinceCode ? inForce(areaCode) : null;
    const found = own ?? inForce(this.provinceCode);
    if (found) return found;
    const builtIn = SETTING_SPECS[key].builtIn;
    return builtIn && builtIn.effectiveFrom <= on
      ? { key, regionCode: this.provinceCode, effectiveFrom: builtIn.effectiveFrom, value: builtIn.value }
      : null;
  }

  valueOf<K extends PolicySettingKey>(key: K, on: IsoDate, areaCode: string | null): SettingValues[K] | null {
    return this.rowInForce(key, on, areaCode)?.value ?? null;
  }

  /** The newborn window of a child born on `bornOn`: the window in force on its birth date. */
  newbornWindowDays(bornOn: IsoDate, areaCode: string | null): number {
    return this.valueOf("NEWBORN_WINDOW_DAYS", bornOn, areaCode)!.days;
  }

  /**
   * The collection period of a coverage year: the one set for that year, else the latest year
   * set before it shifted by whole years, else the area's own window (opening in the year
   * before), else 1 September to 31 December of the year before.
   *
   *   settings.collectionPeriod(2026, "330100") // { opensOn: "2025-09-01", closesOn: "2025-12-31" }
   */
  collectionPeriod(coverageYear: number, areaCode: string | null): CollectionPeriodSetting {
    const row = this.rowInForce("COLLECTION_PERIOD", `${pad(coverageYear)}-01-01`, areaCode);
    if (row) {
      const shift = coverageYear - Number(row.effectiveFrom.slice(0, 4));
      return { opensOn: shiftYears(row.value.opensOn, shift), closesOn: shiftYears(row.value.closesOn, shift) };
    }
    const window = areaCode === null ? undefined : this.areaWindows.get(areaCode);
    const opens = window?.opens ?? "09-01";
    const closes = window?.closes ?? "12-31";
    return {
      opensOn: monthDayIn(coverageYear - 1, opens),
      closesOn: monthDayIn(closes >= opens ? coverageYear - 1 : coverageYear, closes),
    };
  }

  /** The waiting-period rule in force on `on`; null before any (before 2025). */
  waitingPeriod(on: IsoDate, areaCode: string | null): WaitingPeriodSetting | null {
    return this.valueOf("WAITING_PERIOD", on, areaCode);
  }

  /** What medical assistance owes a needy category's child, on `on`, in the area. */
  needySubsidy(category: NeedyCategory, on: IsoDate, areaCode: string | null): NeedySubsidySetting {
    return this.valueOf(subsidyKeyOf(category), on, areaCode) ?? { kind: "NONE", amountFen: null };
  }
}

const pad = (year: number) => String(year).padStart(4, "0");

/** A month-day ("02-29") in a year, the 29th of February becoming the 28th outside leap years. */
function monthDayIn(year: number, monthDay: string): IsoDate {
  const date = `${pad(year)}-${monthDay}`;
  return isValidIsoDate(date) ? date : `${pad(year)}-${monthDay.slice(0, 3)}28`;
}

function shiftYears(date: IsoDate, years: number): IsoDate {
  return years === 0 ? date : monthDayIn(Number(date.slice(0, 4)) + years, date.slice(5));
}
