import {
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";
import { DEFAULT_PAGE_SIZE } from "../config/limits.ts";

/**
 * What an operation would cost, computed from its text before anything runs: the figures the
 * operation limits (limits.ts) are checked against. Pure: a schema, a document, the variables.
 *
 *   measureOperation(schema, parse(`{ childrenInRegion(region: "33", first: 100) { edges { node { id name } } } }`))
 *   // → { depth: 4, aliases: 0, rootFields: 1, directives: 0, cost: 401 (1 + 100 × (edges + node + id + name)),
 *   //     largestPage: { first: 100, field: "Query.childrenInRegion" }, fragmentCycle: false }
 *
 * Fragments are expanded where they are spread, so a query cannot hide its depth, aliases or
 * introspection behind them (graphql-armor's max-depth was bypassed that way: a fragment named
 * `__schema` was taken for introspection and skipped). Each fragment is measured once per parent
 * type and the figures reused, so a "billion laughs" of fragments spreading fragments twice costs
 * linear time here; a spread that reaches itself again is cut (the document is invalid anyway:
 * the spec's NoFragmentCycles rule rejects it, this only guarantees the walk ends).
 */
export interface OperationMeasure {
  /** Deepest field nesting; a root field is depth 1. Introspection fields count like any other. */
  depth: number;
  aliases: number;
  /** Fields selected at the root, fragments included. */
  rootFields: number;
  /** Directives anywhere in the operation and the fragments it spreads (each use counts). */
  directives: number;
  /**
   * Estimated field resolutions: every field costs 1, times the page sizes of the lists above
   * it. A connection is weighted by its `first` (the default page size when absent); its `edges`
   * list is that page and is not weighted again; `_entities` by its number of representations;
   * any other list by `LIST_WEIGHT`.
   */
  cost: number;
  /** The largest `first` asked of any field, with the field's coordinate (`Type.field`). */
  largestPage: { first: number; field: string } | null;
  /** A fragment spread reached itself: the document is invalid (NoFragmentCycles). */
  fragmentCycle: boolean;
  /**
   * The operation selects nothing beyond graphql-js's standard introspection query (as GraphiQL
   * sends it to load the schema, from any graphql-js version): no alias, no directive, no field
   * it does not ask. Its `ofType` chain is deeper than any sensible depth limit, yet its shape is
   * fixed, so limits.ts does not hold it to the depth limit; whether introspection is allowed at
   * all is Apollo's `introspection` setting, off in production.
   */
  standardIntrospection?: boolean;
}

/**
 * How many items a list without a page size is assumed to hold: the lists of one child
 * (guardians, enrollments, doses) hold a handful, so a plain list is a page of 5 for the cost.
 */
export const LIST_WEIGHT = 5;

export interface MeasureOptions {
  operationName?: string | null;
  /**
   * The request's variables. `undefined` when they are not known yet (a validation rule): a
   * page size given by a variable then counts as 1, so the figure is a lower bound and the check
   * with the real variables (before execution) decides.
   */
  variables?: Readonly<Record<string, unknown>>;
}

interface Figures {
  depth: number;
  aliases: number;
  fields: number;
  directives: number;
  cost: number;
  largestPage: { first: number; field: string } | null;
}

/** The measure of every operation of a document (or the one named), fragments expanded. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: MeasureOptions = {},
): OperationMeasure {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = options.operationName ? operations.filter((o) => o.name?.value === options.operationName) : operations;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const result: OperationMeasure = {
    depth: 0,
    aliases: 0,
    rootFields: 0,
    directives: 0,
    cost: 0,
    largestPage: null,
    fragmentCycle: false,
  };
  for (const operation of chosen) {
    const root = rootTypeOf(schema, operation);
    const walker = new Walker(schema, fragments, options.variables && withDefaults(operation, options.variables));
    const figures = walker.selectionSet(operation.selectionSet, root, new Set());
    result.depth = Math.max(result.depth, figures.depth);
    result.aliases = Math.max(result.aliases, figures.aliases);
    result.rootFields = Math.max(result.rootFields, figures.fields);
    result.directives = Math.max(result.directives, figures.directives + (operation.directives?.length ?? 0));
    result.cost = Math.max(result.cost, figures.cost);
    result.largestPage = larger(result.largestPage, figures.largestPage);
    result.fragmentCycle ||= walker.cycle;
  }
  if (chosen.length === 1 && isStandardIntrospection(chosen[0]!, fragments)) result.standardIntrospection = true;
  return result;
}

/** Field name → what may be selected below it. */
type Shape = Map<string, Shape>;

let standardShape: Shape | undefined;

/** The fields `getIntrospectionQuery` selects with every option on or off, fragments expanded. */
function standardIntrospectionShape(): Shape {
  if (standardShape) return standardShape;
  const shape: Shape = new Map();
  for (const on of [true, false]) {
    const document = parse(
      getIntrospectionQuery({
        descriptions: on,
        specifiedByUrl: on,
        directiveIsRepeatable: on,
        schemaDescription: on,
        inputValueDeprecation: on,
        oneOf: on,
      }),
    );
    const fragments = new Map<string, SelectionSetNode>();
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
    const add = (set: SelectionSetNode, into: Shape): void => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          const below = into.get(s.name.value) ?? new Map();
          into.set(s.name.value, below);
          if (s.selectionSet) add(s.selectionSet, below);
        } else if (s.kind === Kind.INLINE_FRAGMENT) add(s.selectionSet, into);
        else add(fragments.get(s.name.value)!, into);
      }
    };
    for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) add(d.selectionSet, shape);
  }
  return (standardShape = shape);
}

