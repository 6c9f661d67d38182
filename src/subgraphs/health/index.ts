import { buildFederatedSchema } from "../../graphql/federation.ts";
import type { SubgraphModule } from "../../graphql/subgraph.ts";
import { HealthChildResolver } from "./child.resolver.ts";
import { FamilyDoctorResolver } from "./family-doctor.resolver.ts";
import { createHealthLoaders, type HealthLoaders } from "./loaders.ts";
import { BirthCertificateResolver, ImmunizationRecordResolver } from "./records.resolver.ts";
import { healthReferences } from "./health.reference.ts";
import { PatientResolver } from "./patient.resolver.ts";
import { VaccinationSiteResolver } from "./vaccination-site.resolver.ts";
import { healthSubmitResolvers } from "./submit.resolver.ts";

function buildSchema() {
  return buildFederatedSchema(
    {
      resolvers: [
        HealthChildResolver,
        BirthCertificateResolver,
        ImmunizationRecordResolver,
        VaccinationSiteResolver,
        FamilyDoctorResolver,
        PatientResolver,
        ...healthSubmitResolvers,
      ],
    },
    healthReferences,
  );
}

/** Health: birth medical certificates, immunization files and sites, family doctors and their contracts. */
export const healthSubgraph: SubgraphModule<HealthLoaders> = {
  name: "health",
  buildSchema,
  createLoaders: createHealthLoaders,
};
