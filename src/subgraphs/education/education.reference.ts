import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toSchool } from "./mapping.ts";

/**
 * `_entities` for the education subgraph: a School goes through the same batched loader as
 * `school(code)`. A Child needs no resolver: @apollo/subgraph hands its fields the representation.
 */
export const educationReferences = {
  School: {
    async __resolveReference(reference: { code: string }, ctx: SubgraphContext<EducationLoaders>) {
      const row = await ctx.loaders.school.load(reference.code);
      return row ? toSchool(row) : null;
    },
  },
};
