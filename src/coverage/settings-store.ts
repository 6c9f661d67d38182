import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { regionPrefixOf, withinRegion } from "../db/region.ts";
import {
  policySettingChanges,
  policySettings,
  SETTING_ROW_COLUMNS,
  type SETTING_CHANGE_SOURCES,
} from "../db/tables/settings.ts";
import type { IsoDate } from "../domain/dates.ts";
import { provinceOf } from "../domain/division-codes.ts";
import {
  parseSettingRow,
  type PolicySettingKey,
  type PolicySettingRow,
  type SettingValue,
} from "../domain/policy-settings.ts";
import { loadCoveragePolicy } from "./load-policy.ts";
import { lockLinkage } from "../linkage/store.ts";
import { reassessWhere } from "./store.ts";

/** A setting as someone proposes it: a GraphQL input, or an entry of a settings file. */
export interface SettingInput {
  key: string;
  /** The province's code for the whole province, or a coordination area's; default the province. */
  regionCode?: string | null;
  effectiveFrom: string;
  value: unknown;
  note?: string | null;
}

/** Who changes settings, and through what: written into every change's log row. */
export interface SettingAuthor {
  actor: string;
  role: string;
  source: (typeof SETTING_CHANGE_SOURCES)[number];
}

/** What one proposed setting did. */
export interface SettingChange {
  row: PolicySettingRow;
  /** The value the same key, region and date held before; null when the row is new. */
  oldValue: SettingValue | null;
  /** False when the value was already so: nothing was written, logged or re-assessed. */
  changed: boolean;
  /** Snapshot rows re-assessed because of the change. */
  reassessed: number;
  note: string | null;
}

/**
 * Sets policy settings, all or none (one transaction): each is validated (an InputError names
 * the entry and field), written over the row of the same key, region and effective date,
 * logged in `audit.policy_setting_changes` with who, when, from where, the old value and the
 * new one, and followed by a re-assessment, in every retained snapshot, of the children the
 * change can touch (`touchedBy`). A value the row already holds changes nothing, so loading
 * the same file twice is harmless.
 *
 *   await setPolicySettings(db, [{ key: "NEWBORN_WINDOW_DAYS", effectiveFrom: "2026-01-01",
 *                                  value: { days: 180 } }], { actor: "officer-33", role: "insurance_officer",
 *                                  source: "graph" })
 *   // [{ row: { …, value: { days: 180 } }, oldValue: null, changed: true, reassessed: 1_204, note: null }]
 */
export async function setPolicySettings(
  db: Db,
  inputs: readonly SettingInput[],
  author: SettingAuthor,
): Promise<SettingChange[]> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // In turn with imports, link changes and snapshot batches (they all re-assess snapshot rows):
    // each then assesses under the policy the other committed.
    await lockLinkage(tx);
    const base = await loadCoveragePolicy(tx);
    const rows = inputs.map((input, i) => {
      try {
        return parseSettingRow(
          { ...input, regionCode: regionCodeOf(input.regionCode, base.provinceCode) },
          base.provinceCode,
          base.areaCodes,
        );
      } catch (error) {
        if (inputs.length > 1 && error instanceof Error) error.message = `setting ${i + 1}: ${error.message}`;
        throw error;
      }
    });
    const changes: SettingChange[] = [];
    for (const [i, row] of rows.entries()) {
      const note = inputs[i]!.note?.trim() || null;
      const [old] = await tx
        .select({ value: policySettings.value })
        .from(policySettings)
        .where(rowKey(row))
        .for("update");
      const oldValue = (old?.value ?? null) as SettingValue | null;
      if (oldValue !== null && sameJson(oldValue, row.value)) {
        changes.push({ row, oldValue, changed: false, reassessed: 0, note });
        continue;
      }
      await tx
        .insert(policySettings)
        .values({ ...row, changedBy: author.actor, note })
        .onConflictDoUpdate({
          target: [policySettings.key, policySettings.regionCode, policySettings.effectiveFrom],
          set: { value: row.value, changedBy: author.actor, changedAt: new Date(), note },
        });
      // The policy as it now stands: the re-assessment reads the new value.
      const reassessed = await reassessWhere(tx, touchedBy(row, base.provinceCode), await loadCoveragePolicy(tx));
      await tx.insert(policySettingChanges).values({
        actor: author.actor,
        role: author.role,
        source: author.source,
        key: row.key,
        regionCode: row.regionCode,
        effectiveFrom: row.effectiveFrom,
        oldValue,
        newValue: row.value,
        note,
        reassessed,
      });
      changes.push({ row, oldValue, changed: true, reassessed, note });
    }
    return changes;
  });
}

/** A region as people write it: none or the province's prefix ("33") is the province; "3301" is "330100". */
function regionCodeOf(region: string | null | undefined, provinceCode: string): string {
  const value = (region ?? "").normalize("NFKC").trim();
  if (value === "") return provinceCode;
  return /^\d{2}$|^\d{4}$/.test(value) ? value.padEnd(6, "0") : value;
}

