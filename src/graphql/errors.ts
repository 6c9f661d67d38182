import { GraphQLError } from "graphql";
import { ErrorCode } from "../errors.ts";

/** A rejected argument: the message names the argument and the rule it broke. */
export function badInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument } });
}

/** Master child ids are positive integers; anything else is a client mistake, not "not found". */
export function parseChildId(value: string, argument: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0) throw badInput(argument, `must be a child id (a positive whole number), but got "${value}"`);
  return id;
}
