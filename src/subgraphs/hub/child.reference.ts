import { childEntity } from "../../graphql/loaders.ts";

/**
 * `_entities` for Child: through the same lookup as `child(id)` (`loaders.child`, batched);
 * unknown ids, merged children and children outside the viewer's rows are null alike.
 */
export const childReference = childEntity;
