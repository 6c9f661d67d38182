import { childEntity } from "../../graphql/loaders.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toSchool } from "./mapping.ts";

type Context = SubgraphContext<EducationLoaders>;

/**
 * `_entities` for the education subgraph: a School goes through the same batched loader as
 * `school(code)`; a Child only inside the viewer's rows (`loaders.child`, one batched check for
 * all representations), so a child outside them is null, exactly like an id nobody has.
 */
export const educationReferences = {
  School: {
    async __resolveReference(reference: { code: string }, ctx: Context) {
      const row = await ctx.loaders.school.load(reference.code);
      return row ? toSchool(row) : null;
    },
  },
  ...childEntity,
};
