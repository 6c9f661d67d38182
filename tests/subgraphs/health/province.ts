import { sql } from "drizzle-orm";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { openTestDatabase, type Engine, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";

export const AS_OF = "2026-06-30";

export interface HealthProvince {
  database: TestDatabase;
  /** childKey (the generator's) → master child id (the hub's). */
  childIds: Map<string, number>;
  rows<T extends Record<string, unknown>>(text: string): Promise<T[]>;
  close(): Promise<void>;
}

/** A generated province of 1,500 children on its own database, every record linked to its true child. */
export async function openHealthProvince(
  engine: Engine,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<HealthProvince> {
  const database = await openTestDatabase(engine, options);
  await generateProvince(database.db, { children: 1_500, seed: 5, asOf: AS_OF });
  const childIds = await linkFromTruth(database.db);
  return {
    database,
    childIds,
    rows: <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text)),
    close: () => database.close(),
  };
}

/** The master child id of a generator child key, failing loudly when the key is unknown. */
export function childIdOf(province: HealthProvince, childKey: string): string {
  const id = province.childIds.get(childKey);
  if (id === undefined) throw new Error(`no master child for child key "${childKey}"`);
  return String(id);
}
