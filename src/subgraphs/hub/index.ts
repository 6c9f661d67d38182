import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphModule } from "../../graphql/subgraph.ts";
import { AccessLogResolver, ChildAccessConnectionResolver } from "./access-log.resolver.ts";
import { childReference } from "./child.reference.ts";
import { ChildResolver } from "./child.resolver.ts";
import {
  ChildCoverageResolver,
  CoverageGapConnectionResolver,
  CoverageGapResolver,
  CoverageResolver,
  SchoolCoverageResolver,
} from "./coverage.resolver.ts";
import { HubSchool } from "./coverage.type.ts";
import { createHubLoaders, type HubLoaders } from "./loaders.ts";
import { ReviewResolver } from "./review.resolver.ts";
import { UnresolvedResolver } from "./unresolved.resolver.ts";
import { SettingsResolver } from "./settings.resolver.ts";

/** A School the hub extends with its students' coverage: the key is all it needs. */
const schoolReference = { School: { __resolveReference: (reference: { code: string }) => ({ code: reference.code }) } };

/** The hub: the master child index across every department, its coverage, and the access log. */
export const hubSubgraph: SubgraphModule<HubLoaders> = {
  name: "hub",
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          ChildResolver,
          ReviewResolver,
          UnresolvedResolver,
          AccessLogResolver,
          ChildAccessConnectionResolver,
          ChildCoverageResolver,
          CoverageResolver,
          CoverageGapConnectionResolver,
          CoverageGapResolver,
          SchoolCoverageResolver,
          SettingsResolver,
        ],
        // School is reached only through the gateway (an entity the hub extends), never from a hub query.
        orphanedTypes: [HubSchool],
      },
      { ...childReference, ...schoolReference },
    ),
  createLoaders: createHubLoaders,
};
