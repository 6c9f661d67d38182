import { sql } from "drizzle-orm";
import { bigint, char, date, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Column builders shared by every department's tables, so the same concept has the same
 * SQL type everywhere (a division code is always char(6), a date never carries a time zone).
 */

/** Surrogate key: compact, for joins and keyset pagination; never shown to departments. */
export const surrogateId = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();

/** The department's own id for the record: the idempotency key of every import. */
export const recordId = () => text("record_id").notNull();

/** Calendar dates travel as ISO strings ('2024-02-29'): no time zone can shift a birthday. */
export const isoDate = (name: string) => date(name, { mode: "string" });

/** GB/T 2260 administrative division code, e.g. '330106'. */
export const divisionCode = (name: string) => char(name, { length: 6 });

/** 'M' | 'F', checked by a constraint on each table. */
export const sexColumn = (name = "sex") => char(name, { length: 1 });

export const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

/** SQL for a CHECK that a text column holds one of the given values. */
export function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ")})`);
}
