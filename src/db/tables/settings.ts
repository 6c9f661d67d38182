import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, jsonb, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { divisionCode, oneOf, surrogateId } from "../columns.ts";
import { auditSchema } from "./audit.ts";
import { hubSchema } from "./hub.ts";
import { POLICY_SETTING_KEYS } from "../../domain/policy-settings.ts";

/** Where a settings change came from: the graph (setPolicySetting) or a file (`npm run settings`). */
export const SETTING_CHANGE_SOURCES = ["graph", "file"] as const;

/**
 * The province's policy settings (src/domain/policy-settings.ts): one row per key, region and
 * effective date. A value is in force from its date until the next row of the same key and
 * region; a coordination area's row overrides the province's where the key allows. Kept by
 * src/coverage/settings-store.ts, which logs every change in `audit.policy_setting_changes`.
 */
export const policySettings = hubSchema.table(
  "policy_settings",
  {
    id: surrogateId(),
    key: text("key").notNull(),
    /** The province's own code for the whole province, or a coordination area's code. */
    regionCode: divisionCode("region_code").notNull(),
    effectiveFrom: date("effective_from", { mode: "string" }).notNull(),
    value: jsonb("value").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    changedBy: text("changed_by").notNull(),
    note: text("note"),
  },
  (t) => [
    uniqueIndex("policy_settings_key_region_from_key").on(t.key, t.regionCode, t.effectiveFrom),
    check("policy_settings_key_check", oneOf("key", POLICY_SETTING_KEYS)),
  ],
);

/**
 * Every change of a policy setting: who, in which role, when, from where, the old value (null
 * when the row is new) and the new one, and how many snapshot rows the change re-assessed.
 * Append-only: the serving role may only insert into and read the audit schema, and a trigger
 * refuses UPDATE, DELETE and TRUNCATE whoever sends them.
 */
export const policySettingChanges = auditSchema.table(
  "policy_setting_changes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    source: text("source").notNull(),
    key: text("key").notNull(),
    regionCode: divisionCode("region_code").notNull(),
    effectiveFrom: date("effective_from", { mode: "string" }).notNull(),
    oldValue: jsonb("old_value"),
    newValue: jsonb("new_value").notNull(),
    note: text("note"),
    reassessed: integer("reassessed").notNull(),
  },
  (t) => [
    index("policy_setting_changes_key_idx").on(t.key, t.regionCode, t.at),
    check("policy_setting_changes_source_check", oneOf("source", SETTING_CHANGE_SOURCES)),
  ],
);

/**
 * A stored setting as coverage reads it: its key, region (trimmed of char(6)'s padding), date
 * and value. The one select list of a setting row, for the policy loader and the settings store.
 */
export const SETTING_ROW_COLUMNS = {
  key: policySettings.key,
  regionCode: sql<string>`trim(${policySettings.regionCode})`,
  effectiveFrom: policySettings.effectiveFrom,
  value: policySettings.value,
};
