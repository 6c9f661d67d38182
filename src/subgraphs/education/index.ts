import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphModule } from "../../graphql/subgraph.ts";
import { EducationChildResolver } from "./child.resolver.ts";
import { createEducationLoaders, type EducationLoaders } from "./loaders.ts";
import { StudentRegistrationResolver } from "./registration.resolver.ts";
import { educationReferences } from "./education.reference.ts";
import { SchoolResolver, StudentConnectionResolver } from "./school.resolver.ts";
import { educationSubmitResolvers } from "./submit.resolver.ts";

/** Education: schools and student registrations (学籍), and each child's enrollment. */
export const educationSubgraph: SubgraphModule<EducationLoaders> = {
  name: "education",
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          EducationChildResolver,
          StudentRegistrationResolver,
          SchoolResolver,
          StudentConnectionResolver,
          ...educationSubmitResolvers,
        ],
      },
      educationReferences,
    ),
  createLoaders: createEducationLoaders,
};
