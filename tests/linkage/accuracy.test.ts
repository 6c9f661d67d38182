import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateProvince } from "../../src/generator/index.ts";
import { arenaUse } from "../../src/linkage/arena.ts";
import { linkAll, type LinkRunSummary } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { measurePairAccuracy, type PairAccuracy } from "./helpers.ts";

const CHILDREN = 10_000;

describe.each(ENGINES)("linking a 10,000-child province on %s", (engine) => {
  let database: TestDatabase;
  let summary: LinkRunSummary;
  let accuracy: PairAccuracy;
  let linkMs = 0;
  let overflowBytes = 0;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: CHILDREN, seed: 2024, asOf: "2026-06-30" });
    const started = performance.now();
    const overflowBefore = arenaUse.overflowBytes;
    summary = await linkAll(database.db);
    overflowBytes = arenaUse.overflowBytes - overflowBefore;
    linkMs = performance.now() - started;
    accuracy = await measurePairAccuracy(database.db);
    console.log(
      `[${engine}] linkAll ${Math.round(linkMs)} ms`,
      JSON.stringify({
        ...accuracy,
        timings: summary.timings,
        stats: { ...summary.stats, skippedBlocks: summary.stats.skippedBlocks.length },
      }),
    );
  }, 240_000);
  afterAll(async () => database?.close());

  it("keeps the matcher's typed arrays inside the one buffer it set aside (see arena.ts)", () => {
    expect(overflowBytes).toBe(0);
  });

  it("links every department record to exactly one child", () => {
    expect(accuracy.linkedRecords).toBe(accuracy.records);
  });

  it("puts records of different children together rarely: pair precision ≥ 99.5%", () => {
    expect(accuracy.precision).toBeGreaterThanOrEqual(0.995);
  });

  it("finds the records of one child: pair recall ≥ 99%", () => {
    expect(accuracy.recall).toBeGreaterThanOrEqual(0.99);
  });

  it("asks a person about fewer than 1% of records", () => {
    expect(accuracy.reviewShare).toBeLessThan(0.01);
  });

  it("changes nothing when the province is linked again with the same rules", async () => {
    const again = await linkAll(database.db);
    expect([again.linksOpened, again.linksClosed, again.newChildren, again.reviewsOpened]).toEqual([0, 0, 0, 0]);
  });
});
