import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { linkAll } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

/**
 * Issue 20: the officer's gap list took 30 s at 20,000 children until someone ran ANALYZE on
 * hub.coverage_status by hand (0.64 s after): the snapshot table was never analysed, so the
 * planner took a province's rows for none. A built snapshot leaves the planner statistics that
 * count its rows, on the serving role too (which owns no table).
 */
describe.each(ENGINES)("planner statistics after a snapshot build on %s", (engine) => {
  let database: TestDatabase;
  const AS_OF = "2026-06-30";

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 400, seed: 20, asOf: AS_OF });
    await linkAll(database.db);
  }, 120_000);
  afterAll(async () => database?.close());

  const estimate = async (table: string) =>
    Number(
      (
        await queryRows<{ n: number }>(
          database.db,
          sql`select reltuples::float8 as n from pg_class where oid = ${table}::regclass`,
        )
      )[0]!.n,
    );

  it("has the snapshot's rows in the statistics of hub.coverage_status and its rollup once built", async () => {
    // Never analysed before: PostgreSQL says -1 (unknown), which the planner reads as a small table.
    expect(await estimate("hub.coverage_status")).toBeLessThanOrEqual(0);

    const stored = await buildSnapshot(database.db, AS_OF);

    expect(stored).toBeGreaterThan(300);
    expect(await estimate("hub.coverage_status")).toBe(stored);
    expect(await estimate("hub.coverage_rollup")).toBeGreaterThan(0);
  });
});
