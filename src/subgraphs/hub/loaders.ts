import DataLoader from "dataloader";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { coverageOf, type CoverageRow } from "./coverage.queries.ts";
import { resolveIdentity, type ChildIdentity } from "./identity.ts";
import { activeChildIds, currentLinks, identityClaims, type LinkRow } from "./queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

export interface HubLoaders {
  /** Whether a master child exists and is active (merged children are gone). */
  childExists: DataLoader<number, boolean>;
  identity: DataLoader<number, ChildIdentity>;
  sources: DataLoader<number, LinkRow[]>;
  /** A child's row of the coverage snapshot of a date (null: not a child on that date). */
  coverage: DataLoader<{ childId: number; asOf: IsoDate }, CoverageRow | null, string>;
}

export function createHubLoaders(db: Db): HubLoaders {
  return {
    childExists: new DataLoader(
      async (ids) => {
        const active = await activeChildIds(db, ids);
        return ids.map((id) => active.has(id));
      },
      { maxBatchSize: MAX_BATCH },
    ),
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
  };
}
