import { childEntity } from "../../graphql/loaders.ts";

/**
 * `_entities` for Child: the representation `{ id }` is handed on to `Child.insurance` only
 * inside the viewer's rows (`loaders.child`, one batched statement for all the representations);
 * a child outside them is null, exactly like an id no child has.
 */
export const childReference = childEntity;
