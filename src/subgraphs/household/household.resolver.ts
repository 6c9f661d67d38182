import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { badInput } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Household, HouseholdMember } from "./household.type.ts";
import type { HouseholdLoaders } from "./loaders.ts";
import { toMember } from "./mapping.ts";

type Context = SubgraphContext<HouseholdLoaders>;

@Resolver(() => Household)
export class HouseholdResolver {
  @Query(() => Household, {
    nullable: true,
    description: "A household by its number (户号); null when unknown or outside the viewer's region.",
  })
  async household(
    @Arg("householdNumber", () => String) householdNumber: string,
    @Ctx() ctx: Context,
  ): Promise<Household | null> {
    const value = householdNumber.trim();
    if (!/^\d{6,20}$/.test(value))
      throw badInput("householdNumber", `must be 6 to 20 digits, but got "${householdNumber}"`);
    return ctx.loaders.household.load(value);
  }

  @FieldResolver(() => [HouseholdMember])
  async members(@Root() household: Household, @Ctx() ctx: Context): Promise<HouseholdMember[]> {
    return (await ctx.loaders.members.load(household.householdNumber)).map(toMember);
  }
}
