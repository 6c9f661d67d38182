import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphModule } from "../../graphql/subgraph.ts";
import { childReference } from "./child.reference.ts";
import { ChildResolver } from "./child.resolver.ts";
import { createHubLoaders, type HubLoaders } from "./loaders.ts";
import { ReviewResolver } from "./review.resolver.ts";

/** The hub: the master child index, across every department. */
export const hubSubgraph: SubgraphModule<HubLoaders> = {
  name: "hub",
  buildSchema: () => buildFederatedSchema({ resolvers: [ChildResolver, ReviewResolver] }, childReference),
  createLoaders: createHubLoaders,
};
