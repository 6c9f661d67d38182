import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../src/db/client.ts";

/**
 * Scores the master child index against the generator's ground truth (schema truth). Only
 * tests and benchmarks may read the truth; the hub's code never does.
 */
/** Pairwise accuracy of the current links against the generator's truth. */
export interface PairAccuracy {
  records: number;
  linkedRecords: number;
  children: number;
  predictedPairs: number;
  truePairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  openReviews: number;
  reviewShare: number;
}

/**
 * Counts record pairs without enumerating them: for each child the index made, n(n−1)/2 pairs;
 * the same per true child; and per (index child, true child) for the pairs both agree on.
 */
export async function measurePairAccuracy(db: Db): Promise<PairAccuracy> {
  const [row] = await queryRows<Record<string, number | string>>(
    db,
    sql`with l as (
          select l.child_id, r.child_key from hub.links l
          join truth.records r on r.source = l.source and r.record_id = l.record_id
          where l.unlinked_at is null)
        select
          (select count(*) from truth.records)::float8 as records,
          (select count(*) from l)::float8 as linked,
          (select count(distinct child_id) from l)::float8 as children,
          (select coalesce(sum(n * (n - 1) / 2), 0)
             from (select count(*)::float8 as n from l group by child_id) a)::float8 as predicted,
          (select coalesce(sum(n * (n - 1) / 2), 0)
             from (select count(*)::float8 as n from l group by child_key) a)::float8 as truth,
          (select coalesce(sum(n * (n - 1) / 2), 0)
             from (select count(*)::float8 as n from l group by child_id, child_key) a)::float8 as correct,
          (select count(*) from hub.link_reviews where status = 'OPEN')::float8 as reviews`,
  );
  const r = row!;
  const num = (k: string) => Number(r[k]);
  const predicted = num("predicted");
  const truth = num("truth");
  const correct = num("correct");
  return {
    records: num("records"),
    linkedRecords: num("linked"),
    children: num("children"),
    predictedPairs: predicted,
    truePairs: truth,
    correctPairs: correct,
    precision: predicted === 0 ? 1 : correct / predicted,
    recall: truth === 0 ? 1 : correct / truth,
    openReviews: num("reviews"),
    reviewShare: num("reviews") / num("records"),
  };
}
