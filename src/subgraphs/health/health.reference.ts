import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

/**
 * `_entities` for the health subgraph. The child's fields resolve through batched loaders on
 * its id; sites and doctors go through the same loaders as their queries (unknown codes are null).
 */
export const healthReferences = {
  Child: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  VaccinationSite: { __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.vaccinationSite.load(reference.code) },
  FamilyDoctor: { __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.familyDoctor.load(reference.code) },
};
