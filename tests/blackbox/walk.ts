import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  buildASTSchema,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/**
 * The graph as the black-box suite sees it: read from the checked-in SDL (schema/), walked from
 * every root field into one selection of everything below it, so a field added later is queried
 * (and must have a DESIGN.md category) without a line of this suite changing.
 */

const root = path.resolve(import.meta.dirname, "../..");

export const SUBGRAPH_NAMES = ["household", "health", "education", "insurance", "hub"] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** The composed API schema the gateway serves (join and link plumbing left out by the walk). */
export function supergraphSchema(): GraphQLSchema {
  return buildASTSchema(parse(readFileSync(path.join(root, "schema/supergraph.graphql"), "utf8")), {
    assumeValidSDL: true,
  });
}

/** A subgraph's schema as it serves it: its SDL with federation's `_entities` and `_service`. */
export function subgraphSchema(name: SubgraphName): GraphQLSchema {
  return buildSubgraphSchema(parse(readFileSync(path.join(root, `schema/${name}.graphql`), "utf8")));
}

/** The object types a walk may meet, without federation's and composition's own. */
export function objectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) &&
      !t.name.startsWith("__") &&
      !t.name.startsWith("join__") &&
      !t.name.startsWith("link__") &&
      t.name !== "_Service",
  );
}

/** Every `Type.field` of a schema's object types (federation's `_entities`/`_service` left out). */
export function fieldKeys(schema: GraphQLSchema): string[] {
  return objectTypes(schema).flatMap((t) =>
    Object.keys(t.getFields())
      .filter((f) => !f.startsWith("_"))
      .map((f) => `${t.name}.${f}`),
  );
}

/** A GraphQL literal: strings and numbers as JSON, `{ enum: "X" }` bare, objects as input objects. */
export type Literal = string | number | boolean | { enum: string } | { [key: string]: Literal };

export function printLiteral(value: Literal): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if ("enum" in value && typeof value.enum === "string" && Object.keys(value).length === 1) return value.enum;
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k}: ${printLiteral(v as Literal)}`)
    .join(", ")} }`;
}

export function printArgs(args: Readonly<Record<string, Literal>>): string {
  const entries = Object.entries(args);
  return entries.length === 0 ? "" : `(${entries.map(([k, v]) => `${k}: ${printLiteral(v)}`).join(", ")})`;
}

/** One field of a selection: what is asked, and what lies below it. */
export interface Sel {
  /** "Type.field": the parent type and the field. */
  key: string;
  field: string;
  /** The named type it returns. */
  typeName: string;
  leaf: boolean;
  args: string;
  children: Sel[];
}

export interface WalkOptions {
  /** Arguments nested fields need, by "Type.field". */
  fieldArgs: Readonly<Record<string, Readonly<Record<string, Literal>>>>;
  /** `first` of every connection below the root. */
  pageSize: number;
  /** The deepest field a selection may reach, the root field counting 1 (the gateway's HUB_MAX_DEPTH). */
  maxDepth: number;
}

/**
 * Everything below a type, every field once per path: an object type already on the path is not
 * entered again (a child's registration's child), and nothing deeper than `maxDepth`.
 */
export function selectionOf(
  schema: GraphQLSchema,
  typeName: string,
  options: WalkOptions,
  depth = 2,
  onPath: ReadonlySet<string> = new Set([typeName]),
): Sel[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const selections: Sel[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.name.startsWith("_")) continue;
    const named = getNamedType(field.type);
    const key = `${typeName}.${field.name}`;
    const args = printArgs(argumentsOf(key, field, options));
    if (isLeafType(named)) {
      selections.push({ key, field: field.name, typeName: named.name, leaf: true, args, children: [] });
      continue;
    }
    if (onPath.has(named.name) || depth >= options.maxDepth) continue;
    const children = selectionOf(schema, named.name, options, depth + 1, new Set([...onPath, named.name]));
    if (children.length > 0)
      selections.push({ key, field: field.name, typeName: named.name, leaf: false, args, children });
  }
  return selections;
}

function argumentsOf(
  key: string,
  field: GraphQLField<unknown, unknown>,
  options: WalkOptions,
): Record<string, Literal> {
  const given = options.fieldArgs[key] ?? {};
  const args: Record<string, Literal> = {};
  for (const arg of field.args) {
    const value = given[arg.name] ?? (arg.name === "first" ? options.pageSize : undefined);
    if (value !== undefined) args[arg.name] = value;
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined)
      throw new Error(
        `${key} needs argument ${arg.name}: ${String(arg.type)}, which the black-box walk has no value for: ` +
          "add it to FIELD_ARGS in tests/blackbox/blackbox.test.ts",
      );
  }
  return args;
}

export function printSelection(selections: readonly Sel[]): string {
  return selections
    .map((s) => (s.leaf ? `${s.field}${s.args}` : `${s.field}${s.args} { ${printSelection(s.children)} }`))
    .join(" ");
}

/** Every key a selection asks for. */
export function keysOf(selections: readonly Sel[], into = new Set<string>()): Set<string> {
  for (const s of selections) {
    into.add(s.key);
    keysOf(s.children, into);
  }
  return into;
}
