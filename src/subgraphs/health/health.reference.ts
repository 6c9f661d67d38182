import { childIdOrNull } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HealthLoaders } from "./loaders.ts";

type Context = SubgraphContext<HealthLoaders>;

/**
 * `_entities` for the health subgraph: sites and doctors go through the same loaders as their
 * queries (unknown codes are null). A Child is handed on as its representation `{ id }`, whose
 * fields load through batched loaders, but only when the viewer's row scope reaches it: a child
 * outside the scope is null, exactly like an id no child has.
 */
export const healthReferences = {
  VaccinationSite: {
    __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.vaccinationSite.load(reference.code),
  },
  FamilyDoctor: {
    __resolveReference: (reference: { code: string }, ctx: Context) => ctx.loaders.familyDoctor.load(reference.code),
  },
  Child: {
    async __resolveReference(reference: { id: string }, ctx: Context): Promise<{ id: string } | null> {
      const id = childIdOrNull(reference.id);
      if (id === null) return null;
      return (await ctx.rows.canSee(id)) ? { id: String(id) } : null;
    },
  },
};
