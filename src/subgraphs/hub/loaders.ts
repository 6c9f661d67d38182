import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { childLookup, groupBy, type ChildLookup } from "../../graphql/loaders.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { coverageOf, gaps, watchlist, type CoverageRow, type GapQuery } from "./coverage.queries.ts";
import { resolveIdentity, type ChildIdentity } from "./identity.ts";
import { activeChildIds, childIdsInRegion, currentLinks, identityClaims, type LinkRow } from "./queries.ts";
import { reviewPage, type ReviewPageQuery, type ScopedReviewRow } from "./review.queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

type WatchlistQuery = Omit<Parameters<typeof watchlist>[1], "inScope">;

/**
 * The hub's per-request readers: batched loaders for a child's fields, and the lists of children
 * (regions, coverage gaps, the newborn watchlist, the review queue), each read under the
 * viewer's rows in its own statement, so no resolver applies them by hand.
 */
export interface HubLoaders {
  /** A child by id: active and inside the viewer's rows, else null (root lookups, nested fields, `_entities`). */
  child: ChildLookup;
  /** Whether a master child exists and is active (merged children are gone). */
  childExists: DataLoader<number, boolean>;
  identity: DataLoader<number, ChildIdentity>;
  sources: DataLoader<number, LinkRow[]>;
  /** A child's row of the coverage snapshot of a date (null: not a child on that date). */
  coverage: DataLoader<{ childId: number; asOf: IsoDate }, CoverageRow | null, string>;
  /** Children known to a region's departments, inside the viewer's rows, in id order: `limit + 1` ids. */
  childrenInRegion(prefix: string, afterId: number | null, limit: number): Promise<number[]>;
  /** Coverage gaps of children inside the viewer's rows, in child id order: `limit + 1` rows. */
  coverageGaps(query: Omit<GapQuery, "inScope">): Promise<CoverageRow[]>;
  /** Newborns inside the viewer's rows whose deadline is near, soonest first: `limit + 1` rows. */
  newbornWatchlist(query: WatchlistQuery): Promise<CoverageRow[]>;
  /** A page of the review queue in the viewer's region, each saying whether its candidate may be shown. */
  linkReviews(query: ReviewPageQuery): Promise<ScopedReviewRow[]>;
}

export function createHubLoaders(db: Db, rows: RowAccess): HubLoaders {
  const childExists = new DataLoader<number, boolean>(
    async (ids) => {
      const active = await activeChildIds(db, ids);
      return ids.map((id) => active.has(id));
    },
    { maxBatchSize: MAX_BATCH },
  );
  // Qualified: inside the scope subquery a bare child_id would be the view's own column.
  const snapshotChildInRows = () => rows.childCondition(sql.raw("s.child_id"));
  return {
    child: childLookup(rows, (id) => childExists.load(id)),
    childExists,
    identity: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await identityClaims(db, ids), (c) => c.childId);
        return ids.map((id) => resolveIdentity(byChild.get(id) ?? []));
      },
      { maxBatchSize: MAX_BATCH },
    ),
    coverage: new DataLoader(
      async (keys) => {
        const found = new Map<string, CoverageRow>();
        for (const [asOf, group] of groupBy(keys, (k) => k.asOf)) {
          for (const row of await coverageOf(
            db,
            asOf,
            group.map((k) => k.childId),
          ))
            found.set(`${asOf}:${row.childId}`, row);
        }
        return keys.map((k) => found.get(`${k.asOf}:${k.childId}`) ?? null);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => `${k.asOf}:${k.childId}` },
    ),
    sources: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await currentLinks(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    childrenInRegion: (prefix, afterId, limit) =>
      childIdsInRegion(db, prefix, afterId, limit, rows.childCondition(sql`l.child_id`)),
    coverageGaps: (query) => gaps(db, { ...query, inScope: snapshotChildInRows() }),
    newbornWatchlist: (query) => watchlist(db, { ...query, inScope: snapshotChildInRows() }),
    linkReviews: (query) => reviewPage(db, rows, query),
  };
}
