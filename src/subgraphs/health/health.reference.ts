import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

/**
 * `_entities` for the health subgraph: sites and doctors go through the same loaders as their
 * queries (unknown codes are null). A Child needs no resolver: @apollo/subgraph hands the
 * representation `{ id }` to its fields, which load through batched loaders on that id.
 */
export const healthReferences = {
  VaccinationSite: { __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.vaccinationSite.load(reference.code) },
  FamilyDoctor: { __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.familyDoctor.load(reference.code) },
};
