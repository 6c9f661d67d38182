import { childIdOrNull } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { InsuranceLoaders } from "./loaders.ts";

type Context = SubgraphContext<InsuranceLoaders>;

/**
 * `_entities` for Child: the representation `{ id }` is handed on to `Child.insurance` only when
 * the viewer's row scope reaches the child (one batched statement for all the representations);
 * a child outside it is null, exactly like an id no child has.
 */
export const childReference = {
  Child: {
    async __resolveReference(reference: { id: string }, ctx: Context): Promise<{ id: string } | null> {
      const id = childIdOrNull(reference.id);
      if (id === null) return null;
      return (await ctx.rows.canSee(id)) ? { id: String(id) } : null;
    },
  },
};
