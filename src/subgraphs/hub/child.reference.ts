import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";
import { childIdOrNull } from "../../graphql/errors.ts";
import { visibleChild } from "./visibility.ts";

/**
 * `_entities` for Child: batched through the same loaders as `child(id)`; unknown ids, and
 * children outside the viewer's row scope, are null alike.
 */
export const childReference = {
  Child: {
    async __resolveReference(reference: { id: string }, ctx: SubgraphContext<HubLoaders>) {
      const id = childIdOrNull(reference.id);
      if (id === null) return null;
      return (await visibleChild(ctx, id)) ? { id: String(id) } : null;
    },
  },
};
