import { InputError } from "../errors.ts";

/**
 * A rejected argument: the message names the argument and the rule it broke. An InputError
 * carries its code and argument in `extensions`, which graphql-js hands to the client.
 */
export function badInput(argument: string, message: string): InputError {
  return new InputError(argument, message);
}

/**
 * A master child id (a positive whole number written in digits), or null. `_entities` may hand a
 * subgraph anything as an id: such a child simply has no records, and nothing malformed (NaN,
 * "1e3") reaches SQL.
 */
export function childIdOrNull(value: string): number | null {
  const id = Number(value);
  return /^\d+$/.test(value) && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Master child ids are positive integers; anything else is a client mistake, not "not found". */
export function parseChildId(value: string, argument: string): number {
  const id = childIdOrNull(value);
  if (id === null) throw badInput(argument, `must be a child id (a positive whole number), but got "${value}"`);
  return id;
}
