import { childEntity } from "../../graphql/loaders.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

/**
 * `_entities` for the health subgraph: sites and doctors go through the same loaders as their
 * queries (unknown codes are null). A Child is handed on as its representation `{ id }`, whose
 * fields load through batched loaders, but only inside the viewer's rows (`loaders.child`, as
 * every path that hands out a child): a child outside them is null, exactly like an id no child has.
 */
export const healthReferences = {
  VaccinationSite: {
    __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.vaccinationSite.load(reference.code),
  },
  FamilyDoctor: {
    __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.familyDoctor.load(reference.code),
  },
  ...childEntity,
};