function isStandardIntrospection(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): boolean {
  const first = operation.selectionSet.selections[0];
  if (first?.kind !== Kind.FIELD || first.name.value !== "__schema" || operation.directives?.length) return false;
  const within = (set: SelectionSetNode, allowed: Shape, spreading: ReadonlySet<string>): boolean =>
    set.selections.every((s) => {
      if (s.directives?.length) return false;
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet, allowed, spreading);
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (!fragment || spreading.has(s.name.value) || fragment.directives?.length) return false;
        return within(fragment.selectionSet, allowed, new Set([...spreading, s.name.value]));
      }
      const below = allowed.get(s.name.value);
      if (!below || s.alias) return false;
      if (s.arguments?.some((a) => a.name.value !== "includeDeprecated" || a.value.kind !== Kind.BOOLEAN)) return false;
      return s.selectionSet ? within(s.selectionSet, below, new Set()) : below.size === 0;
    });
  return within(operation.selectionSet, standardIntrospectionShape(), new Set());
}

/**
 * The variables as the operation will see them: an absent variable takes its default, so
 * `query($a: Int = 500) { schools(first: $a) … }` is measured at 500, not at the default page
 * size. (A variable given as null stays null, as in execution.)
 */
function withDefaults(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const defaults = (operation.variableDefinitions ?? []).filter(
    (d) => d.defaultValue && !Object.hasOwn(variables, d.variable.name.value),
  );
  if (defaults.length === 0) return variables;
  const effective = { ...variables };
  for (const d of defaults) effective[d.variable.name.value] = valueFromASTUntyped(d.defaultValue!);
  return effective;
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLNamedType | undefined {
  switch (operation.operation) {
    case "query":
      return schema.getQueryType() ?? undefined;
    case "mutation":
      return schema.getMutationType() ?? undefined;
    case "subscription":
      return schema.getSubscriptionType() ?? undefined;
    default: {
      const _: never = operation.operation;
      throw new Error(String(_));
    }
  }
}

function larger(a: Figures["largestPage"], b: Figures["largestPage"]): Figures["largestPage"] {
  if (!a) return b;
  if (!b) return a;
  return b.first > a.first ? b : a;
}

class Walker {
  /** Fragment name + parent type → its figures, relative to where it is spread. */
  private readonly memo = new Map<string, Figures>();
  cycle = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>> | undefined,
  ) {}

  /** Figures of a selection set whose fields sit one level below the current depth. */
  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined, inProgress: Set<string>): Figures {
    const total: Figures = { depth: 0, aliases: 0, fields: 0, directives: 0, cost: 0, largestPage: null };
    for (const selection of set.selections) {
      let part: Figures;
      switch (selection.kind) {
        case Kind.FIELD:
          part = this.field(selection, parent, inProgress);
          break;
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
          part = this.selectionSet(selection.selectionSet, type ?? undefined, inProgress);
          part.directives += selection.directives?.length ?? 0;
          break;
        }
        case Kind.FRAGMENT_SPREAD:
          part = this.spread(selection.name.value, parent, inProgress);
          part.directives += selection.directives?.length ?? 0;
          break;
        default: {
          const _: never = selection;
          throw new Error(String(_));
        }
      }
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
      total.directives += part.directives;
      total.cost += part.cost;
      total.largestPage = larger(total.largestPage, part.largestPage);
    }
    return total;
  }

  private spread(name: string, parent: GraphQLNamedType | undefined, inProgress: Set<string>): Figures {
    const fragment = this.fragments.get(name);
    const empty: Figures = { depth: 0, aliases: 0, fields: 0, directives: 0, cost: 0, largestPage: null };
    if (!fragment) return empty; // KnownFragmentNames rejects the document
    if (inProgress.has(name)) {
      this.cycle = true;
      return empty;
    }
    const type = this.schema.getType(fragment.typeCondition.name.value) ?? parent;
    const key = `${name}\u0000${type?.name ?? ""}`;
    const known = this.memo.get(key);
    if (known) return { ...known };
    inProgress.add(name);
    const figures = this.selectionSet(fragment.selectionSet, type, inProgress);
    inProgress.delete(name);
    figures.directives += fragment.directives?.length ?? 0;
    this.memo.set(key, figures);
    return { ...figures };
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined, inProgress: Set<string>): Figures {
    const definition = fieldDefinition(this.schema, parent, node.name.value);
    const coordinate = `${parent?.name ?? "?"}.${node.name.value}`;
    const page = this.pageOf(node, definition, parent);
    const own: Figures = {
      depth: 1,
      aliases: node.alias ? 1 : 0,
      fields: 1,
      directives: node.directives?.length ?? 0,
      cost: 1,
      largestPage: page.first === null ? null : { first: page.first, field: coordinate },
    };
    if (!node.selectionSet) return own;
    const type = definition ? getNamedType(definition.type) : undefined;
    const below = this.selectionSet(node.selectionSet, type, inProgress);
    return {
      depth: 1 + below.depth,
      aliases: own.aliases + below.aliases,
      fields: 1, // the root-field count is of this level only
      directives: own.directives + below.directives,
      cost: 1 + page.weight * below.cost,
      largestPage: larger(own.largestPage, below.largestPage),
    };
  }

  /** How many items this field's selection is resolved for, and the `first` asked (if any). */
  private pageOf(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown> | undefined,
    parent: GraphQLNamedType | undefined,
  ): { weight: number; first: number | null } {
    if (!definition) return { weight: 1, first: null };
    if (definition.args.some((a) => a.name === "first")) {
      const first = this.intArgument(node, "first");
      if (first === "unknown") return { weight: 1, first: null };
      return { weight: Math.max(first ?? DEFAULT_PAGE_SIZE, 1), first };
    }
    if (node.name.value === "_entities") {
      const count = this.listLength(node, "representations");
      return { weight: count === "unknown" ? 1 : Math.max(count, 1), first: null };
    }
    if (isListType(getNullableType(definition.type))) {
      // A connection's edges are the page its `first` already weighted.
      if (parent?.name.endsWith("Connection") && node.name.value === "edges") return { weight: 1, first: null };
      return { weight: LIST_WEIGHT, first: null };
    }
    return { weight: 1, first: null };
  }

  private argumentValue(node: FieldNode, name: string): ValueNode | undefined {
    return node.arguments?.find((a) => a.name.value === name)?.value;
  }

  /** An Int argument's value: null when absent or null, "unknown" when its variable is not known yet. */
  private intArgument(node: FieldNode, name: string): number | null | "unknown" {
    const value = this.argumentValue(node, name);
    if (!value || value.kind === Kind.NULL) return null;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      if (!this.variables) return "unknown";
      const v = this.variables[value.name.value];
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    }
    return null; // any other literal is refused by validation (Int expected)
  }

  private listLength(node: FieldNode, name: string): number | "unknown" {
    const value = this.argumentValue(node, name);
    if (!value) return 0;
    if (value.kind === Kind.LIST) return value.values.length;
    if (value.kind === Kind.VARIABLE) {
      if (!this.variables) return "unknown";
      const v = this.variables[value.name.value];
      return Array.isArray(v) ? v.length : 1;
    }
    return 1;
  }
}

/** A field of a composite type, the introspection meta-fields included. */
function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (!parent || !isCompositeType(parent)) return undefined;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}
