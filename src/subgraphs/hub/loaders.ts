import DataLoader from "dataloader";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
import { resolveIdentity, type ChildIdentity } from "./identity.ts";
import { activeChildIds, currentLinks, identityClaims, type LinkRow } from "./queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

export interface HubLoaders {
  /** Whether a master child exists and is active (merged children are gone). */
  childExists: DataLoader<number, boolean>;
  identity: DataLoader<number, ChildIdentity>;
  sources: DataLoader<number, LinkRow[]>;
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
    sources: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await currentLinks(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
