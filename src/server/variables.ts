import {
  coerceInputValue,
  GraphQLError,
  isInputType,
  isNonNullType,
  typeFromAST,
  valueFromAST,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { ErrorCode } from "../errors.ts";
import type { OperationLimits } from "../config/limits.ts";
import type { LimitViolation } from "./limits.ts";

/**
 * A request's variables, checked before anything else reads them: first their shape (keys per
 * object, values, nesting, string length), then their coercion to the operation's variable
 * types, with a few errors at most and messages that never quote a value whole.
 *
 * Why here and not in @apollo/gateway: the gateway coerces with graphql-js `getVariableValues`
 * and no `maxErrors`, and each error quotes the whole object it is about, so one input object of
 * N unknown keys cost O(N²) time, memory and answer (50,000 keys: minutes, gigabytes). Checked
 * here first, what reaches the gateway coerces without an error.
 *
 *   variablesViolation({ f: { k0: 0, k1: 0, …, k49999: 0 } }, DEFAULT_LIMITS)
 *   // → { limit: "maxVariableKeys", value: 50000, max: 100, at: "$f" }
 */
export function variablesViolation(
  variables: Readonly<Record<string, unknown>>,
  limits: Pick<
    OperationLimits,
    "maxVariableKeys" | "maxVariableNodes" | "maxVariableDepth" | "maxVariableStringLength"
  >,
): LimitViolation | null {
  let nodes = 0;
  const violation = (limit: LimitViolation["limit"], value: number, at: string): LimitViolation => ({
    limit,
    value,
    max: limits[limit as keyof typeof limits],
    at,
  });
  // Recursion stops at the depth limit, so a value nested 100,000 deep costs 11 frames.
  const visit = (value: unknown, depth: number, at: string): LimitViolation | null => {
    nodes++;
    if (typeof value === "string") {
      return value.length > limits.maxVariableStringLength
        ? violation("maxVariableStringLength", value.length, at)
        : null;
    }
    if (value === null || typeof value !== "object") return null;
    if (depth + 1 > limits.maxVariableDepth) return violation("maxVariableDepth", depth + 1, at);
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = visit(item, depth + 1, at);
        if (found) return found;
      }
      return null;
    }
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length > limits.maxVariableKeys) return violation("maxVariableKeys", keys.length, at);
    for (const key of keys) {
      if (key.length > limits.maxVariableStringLength) return violation("maxVariableStringLength", key.length, at);
      const found = visit(object[key], depth + 1, at);
      if (found) return found;
    }
    return null;
  };
  const names = Object.keys(variables);
  if (names.length > limits.maxVariableKeys) return violation("maxVariableKeys", names.length, "the variables");
  for (const name of names) {
    const at = variableLabel(name);
    if (name.length > limits.maxVariableStringLength) return violation("maxVariableStringLength", name.length, at);
    const found = visit(variables[name], 0, at);
    if (found) return found;
  }
  return nodes > limits.maxVariableNodes ? violation("maxVariableNodes", nodes, "the variables") : null;
}

/** A variable's name as an error may show it: only a GraphQL name is quoted (the JSON key is the client's). */
function variableLabel(name: string): string {
  return /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name) ? `$${name}` : "a variable";
}

/** At most this many coercion errors are reported; the rest are not even looked for. */
export const MAX_VARIABLE_ERRORS = 5;
/** The part of a coercion error's reason a client sees; it may quote the value it is about. */
const MAX_REASON_LENGTH = 200;

class TooManyErrors extends Error {}

/**
 * The operation's variables coerced to their types, the defaults of absent ones applied (what
 * the cost and page limits must measure: `query($a: Int = 500)` pages 500 rows), or the first
 * few errors: code BAD_USER_INPUT, HTTP 400, each naming the variable, where in it, and why,
 * the reason cut to 200 characters.
 */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): { coerced: Record<string, unknown>; errors?: undefined } | { errors: GraphQLError[] } {
  const coerced: Record<string, unknown> = {};
  const errors: GraphQLError[] = [];
  const fail = (name: string, path: readonly (string | number)[], reason: string) => {
    if (errors.length >= MAX_VARIABLE_ERRORS) throw new TooManyErrors();
    const at =
      path.length > 0 ? ` at "${name}${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}"` : "";
    const clipped = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
    errors.push(
      new GraphQLError(`Variable "$${name}" got an invalid value${at}: ${clipped}`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
      }),
    );
  };
  try {
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const type = typeFromAST(schema, definition.type);
      if (!type || !isInputType(type)) {
        fail(name, [], "its type is not an input type of this schema");
        continue;
      }
      if (!Object.hasOwn(variables, name)) {
        if (definition.defaultValue) coerced[name] = valueFromAST(definition.defaultValue, type);
        else if (isNonNullType(type))
          fail(name, [], `a value of type "${String(type)}" is required, but none was given`);
        continue;
      }
      const value = variables[name];
      if (value === null && isNonNullType(type)) {
        fail(name, [], `type "${String(type)}" must not be null`);
        continue;
      }
      coerced[name] = coerceInputValue(value, type, (path, _invalid, error) => fail(name, path, error.message));
    }
  } catch (error) {
    if (!(error instanceof TooManyErrors)) throw error;
  }
  return errors.length > 0 ? { errors } : { coerced };
}
