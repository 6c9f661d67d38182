import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { BirthCertificate, DoctorContract, FamilyDoctor, HealthChild, ImmunizationRecord } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";
import { childIdOrNull } from "../../graphql/errors.ts";

type Context = SubgraphContext<HealthLoaders>;

/** Child.birthCertificate, immunizations, familyDoctor and doctorContracts, through the child's links. */
@Resolver(() => HealthChild)
export class HealthChildResolver {
  @FieldResolver(() => BirthCertificate, {
    nullable: true,
    description: "The child's linked birth medical certificate; null if none.",
  })
  async birthCertificate(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<BirthCertificate | null> {
    const id = childIdOrNull(child.id);
    return id === null ? null : ctx.loaders.birthCertificateByChild.load(id);
  }

  @FieldResolver(() => [ImmunizationRecord], {
    nullable: true,
    description: "Every linked immunization file (a child who moved has one per site).",
  })
  async immunizations(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<ImmunizationRecord[]> {
    const id = childIdOrNull(child.id);
    return id === null ? [] : ctx.loaders.immunizationsByChild.load(id);
  }

  @FieldResolver(() => FamilyDoctor, {
    nullable: true,
    description: "The doctor of the child's ACTIVE linked contract (the latest signed); null otherwise.",
  })
  async familyDoctor(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<FamilyDoctor | null> {
    const id = childIdOrNull(child.id);
    const contracts = id === null ? [] : await ctx.loaders.contractsByChild.load(id);
    const active = contracts.filter((c) => c.status === "ACTIVE").at(-1);
    return active ? ctx.loaders.familyDoctor.load(active.doctorCode) : null;
  }

  @FieldResolver(() => [DoctorContract], {
    nullable: true,
    description: "Every linked family-doctor contract, active or not, oldest signed first.",
  })
  async doctorContracts(@Root() child: HealthChild, @Ctx() ctx: Context): Promise<DoctorContract[]> {
    const id = childIdOrNull(child.id);
    return id === null ? [] : ctx.loaders.contractsByChild.load(id);
  }
}
