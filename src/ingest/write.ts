import { inArray } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { getTableColumns } from "drizzle-orm";
import { insertBatched } from "../db/bulk-insert.ts";
import type { Db } from "../db/client.ts";
import type { FieldValue } from "./fields.ts";
import type { RecordKind } from "./kind.ts";
import { recordVersions } from "../db/tables/ingest.ts";

export interface ValidRecord {
  recordId: string;
  values: Record<string, FieldValue>;
}

/** What a write did, by record id. */
export interface WriteOutcome {
  inserted: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Writes valid records of one kind, keyed by the department's record id: new ids are inserted,
 * changed ones updated (the replaced values kept in ingest.record_versions), identical ones
 * left alone — so sending the same batch twice changes nothing the second time. A constant
 * number of statements per call: one read, one upsert, one history insert. Run it inside the
 * caller's transaction (a chunk is all or nothing).
 *
 *   await writeRecords(tx, studentRegistrationKind, [{ recordId: "STU-1", values: { … } }])
 *   // { inserted: ["STU-1"], updated: [], unchanged: [] }
 */
export async function writeRecords(db: Db, kind: RecordKind, records: readonly ValidRecord[]): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { inserted: [], updated: [], unchanged: [] };
  if (records.length === 0) return outcome;
  const columns = getTableColumns(kind.table) as Record<string, PgColumn>;
  const recordIdColumn = columns.recordId;
  if (!recordIdColumn) throw new Error(`${kind.name}: its table has no recordId column`);
  const properties = kind.columns.map((c) => c.property);
  const existing = new Map<string, Record<string, unknown>>();
  const found = (await db
    .select()
    .from(kind.table)
    .where(
      inArray(
        recordIdColumn,
        records.map((r) => r.recordId),
      ),
    )) as Record<string, unknown>[];
  for (const row of found) existing.set(String(row.recordId), row);

  const writes: Record<string, FieldValue>[] = [];
  const history: (typeof recordVersions.$inferInsert)[] = [];
  for (const record of records) {
    const before = existing.get(record.recordId);
    if (!before) {
      outcome.inserted.push(record.recordId);
      writes.push(record.values);
      continue;
    }
    const changed = properties.filter((p) => !sameValue(before[p], record.values[p]));
    if (changed.length === 0) {
      outcome.unchanged.push(record.recordId);
      continue;
    }
    outcome.updated.push(record.recordId);
    writes.push(record.values);
    history.push({
      kind: kind.name,
      recordId: record.recordId,
      previous: Object.fromEntries(kind.columns.map((c) => [c.name, normalise(before[c.property])])),
    });
  }
  await insertBatched(db, kind.table, writes as never, { updateOnConflict: { conflictColumn: "recordId" } });
  await insertBatched(db, recordVersions, history);
  return outcome;
}

/** Stored and incoming values compared as the database would hold them (char columns padded, dates as text). */
function sameValue(stored: unknown, incoming: FieldValue | undefined): boolean {
  return normalise(stored) === normalise(incoming ?? null);
}

function normalise(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return value;
  return String(value).trimEnd();
}
