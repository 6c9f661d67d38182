import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLSchema, type GraphQLType } from "graphql";

/**
 * Which reads are reads of a child: every field of a type whose objects are one child's data,
 * and the keys that stand for such an object in a list. The field guard (../fields/guard.ts)
 * records each such read for the child it is about, after the field's rule allowed it; the
 * recorder (recorder.ts) writes one access-log row per request.
 */

/** The master children an object is about, as its (non-GraphQL) properties carry them. */
type ChildrenOf = (parent: object) => unknown[];

const linked: ChildrenOf = (p) => [(p as { childId?: unknown }).childId];

/**
 * Types whose objects are a child's data, and where each carries its child. `Child` is
 * identified by its `id`; a department record carries the master child it is linked to as a
 * `childId` property when it is reached outside `Child` (a school's roster, a doctor's patients,
 * an area's enrollments, a household's members, a review's evidence); reached through `Child`,
 * the `Child.<field>` read is what is logged. A coverage gap is its child's; a link review is
 * about the reviewed record's child and, when it may be shown, the candidate (`childIds`). A
 * line of a child's access history (who looked at it) is about that child. A household is about
 * the children registered in it whom the viewer may reach (`childIds`).
 */
const AUDITED: ReadonlyMap<string, ChildrenOf> = new Map<string, ChildrenOf>([
  ["Child", (p) => [(p as { id?: unknown }).id]],
  ["StudentRegistration", linked],
  ["DoctorContract", linked],
  ["Enrollment", linked],
  ["HouseholdMember", linked],
  ["Patient", linked],
  ["ReviewedRecord", linked],
  ["CoverageGap", (p) => [(p as { child?: { id?: unknown } | null }).child?.id]],
  ["LinkReview", (p) => (p as { childIds?: unknown[] }).childIds ?? []],
  // An unresolved child's entry is about it and, when it may be shown, the child it may be.
  ["UnresolvedChild", (p) => (p as { childIds?: unknown[] }).childIds ?? []],
  ["ChildAccess", linked],
  // A household's number, region and address are the hukou of the children registered in it.
  ["Household", (p) => (p as { childIds?: unknown[] }).childIds ?? []],
]);

/** Which children a read of a field is about: the field's parent object's. */
export type FieldChildren = (parent: unknown) => number[];

/**
 * Every field of `schema` whose read is a read of a child, keyed "Type.field":
 * - every field of an audited type (above);
 * - the `cursor` of an edge whose `node` is of an audited type: a cursor is the node's sort key,
 *   a child id in most lists (`c:18`), so a page read for its cursors alone is a read of the page's
 *   children;
 * - the `pageInfo` of a connection of such edges: its `endCursor` is the last edge's cursor.
 * Built from the schema, so a list added later is audited without a line here.
 *
 *   auditedFields(schema).get("CoverageGapEdge.cursor")?.({ cursor: "YzoxOA", node: { child: { id: "18" } } })
 *   // [18]
 */
export function auditedFields(schema: GraphQLSchema): Map<string, FieldChildren> {
  const fields = new Map<string, FieldChildren>();
  const childrenOfNode = new Map<string, ChildrenOf>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const own = AUDITED.get(type.name);
    if (own) {
      for (const name of Object.keys(type.getFields())) fields.set(`${type.name}.${name}`, ids(own));
      continue;
    }
    const node = type.getFields().node;
    const nodeChildren = node ? AUDITED.get(getNamedType(node.type).name) : undefined;
    if (nodeChildren && type.getFields().cursor) {
      const ofEdge: ChildrenOf = (edge) => {
        const n = (edge as { node?: unknown }).node;
        return n !== null && typeof n === "object" ? nodeChildren(n) : [];
      };
      childrenOfNode.set(type.name, ofEdge);
      fields.set(`${type.name}.cursor`, ids(ofEdge));
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const edges = type.getFields().edges;
    if (!edges || !type.getFields().pageInfo || !isList(edges.type)) continue;
    const ofEdge = childrenOfNode.get(getNamedType(edges.type).name);
    if (!ofEdge) continue;
    fields.set(
      `${type.name}.pageInfo`,
      ids((connection) => {
        const list = (connection as { edges?: unknown }).edges;
        const last = Array.isArray(list) ? (list.at(-1) as unknown) : null;
        return last !== null && typeof last === "object" ? ofEdge(last) : [];
      }),
    );
  }
  return fields;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The positive whole child ids among what `of` finds (ids arrive as strings or numbers; null: unlinked). */
function ids(of: ChildrenOf): FieldChildren {
  return (parent) => {
    if (parent === null || typeof parent !== "object") return [];
    const found: number[] = [];
    for (const raw of of(parent)) {
      const id = typeof raw === "string" && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
      if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) found.push(id);
    }
    return found;
  };
}
