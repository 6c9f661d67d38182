import { InputError } from "../errors.ts";

/**
 * A rejected argument: the message names the argument and the rule it broke. An InputError
 * carries its code and argument in `extensions`, which graphql-js hands to the client.
 */
export function badInput(argument: string, message: string): InputError {
  return new InputError(argument, message);
}

/** Master child ids are positive integers; anything else is a client mistake, not "not found". */
export function parseChildId(value: string, argument: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0) throw badInput(argument, `must be a child id (a positive whole number), but got "${value}"`);
  return id;
}
