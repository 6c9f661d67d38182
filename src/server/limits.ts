import { GraphQLError } from "graphql";
import { ErrorCode } from "../errors.ts";
import { LIMIT_SETTINGS, type LimitName, type OperationLimits } from "../config/limits.ts";
import type { OperationMeasure } from "./measure.ts";

export interface LimitViolation {
  limit: LimitName;
  value: number;
  max: number;
  /** Where, when it helps: the field whose `first` was too large. */
  at?: string;
}

/** The limits a measured operation breaks, in a fixed order (depth first). */
export function limitViolations(measure: OperationMeasure, limits: OperationLimits): LimitViolation[] {
  const violations: LimitViolation[] = [];
  const check = (limit: LimitName, value: number, at?: string) => {
    if (value > limits[limit]) violations.push({ limit, value, max: limits[limit], ...(at ? { at } : {}) });
  };
  // The standard introspection query (GraphiQL loading the schema) is deep by its fixed shape.
  if (!measure.standardIntrospection) check("maxDepth", measure.depth);
  check("maxAliases", measure.aliases);
  check("maxRootFields", measure.rootFields);
  check("maxDirectives", measure.directives);
  if (measure.largestPage) check("maxPageSize", measure.largestPage.first, measure.largestPage.field);
  check("maxCost", measure.cost);
  return violations;
}

/**
 * The error a client sees for a broken limit: it names the limit, the value and the setting
 * that raises it. `extensions.code` is OPERATION_LIMIT_EXCEEDED, `extensions.limit` the setting.
 */
export function limitError(violation: LimitViolation): GraphQLError {
  const setting = LIMIT_SETTINGS[violation.limit];
  const where = violation.at ? ` at ${violation.at}` : "";
  return new GraphQLError(
    `${setting.what} ${formatNumber(violation.value)}${where} ` +
      `exceeds the limit of ${formatNumber(violation.max)} (${setting.env})`,
    {
      extensions: {
        code: ErrorCode.OPERATION_LIMIT_EXCEEDED,
        limit: setting.env,
        value: violation.value,
        max: violation.max,
        http: { status: 400 },
      },
    },
  );
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : "too large to count";
}
