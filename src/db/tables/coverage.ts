import { bigint, boolean, check, date, index, integer, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { divisionCode, oneOf } from "../columns.ts";
import { hubSchema } from "./hub.ts";
import { COVERAGE_STATUSES, HUKOU_TYPES, OWED_REASONS, RESPONSIBLE_ACTORS } from "../../domain/coverage-terms.ts";

/**
 * A snapshot row with a gap, as SQL text: any status but INSURED, or an insured child still owed
 * something (the owed reasons of domain/coverage-terms.ts: `isGap` there, in SQL). What the gap
 * lists list, what the REASON groups count (coverage/rollup.ts, GAP_SQL), and the predicate of the
 * gap index below, which a query uses only when its condition has this very text.
 */
export const GAP_ROW_CONDITION = `(status <> 'INSURED' or reasons && array[${OWED_REASONS.map((r) => `'${r}'`).join(
  ", ",
)}]::text[])`;

/**
 * Every child's coverage as of a date (a snapshot), maintained by src/coverage/store.ts:
 * rebuilt whole for a date, refreshed for the children an import or a link change touches.
 * The GraphQL answers (Child.coverage, coverageGaps, coverageSummary, newbornWatchlist) read
 * only this table, so an aggregate over a province is one indexed scan, not a join of five
 * departments.
 */
export const coverageStatus = hubSchema.table(
  "coverage_status",
  {
    asOf: date("as_of", { mode: "string" }).notNull(),
    childId: bigint("child_id", { mode: "number" }).notNull(),
    coverageYear: integer("coverage_year").notNull(),
    status: text("status").notNull(),
    reasons: text("reasons").array().notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    /** Newborns without insurance: birth + the newborn window. */
    deadline: date("deadline", { mode: "string" }),
    codeWindowEndsOn: date("code_window_ends_on", { mode: "string" }),
    waitingPeriodMonths: integer("waiting_period_months"),
    /** Born in the coverage year and insured by an enrollment made within the newborn window. */
    insuredWithinWindow: boolean("insured_within_window").notNull(),
    residenceRegionCode: divisionCode("residence_region_code"),
    hukouRegionCode: divisionCode("hukou_region_code"),
    /** LOCAL, NON_LOCAL (hukou outside the province) or UNKNOWN (no hukou on record yet). */
    hukouType: text("hukou_type").notNull(),
    schoolCode: text("school_code"),
    doctorCode: text("doctor_code"),
    needyCategory: text("needy_category"),
    responsibleActor: text("responsible_actor"),
    responsibleCode: text("responsible_code"),
    action: text("action"),
    /**
     * Where the child's current records place it, as `facet:code` — the child's rows of the
     * `hub.child_scope` view but its derived `residence` (the row's own residence_region_code) —
     * copied with the assessment, so that a list's row scope is a test on the row itself instead
     * of the view joined per row (issue 20: a province officer's gap list ran 30 s at 20,000
     * children). Kept current with the rest of the row: rebuilt with the snapshot, refreshed for
     * the children every import and link change touches (store.ts).
     */
    scopePlaces: text("scope_places")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [
    primaryKey({ columns: [t.asOf, t.childId] }),
    index("coverage_status_region_idx").on(t.asOf, t.residenceRegionCode),
    index("coverage_status_school_idx").on(t.asOf, t.schoolCode),
    index("coverage_status_doctor_idx").on(t.asOf, t.doctorCode),
    index("coverage_status_deadline_idx").on(t.asOf, t.deadline),
    // The gap lists' rows in their urgency order (deadline, then child id): a province's list
    // and its total read a tenth of the snapshot, not all of it (issue 20: 844 → ~160 ms at 1M).
    index("coverage_status_gap_idx").on(t.asOf, t.deadline, t.childId).where(sql.raw(GAP_ROW_CONDITION)),
    index("coverage_status_child_idx").on(t.childId),
    check("coverage_status_status_check", oneOf("status", COVERAGE_STATUSES)),
    // NULL passes a CHECK: a child with nothing to do has no actor.
    check("coverage_status_actor_check", oneOf("responsible_actor", RESPONSIBLE_ACTORS)),
    check("coverage_status_hukou_type_check", oneOf("hukou_type", HUKOU_TYPES)),
  ],
);

/**
 * The snapshot counted by everything a region summary groups on: one row per as-of date,
 * county and combination of age band, hukou type, needy category, status and newborn facts,
 * written with the snapshot (the same transaction). A province's summary then sums a few
 * thousand rows instead of scanning a million (PGlite has no parallel scan).
 */
export const coverageRollup = hubSchema.table(
  "coverage_rollup",
  {
    asOf: date("as_of", { mode: "string" }).notNull(),
    residenceRegionCode: divisionCode("residence_region_code"),
    ageBand: text("age_band").notNull(),
    hukouType: text("hukou_type").notNull(),
    needyCategory: text("needy_category"),
    status: text("status").notNull(),
    coverageYear: integer("coverage_year").notNull(),
    newborn: boolean("newborn").notNull(),
    insuredWithinWindow: boolean("insured_within_window").notNull(),
    children: integer("children").notNull(),
  },
  (t) => [index("coverage_rollup_region_idx").on(t.asOf, t.residenceRegionCode)],
);

/** Which snapshots exist: a date is either fully built or absent, never half there. */
export const coverageSnapshots = hubSchema.table("coverage_snapshots", {
  asOf: date("as_of", { mode: "string" }).primaryKey(),
  children: integer("children").notNull(),
  builtAt: timestamp("built_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
