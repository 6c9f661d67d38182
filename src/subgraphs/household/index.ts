import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphModule } from "../../graphql/subgraph.ts";
import { HouseholdChildResolver } from "./child.resolver.ts";
import { householdReferences } from "./household.reference.ts";
import { HouseholdResolver } from "./household.resolver.ts";
import { HouseholdChild } from "./household.type.ts";
import { createHouseholdLoaders, type HouseholdLoaders } from "./loaders.ts";
import { householdSubmitResolvers } from "./submit.resolver.ts";

/** Public security, household registration: hukou, households and guardians. */
export const householdSubgraph: SubgraphModule<HouseholdLoaders> = {
  name: "household",
  buildSchema: () =>
    buildFederatedSchema(
      // Child is reached only through _entities, so it must be named: type-graphql emits reachable types only.
      {
        resolvers: [HouseholdChildResolver, HouseholdResolver, ...householdSubmitResolvers],
        orphanedTypes: [HouseholdChild],
      },
      householdReferences,
    ),
  createLoaders: createHouseholdLoaders,
};
