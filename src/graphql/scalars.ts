import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { isValidIsoDate } from "../domain/dates.ts";
import { ErrorCode } from "../errors.ts";

/**
 * A calendar date as an ISO string ('2024-02-29'), never a timestamp: a birthday must not move
 * with the server's time zone. Defined once and used by every subgraph (composition requires
 * the same scalar everywhere).
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "A calendar date, ISO 8601 (YYYY-MM-DD), without time or time zone.",
  serialize(value) {
    if (typeof value === "string" && isValidIsoDate(value)) return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new GraphQLError(`Date cannot represent ${JSON.stringify(value)}`);
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid(`a string, but got a ${ast.kind}`);
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): string {
  if (typeof value !== "string" || !isValidIsoDate(value)) throw invalid(JSON.stringify(value));
  return value;
}

function invalid(received: string) {
  return new GraphQLError(`Date must be a real calendar date like "2024-02-29", but got ${received}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}
