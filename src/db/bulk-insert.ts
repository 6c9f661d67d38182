import { getTableColumns, getTableName, sql, type Column, type Table } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.ts";

/** Rows per INSERT: large enough to amortise the round trip, small enough to bound memory. */
const ROWS_PER_STATEMENT = 5_000;

/**
 * Bulk insert into one of the hub's drizzle tables as `INSERT … SELECT * FROM unnest($1::type[],
 * $2::type[], …)`: one bind parameter per column instead of one per value, which makes loading
 * millions of rows several times faster than a multi-row VALUES list on both PGlite and
 * PostgreSQL (and never nears the 65,535 bind parameter limit). Columns no row sets are left to
 * their defaults.
 *
 *   const link = { source: "household.person", recordId: "HP-1", childId: 7, rule: "ID_NUMBER" };
 *   await insertBatched(db, t.links, [link]);
 */
export async function insertBatched<T extends Table>(
  db: Db,
  table: T,
  rows: readonly T["$inferInsert"][],
  options: {
    rowsPerStatement?: number;
    /**
     * An upsert: rows whose `conflictColumn` (a unique column, such as record_id) already exists
     * are updated in place (every column given, and updated_at when the table has it).
     */
    updateOnConflict?: { conflictColumn: string };
  } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = options.rowsPerStatement ?? ROWS_PER_STATEMENT;
  const columns = getTableColumns(table) as Record<string, Column>;
  const used = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row as object)) used.add(key);
  const keys = Object.keys(columns).filter((k) => used.has(k));
  const { schema, name } = getTableConfig(table as unknown as PgTable);
  const target = sql.raw(`${schema ? `"${schema}".` : ""}"${name ?? getTableName(table)}"`);
  const columnList = sql.raw(keys.map((k) => `"${columns[k]!.name}"`).join(", "));

  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement) as Record<string, unknown>[];
    const arrays = keys.map((key) => {
      const column = columns[key]!;
      const sqlType = column.getSQLType();
      if (sqlType.endsWith("[]")) {
        // unnest would flatten a 2-D array: pass each value as an array literal and cast it back.
        const literals = slice.map((r) => (r[key] == null ? null : arrayLiteral(r[key] as unknown[])));
        return sql`${sql.param(literals)}::text[]`;
      }
      if (sqlType === "jsonb" || sqlType === "json") {
        // A jsonb[] parameter would need every value serialised by the driver the same way: send text.
        return sql`${sql.param(slice.map((r) => (r[key] == null ? null : JSON.stringify(r[key]))))}::text[]`;
      }
      return sql`${sql.param(slice.map((r) => r[key] ?? null))}::${sql.raw(sqlType)}[]`;
    });
    const selectList = sql.raw(
      keys
        .map((key, i) => {
          const sqlType = columns[key]!.getSQLType();
          return sqlType.endsWith("[]") || sqlType === "jsonb" || sqlType === "json" ? `c${i}::${sqlType}` : `c${i}`;
        })
        .join(", "),
    );
    const aliases = sql.raw(keys.map((_, i) => `c${i}`).join(", "));
    const upsert = options.updateOnConflict
      ? onConflictUpdate(columns, keys, options.updateOnConflict.conflictColumn)
      : sql``;
    await db.execute(
      sql`insert into ${target} (${columnList})
          select ${selectList} from unnest(${sql.join(arrays, sql`, `)}) as u(${aliases})${upsert}`,
    );
  }
}

function onConflictUpdate(columns: Record<string, Column>, keys: readonly string[], conflictColumn: string) {
  const conflict = columns[conflictColumn];
  if (!conflict) throw new Error(`updateOnConflict: ${conflictColumn} is not a column of the table`);
  const set = keys
    .filter((k) => k !== conflictColumn)
    .map((k) => `"${columns[k]!.name}" = excluded."${columns[k]!.name}"`);
  if (columns.updatedAt && !keys.includes("updatedAt")) set.push(`"${columns.updatedAt.name}" = now()`);
  return sql.raw(` on conflict ("${conflict.name}") do update set ${set.join(", ")}`);
}

function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map(arrayElement).join(",")}}`;
}

/** One element of a Postgres array literal: NULL, or the value quoted (backslashes and quotes escaped). */
function arrayElement(value: unknown): string {
  return value == null ? "NULL" : `"${String(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
