import { childIdOrNull } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HouseholdLoaders } from "./loaders.ts";
import { householdInScope } from "./scope.ts";

type Context = SubgraphContext<HouseholdLoaders>;

/**
 * `_entities` for the household subgraph, under the same row scope as its root query: a
 * household outside the viewer's region, and a child outside the viewer's scope, are null
 * exactly like ones that do not exist.
 */
export const householdReferences = {
  Household: {
    __resolveReference: (reference: { householdNumber: string }, ctx: Context) =>
      householdInScope(ctx, reference.householdNumber),
  },
  Child: {
    async __resolveReference(reference: { id: string }, ctx: Context) {
      const id = childIdOrNull(reference.id);
      return id !== null && (await ctx.rows.canSee(id)) ? { id: String(id) } : null;
    },
  },
};