function rowKey(row: PolicySettingRow): SQL {
  return and(
    eq(policySettings.key, row.key),
    eq(policySettings.regionCode, row.regionCode),
    eq(policySettings.effectiveFrom, row.effectiveFrom),
  )!;
}

/** Deep equality of two JSON values, whatever the order of their keys (jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Which snapshot rows a setting can change, as a condition per snapshot date (null: none of
 * that date's). A superset is harmless (a re-assessment that changes nothing), a missing child
 * is not, so each key names everything its rule reads:
 * - the newborn window: children born on or after the date it takes effect (the window in force
 *   on the birth date applies) who are under one or born in the coverage year (the statuses
 *   NEWBORN_*, the deadline, "insured within the window");
 * - the collection period and the waiting period: children not insured (the waiting period);
 * - a needy category's subsidy: the children of that category.
 * An area's row touches only children resident in the area.
 */
export function touchedBy(row: PolicySettingRow, provinceCode: string): (asOf: IsoDate) => SQL | null {
  const area = row.regionCode === provinceOf(provinceCode) ? null : row.regionCode;
  const where = byKey(row.key, row.effectiveFrom);
  const inArea = area === null ? sql`true` : withinRegion(sql.raw("residence_region_code"), regionPrefixOf(area));
  return (asOf) => (asOf < row.effectiveFrom ? null : sql`${where} and ${inArea}`);
}

function byKey(key: PolicySettingKey, effectiveFrom: IsoDate): SQL {
  switch (key) {
    case "NEWBORN_WINDOW_DAYS":
      return sql`birth_date >= ${effectiveFrom}::date and (birth_date > (as_of - interval '1 year')::date
        or extract(year from birth_date)::int = coverage_year)`;
    case "COLLECTION_PERIOD":
    case "WAITING_PERIOD":
      return sql`status not in ('INSURED', 'DUPLICATE')`;
    case "NEEDY_SUBSIDY_EXTREMELY_POOR":
      return sql`needy_category = 'EXTREMELY_POOR'`;
    case "NEEDY_SUBSIDY_MIN_LIVING":
      return sql`needy_category = 'MIN_LIVING'`;
    case "NEEDY_SUBSIDY_ORPHAN":
      return sql`needy_category = 'ORPHAN'`;
    case "NEEDY_SUBSIDY_DISABLED":
      return sql`needy_category = 'DISABLED'`;
    default: {
      const _: never = key;
      return _;
    }
  }
}

/** One row of the settings table as the graph shows it. */
export interface StoredSetting extends PolicySettingRow {
  changedAt: Date;
  changedBy: string;
  note: string | null;
}

/** One logged change. */
export interface LoggedSettingChange {
  id: number;
  at: Date;
  actor: string;
  role: string;
  source: string;
  key: string;
  regionCode: string;
  effectiveFrom: IsoDate;
  oldValue: SettingValue | null;
  newValue: SettingValue;
  note: string | null;
  reassessed: number;
}

/** The rows the province set, by key, region and date (optionally of one key and region). */
export async function storedSettings(
  db: Db,
  filter: { key?: PolicySettingKey | null; regionCode?: string | null } = {},
): Promise<StoredSetting[]> {
  const conditions: SQL[] = [];
  if (filter.key) conditions.push(eq(policySettings.key, filter.key));
  if (filter.regionCode) conditions.push(eq(policySettings.regionCode, filter.regionCode));
  const rows = await db
    .select({
      ...SETTING_ROW_COLUMNS,
      changedAt: policySettings.changedAt,
      changedBy: policySettings.changedBy,
      note: policySettings.note,
    })
    .from(policySettings)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(policySettings.key), asc(policySettings.regionCode), asc(policySettings.effectiveFrom));
  return rows as StoredSetting[];
}

/** The change log, newest first (optionally of one key and region), at most `limit` entries. */
export async function settingChanges(
  db: Db,
  filter: { key?: PolicySettingKey | null; regionCode?: string | null; limit: number },
): Promise<LoggedSettingChange[]> {
  const conditions: SQL[] = [];
  if (filter.key) conditions.push(eq(policySettingChanges.key, filter.key));
  if (filter.regionCode) conditions.push(eq(policySettingChanges.regionCode, filter.regionCode));
  const rows = await db
    .select({
      id: policySettingChanges.id,
      at: policySettingChanges.at,
      actor: policySettingChanges.actor,
      role: policySettingChanges.role,
      source: policySettingChanges.source,
      key: policySettingChanges.key,
      regionCode: sql<string>`trim(${policySettingChanges.regionCode})`,
      effectiveFrom: policySettingChanges.effectiveFrom,
      oldValue: policySettingChanges.oldValue,
      newValue: policySettingChanges.newValue,
      note: policySettingChanges.note,
      reassessed: policySettingChanges.reassessed,
    })
    .from(policySettingChanges)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(policySettingChanges.id))
    .limit(filter.limit);
  return rows as LoggedSettingChange[];
}
