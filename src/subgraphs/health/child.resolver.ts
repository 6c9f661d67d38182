import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { BirthCertificate, DoctorContract, FamilyDoctor, HealthChild, ImmunizationRecord } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

/** Child.birthCertificate, immunizations, familyDoctor and doctorContracts, through the child's links. */
@Resolver(() => HealthChild)
export class HealthChildResolver {
  @FieldResolver(() => BirthCertificate, { nullable: true, description: "The child's linked birth medical certificate; null if none." })
  async birthCertificate(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<BirthCertificate | null> {
    return ctx.loaders.birthCertificateByChild.load(Number(child.id));
  }

  @FieldResolver(() => [ImmunizationRecord], { nullable: true, description: "Every linked immunization file (a child who moved has one per site)." })
  async immunizations(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<ImmunizationRecord[]> {
    return ctx.loaders.immunizationsByChild.load(Number(child.id));
  }

  @FieldResolver(() => FamilyDoctor, { nullable: true, description: "The doctor of the child's ACTIVE linked contract (the latest signed); null otherwise." })
  async familyDoctor(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<FamilyDoctor | null> {
    const contracts = await ctx.loaders.contractsByChild.load(Number(child.id));
    const active = contracts.filter((c) => c.status === "ACTIVE").at(-1);
    return active ? ctx.loaders.familyDoctor.load(active.doctorCode) : null;
  }

  @FieldResolver(() => [DoctorContract], { nullable: true, description: "Every linked family-doctor contract, active or not, oldest signed first." })
  async doctorContracts(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<DoctorContract[]> {
    return ctx.loaders.contractsByChild.load(Number(child.id));
  }
}
