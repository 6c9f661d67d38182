import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { HealthChild, Patient } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

@Resolver(() => Patient)
export class PatientResolver {
  @FieldResolver(() => HealthChild, {
    nullable: true,
    description:
      "The master child the contract is linked to; null until it is linked, or when the child is outside the viewer's scope.",
  })
  async child(@Root() patient: Patient, @Ctx() ctx: Context): Promise<HealthChild | null> {
    // A doctor's list is already scoped by the doctor; the child is asked again, as every path
    // that hands out a child does (one batched statement for the whole page).
    if (patient.childId === null) return null;
    return (await ctx.rows.canSee(patient.childId)) ? { id: String(patient.childId) } : null;
  }
}
