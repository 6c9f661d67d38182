import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { Household, HouseholdMember } from "./household.type.ts";
import type { HouseholdLoaders } from "./loaders.ts";
import type { HouseholdRow, PersonRow } from "./queries.ts";

type Context = SubgraphContext<HouseholdLoaders>;

/**
 * A household by number, or null when there is none or its region is outside the viewer's
 * scope: `household(number)` and `_entities` ask the same question, so the two cannot disagree.
 */
export async function householdInScope(ctx: Context, householdNumber: string): Promise<HouseholdRow | null> {
  const row = await ctx.loaders.household.load(householdNumber);
  return row !== null && ctx.rows.placeInScope({ regionCode: row.regionCode }) ? row : null;
}

/**
 * A household's members as the viewer may see them. A member whose record is linked to a
 * master child outside the scope is left out, as if not registered (a child's hukou normally
 * lies in its household's region, but the registry is not always consistent); unlinked records
 * are placed by the household alone. The check of all linked members is one batched statement.
 */
export async function visibleMembers(
  ctx: Context,
  household: Pick<Household, "householdNumber">,
): Promise<HouseholdMember[]> {
  const rows = await ctx.loaders.members.load(household.householdNumber);
  const visible = new Set(await ctx.rows.visible(rows.flatMap((p) => (p.childId === null ? [] : [p.childId]))));
  return rows.filter((p) => p.childId === null || visible.has(p.childId)).map(toMember);
}

function toMember(p: PersonRow & { childId: number | null }): HouseholdMember {
  return { name: p.name, sex: p.sex, birthDate: p.birthDate, idNumber: p.idNumber, childId: p.childId ?? undefined };
}
