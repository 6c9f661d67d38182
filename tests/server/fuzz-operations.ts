import fc from "fast-check";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/**
 * Valid query operations generated from a schema with fast-check: random root fields, random
 * subsets of each type's fields down to a random depth, arguments from the fixture (real codes
 * and ID numbers, so data comes back) or random values of the right type. Aliases, directives
 * and fragments are left to the malicious corpus: these are the operations an honest client
 * could send, sent by every role.
 *
 * Each operation comes with its selection tree, which the oracle walks beside the answer.
 */
export interface Selection {
  field: string;
  /** The named type the field returns. */
  type: string;
  children: Selection[];
}

export interface FuzzOperation {
  text: string;
  root: Selection[];
}

export interface FuzzFixture {
  /** Values for named arguments, by argument name (and for `code`, by the type it returns). */
  strings: Readonly<Record<string, readonly string[]>>;
  codes: Readonly<Record<string, readonly string[]>>;
}

type G = fc.GeneratorValue;

const MAX_DEPTH = 6;
const MAX_FIELDS = 4;

export function generateOperations(
  schema: GraphQLSchema,
  fixture: FuzzFixture,
  count: number,
  seed: number,
): FuzzOperation[] {
  return fc.sample(fc.gen(), { numRuns: count, seed }).map((g) => operation(schema, fixture, g));
}

function operation(schema: GraphQLSchema, fixture: FuzzFixture, g: G): FuzzOperation {
  const query = schema.getQueryType()!;
  const { text, selections } = selectionSet(query, fixture, g, 1, g(fc.integer, { min: 1, max: 2 }));
  return { text: `query Fuzz ${text}`, root: selections };
}

function selectionSet(
  type: GraphQLObjectType,
  fixture: FuzzFixture,
  g: G,
  depth: number,
  width: number,
): { text: string; selections: Selection[] } {
  const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith("_"));
  // Indices, not the field objects: fast-check compares the arguments of g() deeply, and a
  // GraphQL field refers back to its schema.
  const picked = g(
    fc.shuffledSubarray,
    fields.map((_, i) => i),
    { minLength: 1, maxLength: Math.min(width, fields.length) },
  );
  const chosen = picked.map((i) => fields[i]!);
  const parts: string[] = [];
  const selections: Selection[] = [];
  for (const field of chosen) {
    const args = argumentsText(field.args, getNamedType(field.type), fixture, g);
    if (args === null) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(`${field.name}${args}`);
      selections.push({ field: field.name, type: named.name, children: [] });
    } else if (isObjectType(named)) {
      if (depth >= MAX_DEPTH) {
        parts.push(`${field.name}${args} { __typename }`);
        selections.push({ field: field.name, type: named.name, children: [] });
      } else {
        const inner = selectionSet(named, fixture, g, depth + 1, g(fc.integer, { min: 1, max: MAX_FIELDS }));
        parts.push(`${field.name}${args} ${inner.text}`);
        selections.push({ field: field.name, type: named.name, children: inner.selections });
      }
    }
  }
  if (parts.length === 0) return { text: "{ __typename }", selections: [] };
  return { text: `{ ${parts.join(" ")} }`, selections };
}

/** `(a: …, b: …)`, "" for none, or null when a required argument cannot be given. */
function argumentsText(
  args: readonly GraphQLArgument[],
  returns: GraphQLNamedType,
  fixture: FuzzFixture,
  g: G,
): string | null {
  const parts: string[] = [];
  for (const arg of args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!required && arg.name !== "first" && !g(fc.boolean)) continue;
    const value = valueFor(arg.name, arg.type, returns, fixture, g, 0);
    if (value === null) {
      if (required) return null;
      continue;
    }
    parts.push(`${arg.name}: ${value}`);
  }
  return parts.length > 0 ? `(${parts.join(", ")})` : "";
}

function valueFor(
  name: string,
  type: GraphQLInputType,
  returns: GraphQLNamedType,
  fixture: FuzzFixture,
  g: G,
  level: number,
): string | null {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = valueFor(name, inner.ofType, returns, fixture, g, level + 1);
    return item === null ? null : `[${item}]`;
  }
  const named = getNamedType(inner);
  if (isEnumType(named)) return g(fc.constantFrom, ...named.getValues().map((v) => v.name));
  if (isInputObjectType(named)) {
    if (level > 2) return null;
    const fields: string[] = [];
    for (const field of Object.values(named.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      if (!required && !g(fc.boolean)) continue;
      const value = valueFor(field.name, field.type, returns, fixture, g, level + 1);
      if (value === null) {
        if (required) return null;
        continue;
      }
      fields.push(`${field.name}: ${value}`);
    }
    return `{ ${fields.join(", ")} }`;
  }
  if (!isScalarType(named)) return null;
  switch (named.name) {
    case "Int":
      if (name === "first") return String(g(fc.integer, { min: 1, max: 5 }));
      if (name === "coverageYear" || name === "schoolYear") return String(g(fc.integer, { min: 2024, max: 2027 }));
      return String(g(fc.integer, { min: 0, max: 400 }));
    case "Float":
      return String(g(fc.double, { min: 0, max: 1, noNaN: true }));
    case "Boolean":
      return String(g(fc.boolean));
    case "Date":
      return JSON.stringify(g(fc.constantFrom, "2026-06-30", "2025-01-01", "2026-12-31"));
    case "ID":
    case "String": {
      const known = name === "code" ? fixture.codes[returns.name] : fixture.strings[name];
      // Mostly real values (so data comes back), sometimes anything (so validation of arguments is fuzzed too).
      if (known && known.length > 0 && g(fc.integer, { min: 0, max: 9 }) > 1)
        return JSON.stringify(g(fc.constantFrom, ...known));
      return JSON.stringify(g(fc.string, { maxLength: 20 }));
    }
    default:
      return null; // a custom scalar with no known value: left out when optional
  }
}
