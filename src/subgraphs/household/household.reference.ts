import { childEntity } from "../../graphql/loaders.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HouseholdLoaders } from "./loaders.ts";

type Context = SubgraphContext<HouseholdLoaders>;

/**
 * `_entities` for the household subgraph, through the same loaders as its root query: a
 * household outside the viewer's region, and a child outside the viewer's rows, are null
 * exactly like ones that do not exist.
 */
export const householdReferences = {
  Household: {
    __resolveReference: (reference: { householdNumber: string }, ctx: Context) =>
      ctx.loaders.household.load(reference.householdNumber),
  },
  ...childEntity,
};
