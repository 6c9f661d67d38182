import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { parseIdNumber } from "../../domain/id-number.ts";
import { badInput } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Contribution, CoordinationArea, Enrollment } from "./insurance.type.ts";
import type { InsuranceLoaders } from "./loaders.ts";
import { toArea, toContribution, toEnrollment } from "./mapping.ts";

type Context = SubgraphContext<InsuranceLoaders>;

@Resolver(() => Enrollment)
export class EnrollmentResolver {
  @Query(() => [Enrollment], {
    nullable: true,
    description:
      "Every enrollment recorded under a resident ID number (18 characters, GB 11643) in an area within the " +
      "viewer's scope, newest coverage year first; empty when there is none.",
  })
  async enrollmentsByIdNumber(
    @Arg("idNumber", () => String) idNumber: string,
    @Ctx() ctx: Context,
  ): Promise<Enrollment[]> {
    const parsed = parseIdNumber(idNumber);
    if (!parsed.ok) throw badInput("idNumber", parsed.problem.message);
    // Read under the viewer's rows: a child enrolled only elsewhere answers exactly as an ID
    // number nobody is enrolled under, an empty list.
    return (await ctx.loaders.enrollmentsByIdNumber.load(parsed.value.idNumber)).map(toEnrollment);
  }

  @FieldResolver(() => CoordinationArea, {
    nullable: true,
    description: "The area the enrollment belongs to; null when the area is unknown.",
  })
  async area(@Root() enrollment: Enrollment, @Ctx() ctx: Context): Promise<CoordinationArea | null> {
    const row = await ctx.loaders.area.load(enrollment.areaCode);
    return row ? toArea(row) : null;
  }

  @FieldResolver(() => [Contribution], {
    nullable: true,
    description: "Payments towards the individual contribution, oldest first.",
  })
  async contributions(@Root() enrollment: Enrollment, @Ctx() ctx: Context): Promise<Contribution[]> {
    return (await ctx.loaders.contributionsByEnrollment.load(enrollment.recordId)).map(toContribution);
  }
}
