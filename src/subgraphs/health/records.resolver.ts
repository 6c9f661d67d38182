import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { BirthCertificate, Hospital, ImmunizationDose, ImmunizationRecord, VaccinationSite } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

@Resolver(() => BirthCertificate)
export class BirthCertificateResolver {
  @FieldResolver(() => Hospital, {
    nullable: true,
    description: "The issuing hospital; null if the code is not in the register.",
  })
  async hospital(@Root() certificate: BirthCertificate, @Ctx() ctx: Context): Promise<Hospital | null> {
    return ctx.loaders.hospital.load(certificate.hospitalCode);
  }
}

@Resolver(() => ImmunizationRecord)
export class ImmunizationRecordResolver {
  @FieldResolver(() => VaccinationSite, {
    nullable: true,
    description: "The site that keeps the file; null if the code is not in the register.",
  })
  async site(@Root() record: ImmunizationRecord, @Ctx() ctx: Context): Promise<VaccinationSite | null> {
    return ctx.loaders.vaccinationSite.load(record.siteCode);
  }

  @FieldResolver(() => [ImmunizationDose], { description: "Doses given, in date order." })
  async doses(@Root() record: ImmunizationRecord, @Ctx() ctx: Context): Promise<ImmunizationDose[]> {
    return ctx.loaders.dosesByRecord.load(record.recordId);
  }
}
