import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * How many child records an answer holds: the non-null `Child` objects in `data`, found by
 * walking the operation's selections beside the data (fragments included; a child reached
 * twice counts twice, as it was returned twice, and so does one selected in two fragments that
 * merge: the budget errs on the province's side). What the per-minute child-record budget counts.
 *
 *   countChildRecords(schema, parse("{ childrenInRegion(region: \"33\") { edges { node { id } } } }"), null,
 *     { childrenInRegion: { edges: [{ node: { id: "1" } }, { node: { id: "2" } }] } }) // → 2
 */
export function countChildRecords(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: unknown,
  typeName = "Child",
): number {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || data === null || typeof data !== "object") return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;

  const walk = (
    set: SelectionSetNode,
    type: GraphQLNamedType,
    value: Record<string, unknown>,
    seen: Set<string>,
  ): number => {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) count += walk(selection.selectionSet, type, value, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value))
          count += walk(fragment.selectionSet, type, value, new Set([...seen, fragment.name.value]));
      } else if (selection.selectionSet && (isObjectType(type) || isInterfaceType(type))) {
        const field = type.getFields()[selection.name.value];
        if (!field) continue;
        const child = getNamedType(field.type);
        const key = selection.alias?.value ?? selection.name.value;
        const items = ([] as unknown[]).concat(value[key] ?? []).flat(Infinity);
        for (const item of items) {
          if (item === null || typeof item !== "object") continue;
          if (child.name === typeName) count++;
          count += walk(selection.selectionSet, child, item as Record<string, unknown>, seen);
        }
      }
    }
    return count;
  };
  return walk(operation.selectionSet, root, data as Record<string, unknown>, new Set());
}
