import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/db/client.ts";

/**
 * What a previous run wrote about the province in this database (size, seed, as-of date, how
 * it was linked), so `--keep` can reuse it; empty when there is no generated province yet.
 */
export async function provinceMeta(db: Db): Promise<Record<string, string>> {
  try {
    const rows = await queryRows<{ key: string; value: string }>(db, sql`select key, value from truth.meta`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  } catch {
    return {}; // no truth schema: nothing generated here yet
  }
}
