import { eq, getTableColumns, inArray } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Department } from "../../src/access/identity/viewer.ts";
import type { Db } from "../../src/db/client.ts";
import { kindEnumValue, submitMutationName } from "../../src/graphql/submit-records.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { departmentSystemViewer, headersFor } from "../kit/auth.ts";
import type { TestHub } from "../kit/gateway.ts";

/**
 * What the ingest tests send through the gateway as a department's own system would: a batch
 * of rows in the mutation's shape, and the report it answers.
 */

export interface Rejection {
  index: number;
  recordId: string | null;
  field: string;
  message: string;
}

export interface Report {
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  touchedChildren: number;
  rejected: Rejection[];
}

export type Row = Record<string, string>;

const REPORT = "accepted updated unchanged rejectedRows touchedChildren rejected { index recordId field message }";

/** A row in the mutation's shape: one { column, value } per cell. */
export const asRow = (cells: Row) => ({
  fields: Object.entries(cells).map(([column, value]) => ({ column, value })),
});

/**
 * Sends `rows` of `kind` as the system of `kind`'s department in `region`, through the gateway:
 * the report, or the GraphQL errors.
 */
export async function submitAs(
  hub: TestHub,
  region: string,
  kind: RecordKind,
  rows: readonly Row[],
): Promise<{ report: Report | null; errors: readonly { message: string; extensions?: Record<string, unknown> }[] }> {
  const department: Department = kind.department;
  const type = `${department[0]!.toUpperCase()}${department.slice(1)}RecordKind`;
  const mutation = submitMutationName(department);
  const result = await hub.gateway.execute(
    `mutation Submit($kind: ${type}!, $rows: [RecordRow!]!) { ${mutation}(kind: $kind, rows: $rows) { ${REPORT} } }`,
    { kind: kindEnumValue(kind.name), rows: rows.map(asRow) },
    await headersFor(departmentSystemViewer(department, region)),
  );
  return {
    report: (result.data?.[mutation] as Report | null | undefined) ?? null,
    errors: (result.errors ?? []) as never,
  };
}

/** A stored record of `kind` as the row its department would send for it (every column as text). */
export async function storedRow(db: Db, kind: RecordKind, recordId: string): Promise<Row> {
  const columns = getTableColumns(kind.table) as Record<string, PgColumn>;
  const [stored] = (await db.select().from(kind.table).where(eq(columns.recordId!, recordId))) as Record<
    string,
    unknown
  >[];
  if (!stored) throw new Error(`${kind.name} ${recordId} is not stored`);
  return Object.fromEntries(
    kind.columns.map((c) => {
      const value = stored[c.property];
      return [c.name, value === null || value === undefined ? "" : String(value).trimEnd()];
    }),
  );
}

/** The record ids of `kind` stored among `recordIds`, sorted. */
export async function storedIds(db: Db, kind: RecordKind, recordIds: readonly string[]): Promise<string[]> {
  const columns = getTableColumns(kind.table) as Record<string, PgColumn>;
  const rows = (await db
    .select({ id: columns.recordId! })
    .from(kind.table)
    .where(inArray(columns.recordId!, [...recordIds]))) as { id: string }[];
  return rows.map((r) => r.id).sort();
}
