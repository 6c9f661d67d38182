import { childIdOrNull } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toSchool } from "./mapping.ts";

type Context = SubgraphContext<EducationLoaders>;

/**
 * `_entities` for the education subgraph: a School goes through the same batched loader as
 * `school(code)`; a Child is resolved only inside the viewer's row scope (one batched check for
 * all representations), so a child outside it is null, exactly like an id nobody has.
 */
export const educationReferences = {
  School: {
    async __resolveReference(reference: { code: string }, ctx: Context) {
      const row = await ctx.loaders.school.load(reference.code);
      return row ? toSchool(row) : null;
    },
  },
  Child: {
    async __resolveReference(reference: { id: string }, ctx: Context) {
      const id = childIdOrNull(reference.id);
      return id !== null && (await ctx.rows.canSee(id)) ? { id: String(id) } : null;
    },
  },
};
