import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphContext, SubgraphModule } from "../../graphql/subgraph.ts";
import { childReference } from "./child.reference.ts";
import { ChildInsuranceResolver, InsuranceChildResolver } from "./child.resolver.ts";
import { CoordinationAreaResolver } from "./coordination-area.resolver.ts";
import { EnrollmentResolver } from "./enrollment.resolver.ts";
import { InsuranceChild } from "./insurance.type.ts";
import { createInsuranceLoaders, type InsuranceLoaders } from "./loaders.ts";
import { toArea } from "./mapping.ts";
import { insuranceSubmitResolvers } from "./submit.resolver.ts";

/** Medical insurance: resident enrollments per coverage year and area, contributions, assistance. */
export const insuranceSubgraph: SubgraphModule<InsuranceLoaders> = {
  name: "insurance",
  buildSchema: () =>
    buildFederatedSchema(
      // Child is reached only through `_entities`: without orphanedTypes type-graphql leaves it out.
      {
        resolvers: [
          InsuranceChildResolver,
          ChildInsuranceResolver,
          EnrollmentResolver,
          CoordinationAreaResolver,
          ...insuranceSubmitResolvers,
        ],
        orphanedTypes: [InsuranceChild],
      },
      {
        ...childReference,
        CoordinationArea: {
          __resolveReference: async (reference: { code: string }, ctx: SubgraphContext<InsuranceLoaders>) => {
            const row = await ctx.loaders.area.load(reference.code);
            return row ? toArea(row) : null;
          },
        },
      },
    ),
  createLoaders: createInsuranceLoaders,
};
