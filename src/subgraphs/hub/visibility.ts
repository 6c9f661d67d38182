import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";

/**
 * Whether a master child exists, is active and lies inside the viewer's row scope: the one
 * question every hub path that hands out a child asks. The two checks batch separately (one
 * statement each per batch), and both must hold, so a child outside the scope looks exactly
 * like one that does not exist.
 */
export async function visibleChild(ctx: SubgraphContext<HubLoaders>, id: number): Promise<boolean> {
  const [exists, inScope] = await Promise.all([ctx.loaders.childExists.load(id), ctx.rows.canSee(id)]);
  return exists && inScope;
}
