import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { ErrorCode, HubError } from "../errors.ts";
import { guardSchema } from "./field-guard.ts";
import { ANONYMOUS_VIEWER, type Viewer } from "./viewer.ts";

/** What the shield reads from a subgraph's context: the verified viewer (context.ts). */
interface ShieldContext {
  viewer?: Viewer;
}

/** Never let a missing viewer look like anybody: it is the anonymous viewer, who may read nothing. */
function viewerOf(context: ShieldContext | undefined): Viewer {
  return context?.viewer ?? ANONYMOUS_VIEWER;
}

/**
 * shield's `fallbackError`. With `allowExternalErrors: false` shield also routes every error
 * the field's resolver throws through here (the resolver runs inside shield's try), so:
 * - no error: the rule denied the field → FORBIDDEN, naming the field and the role, never the value;
 * - a GraphQLError (or a HubError with its code): the resolver's deliberate answer, such as
 *   BAD_USER_INPUT naming an argument → passed on unchanged;
 * - anything else: an unexpected failure → logged here, and the client gets INTERNAL without
 *   the details (they could carry data).
 * Exceptions inside rules never get here: fieldRule logs them and denies.
 */
function fallbackError(error: unknown, _parent: unknown, _args: unknown, context: ShieldContext, info: GraphQLResolveInfo): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (error instanceof GraphQLError) return error;
  if (error instanceof HubError) return new GraphQLError(error.message, { originalError: error, extensions: error.extensions });
  if (error) {
    console.error(`resolver of ${field} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return new GraphQLError(`internal error while resolving ${field}`, { extensions: { code: ErrorCode.INTERNAL } });
  }
  const role = viewerOf(context).role;
  return new GraphQLError(`${role === "anonymous" ? "an anonymous caller (no bearer token)" : `role ${role}`} may not read ${field}`, {
    extensions: { code: ErrorCode.FORBIDDEN, field, role },
  });
}

/**
 * A subgraph schema guarded by the policy table: every field of every object type gets its
 * rule (allow / mask / deny for the viewer's role), everything else falls to `deny`, a denied
 * field answers FORBIDDEN naming the field and role. The federation plumbing (`Query._service`,
 * `_Service.sdl`, `Query._entities`) is allowed by the policy itself; the rules of the entity
 * fields still apply to whatever `_entities` returns. The SDL is unchanged.
 */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  // The rules, masking and audit compiled into each field's resolver (field-guard.ts says why not shield's run time).
  return guardSchema(schema, fallbackError);
}
