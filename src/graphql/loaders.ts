import type { RowAccess } from "../access/rows/row-access.ts";
import { childIdOrNull } from "./errors.ts";

/**
 * Groups rows by a key, keeping their order: the last step of most DataLoader batch functions,
 * which must answer in the order of the keys they were given.
 */
export function groupBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** A master child as a subgraph hands it on: its key, whose fields then load through batched loaders. */
export interface ChildRef {
  id: string;
}

/**
 * Hands out one child by id, or null: what every root lookup, nested `child` field and
 * `_entities` representation of a subgraph answers through (`loaders.child`). Null alike for an
 * id that cannot be a child, a child outside the viewer's rows, and (when `exists` is given: the
 * hub, which owns the children) an id no active child has, so the three cannot be told apart.
 * Both checks batch: one statement each per batch, however many children a page holds.
 *
 *   const child = childLookup(rows, (id) => loaders.childExists.load(id));
 *   await child("2486") // { id: "2486" } or null
 */
export type ChildLookup = (id: string | number | null | undefined) => Promise<ChildRef | null>;

export function childLookup(rows: RowAccess, exists?: (id: number) => Promise<boolean>): ChildLookup {
  return async (value) => {
    const id = typeof value === "number" ? value : typeof value === "string" ? childIdOrNull(value) : null;
    if (id === null || !Number.isSafeInteger(id) || id <= 0) return null;
    const [found, inRows] = await Promise.all([exists ? exists(id) : true, rows.canSee(id)]);
    return found && inRows ? { id: String(id) } : null;
  };
}

/** `_entities` for the shared Child in a subgraph whose loaders have `child`: the same lookup as every other path. */
export const childEntity = {
  Child: {
    __resolveReference: (reference: { id: string }, ctx: { loaders: { child: ChildLookup } }) =>
      ctx.loaders.child(reference.id),
  },
};
