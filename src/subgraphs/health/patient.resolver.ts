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
      "The master child the contract is linked to; " +
      "null until it is linked, or when the child is outside the viewer's scope.",
  })
  async child(@Root() patient: Patient, @Ctx() ctx: Context): Promise<HealthChild | null> {
    // The list is already read under the viewer's rows; the child is handed out through the one
    // lookup every path uses all the same (one batched statement for the whole page).
    return ctx.loaders.child(patient.childId);
  }
}
