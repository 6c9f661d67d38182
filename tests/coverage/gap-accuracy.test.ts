import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GAP_GROUPS, gapAccuracyTable, measureGapAccuracy, type GapAccuracy } from "../../bench/gap-accuracy.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { linkAll } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

const CHILDREN = 10_000;
const AS_OF = "2026-06-30";
/** Issue 19's acceptance: gap precision and recall of at least 99.5%, overall and for each group. */
const BAR = 0.995;

/**
 * Issue 19's acceptance on a 10,000-child province (the benchmark, bench/gaps.ts, runs 100,000):
 * generated, linked by the matching engine (its misses are part of what the hub shows), the
 * snapshot built as the daily job builds it, and every gap scored against the generator's truth
 * (bench/gap-accuracy.ts: a gap is any status but INSURED, or an insured needy child owed its
 * subsidy; a flagged "ghost" — records the linkage left apart from their child — is a false gap).
 * About 10 s an engine.
 */
describe.each(ENGINES)("gap accuracy of a 10,000-child province on %s", (engine) => {
  let database: TestDatabase;
  let accuracy: GapAccuracy;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: CHILDREN, seed: 2024, asOf: AS_OF });
    await linkAll(database.db);
    await buildSnapshot(database.db, AS_OF);
    accuracy = await measureGapAccuracy(database.db, AS_OF, "33");
    console.log(`[${engine}] ${CHILDREN} children as of ${AS_OF}\n${gapAccuracyTable(accuracy)}`);
  }, 180_000);
  afterAll(async () => database?.close());

  it("has each group of the acceptance in the province, with gaps to find", () => {
    for (const group of GAP_GROUPS) expect(accuracy.groups[group].truthGaps, group).toBeGreaterThan(0);
  });

  it.each(GAP_GROUPS)("gives every gap of %s at least one reason", (group) => {
    expect(accuracy.groups[group].withoutReason).toBe(0);
  });

  it.each(GAP_GROUPS)("finds the true gaps of %s: recall ≥ 99.5 percent", (group) => {
    expect(accuracy.groups[group].recall).toBeGreaterThanOrEqual(BAR);
  });

  it.each(GAP_GROUPS)(
    "flags no false gap of its own among %s: the coverage engine's precision ≥ 99.5 percent",
    (group) => {
      expect(accuracy.groups[group].enginePrecision).toBeGreaterThanOrEqual(BAR);
    },
  );

  // With the linkage's false gaps counted (ghosts, children whose records it split): the acceptance
  // as issue 19 words it, which depends on the linkage leaving no unlinked record in the gap lists.
  it.each(GAP_GROUPS)("flags true gaps among %s, ghosts counted as false: precision ≥ 99.5 percent", (group) => {
    expect(accuracy.groups[group].precision).toBeGreaterThanOrEqual(BAR);
  });

  it("lists every gap of the snapshot with a reason, and every reason group adds up to the gaps", async () => {
    const [row] = await queryRows<{ gaps: number; unexplained: number }>(
      database.db,
      sql`select count(*)::int as gaps, count(*) filter (where cardinality(reasons) = 0)::int as unexplained
            from hub.coverage_status
           where as_of = ${AS_OF}
             and (status <> 'INSURED' or reasons && array['NEEDY_WITHOUT_SUBSIDY', 'SUBSIDY_BELOW_SETTING'])`,
    );
    expect(row!.gaps).toBeGreaterThan(0);
    expect(row!.unexplained).toBe(0);
  });
});
