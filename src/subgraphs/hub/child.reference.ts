import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";

/** `_entities` for Child: batched through the same loader as `child(id)`; unknown ids are null. */
export const childReference = {
  Child: {
    async __resolveReference(reference: { id: string }, ctx: SubgraphContext<HubLoaders>) {
      const id = Number(reference.id);
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      return (await ctx.loaders.childExists.load(id)) ? { id: String(id) } : null;
    },
  },
};
