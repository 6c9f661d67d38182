import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";
import { childIdOrNull } from "../../graphql/errors.ts";

/** `_entities` for Child: batched through the same loader as `child(id)`; unknown ids are null. */
export const childReference = {
  Child: {
    async __resolveReference(reference: { id: string }, ctx: SubgraphContext<HubLoaders>) {
      const id = childIdOrNull(reference.id);
      if (id === null) return null;
      return (await ctx.loaders.childExists.load(id)) ? { id: String(id) } : null;
    },
  },
};
