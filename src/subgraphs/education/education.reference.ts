import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toSchool } from "./mapping.ts";

/**
 * `_entities` for the education subgraph: a Child needs nothing loaded (its fields load its
 * registrations), a School goes through the same batched loader as `school(code)`.
 */
export const educationReferences = {
  Child: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  },
  School: {
    async __resolveReference(reference: { code: string }, ctx: SubgraphContext<EducationLoaders>) {
      const row = await ctx.loaders.school.load(reference.code);
      return row ? toSchool(row) : null;
    },
  },
};
