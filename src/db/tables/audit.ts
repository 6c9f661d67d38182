import { bigint, index, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The access log: every read of an individual child's fields. Append-only. */
export const auditSchema = pgSchema("audit");

export const accessLog = auditSchema.table(
  "access_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    scope: jsonb("scope").notNull(),
    operation: text("operation"),
    childIds: bigint("child_ids", { mode: "number" }).array().notNull(),
    fields: text("fields").array().notNull(),
    purpose: text("purpose"),
    requestId: text("request_id"),
  },
  (t) => [
    index("access_log_actor_at_idx").on(t.actor, t.at),
    index("access_log_at_idx").on(t.at),
    index("access_log_child_ids_idx").using("gin", t.childIds),
  ],
);
