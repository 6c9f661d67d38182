import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assessCoverage,
  loadCoverageFacts,
  loadCoveragePolicy,
  type CoverageFacts,
  type CoveragePolicy,
} from "../../src/coverage/index.ts";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";

const CHILDREN = 3_000;

interface TruthRow extends Record<string, unknown> {
  child_key: string;
  status: string;
  reasons: string[];
  on_record: boolean;
}

/**
 * The feeder and the rules together, against the generator's truth: with perfect links, the
 * hub must say exactly what the truth says about every child — status and reasons. A mid-year
 * date and a year end (the picture a department reports on).
 */
describe.each(ENGINES.flatMap((engine) => ["2026-06-30", "2025-12-31"].map((asOf) => [engine, asOf] as const)))(
  "coverage of a generated province on %s as of %s",
  (engine, asOf) => {
    let database: TestDatabase;
    let childIds: Map<string, number>;
    let truth: TruthRow[];
    let policy: CoveragePolicy;
    let facts: Map<number, CoverageFacts>;
    let statements = 0;
    let loadMs = 0;

    beforeAll(async () => {
      database = await openTestDatabase(engine, { onQuery: () => (statements += 1) });
      await generateProvince(database.db, { children: CHILDREN, seed: 606, asOf });
      childIds = await linkFromTruth(database.db);
      truth = await queryRows<TruthRow>(
        database.db,
        sql`
      select child_key, status, reasons,
             exists (select 1 from truth.records r where r.child_key = c.child_key) as on_record
      from truth.children c order by child_key`,
      );
      policy = await loadCoveragePolicy(database.db);
      statements = 0;
      const started = performance.now();
      facts = await loadCoverageFacts(database.db, [...childIds.values()], asOf);
      loadMs = Math.round(performance.now() - started);
    }, 180_000);
    afterAll(async () => database?.close());

    it("reads the facts of every child in a constant number of statements", () => {
      expect(childIds.size).toBe(CHILDREN);
      expect(statements).toBe(2 * Math.ceil(CHILDREN / 2_000));
      console.log(`${engine} ${asOf}: facts of ${CHILDREN} children in ${loadMs} ms, ${statements} statements`);
    });

    it("agrees with the truth on the status and the reasons of every child", () => {
      const counts: Record<string, number> = {};
      const disagreements: string[] = [];
      for (const row of truth) {
        const f = facts.get(childIds.get(row.child_key)!);
        const assessed = f ? assessCoverage(f, asOf, policy) : null;
        const got = assessed ? `${assessed.status} [${assessed.reasons.join(",")}]` : "no assessment";
        // A child no department has a record of is one the hub cannot see (real linkage would not
        // even create it): it must get no assessment, not a guessed one.
        const want = row.on_record ? `${row.status} [${row.reasons.join(",")}]` : "no assessment";
        const bucket = row.on_record ? row.status : "NOT_ON_ANY_RECORD";
        counts[bucket] = (counts[bucket] ?? 0) + 1;
        if (got !== want) disagreements.push(`${row.child_key}: truth ${want}, hub ${got}`);
      }
      console.log(
        `${engine} ${asOf}: ${truth.length - disagreements.length}/${truth.length} agree; ` +
          `by truth status ${JSON.stringify(counts)}`,
      );
      expect(disagreements.slice(0, 20)).toEqual([]);
      expect(disagreements.length).toBe(0);
    });
  },
);
