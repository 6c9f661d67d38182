import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Guardian, HouseholdChild, Hukou } from "./household.type.ts";
import type { HouseholdLoaders } from "./loaders.ts";
import { childIdOrNull } from "../../graphql/errors.ts";

type Context = SubgraphContext<HouseholdLoaders>;

/** Child.hukou and Child.guardians, through the child's linked person record. */
@Resolver(() => HouseholdChild)
export class HouseholdChildResolver {
  @FieldResolver(() => Hukou, { nullable: true })
  async hukou(@Root() child: HouseholdChild, @Ctx() ctx: Context): Promise<Hukou | null> {
    const person = await personOf(child, ctx);
    if (!person) return null;
    return {
      registrationKind: person.registrationKind,
      regionCode: person.hukouRegionCode,
      address: person.hukouAddress,
      householdNumber: person.householdNumber,
      residenceRegionCode: person.residenceRegionCode,
      residencePermitNumber: person.residencePermitNumber,
    };
  }

  @FieldResolver(() => [Guardian], { nullable: true })
  async guardians(@Root() child: HouseholdChild, @Ctx() ctx: Context): Promise<Guardian[] | null> {
    const person = await personOf(child, ctx);
    if (!person) return null;
    const rows = await ctx.loaders.guardiansByPerson.load(person.recordId);
    return rows.map((g) => ({
      relation: g.relation,
      name: g.guardianName,
      idNumber: g.guardianIdNumber,
      phone: g.guardianPhone,
    }));
  }
}

function personOf(child: HouseholdChild, ctx: Context) {
  const id = childIdOrNull(child.id);
  return id === null ? null : ctx.loaders.personByChild.load(id);
}
