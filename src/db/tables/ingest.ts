import { bigint, index, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** Ingestion's own bookkeeping. */
export const ingestSchema = pgSchema("ingest");

/**
 * The earlier versions of department records: when an import changes a record, the values it
 * replaced are kept here (the department tables hold the current version only), so a record's
 * history can be told and a bad import traced.
 */
export const recordVersions = ingestSchema.table(
  "record_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(),
    recordId: text("record_id").notNull(),
    /** The replaced values, by column name. */
    previous: jsonb("previous").notNull(),
    replacedAt: timestamp("replaced_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("record_versions_record_idx").on(t.kind, t.recordId)],
);
