import { randomUUID } from "node:crypto";
import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { ErrorCode, HubError } from "../../errors.ts";
import { reportToStderr } from "../../errors.ts";
import { guardSchema } from "./guard.ts";
import { ANONYMOUS_VIEWER, type Viewer } from "../identity/viewer.ts";
import { isRequestStopped } from "../../db/cancellation.ts";
import { isDatabaseUnavailable } from "../../db/client.ts";

/** What the guard reads from a subgraph's context: the verified viewer (context.ts). */
interface ShieldContext {
  viewer?: Viewer;
}

/** Never let a missing viewer look like anybody: it is the anonymous viewer, who may read nothing. */
function viewerOf(context: ShieldContext | undefined): Viewer {
  return context?.viewer ?? ANONYMOUS_VIEWER;
}

/**
 * The answer of a field that does not resolve normally (field-guard.ts routes every failure here,
 * as graphql-shield's `fallbackError` with `allowExternalErrors: false` did before it):
 * - no error: the policy denied the field → FORBIDDEN, naming the field and the role, never the value;
 * - a GraphQLError (or a HubError with its code): the resolver's deliberate answer, such as
 *   BAD_USER_INPUT naming an argument → passed on unchanged;
 * - anything else: an unexpected failure → logged here under a new error id, and the client
 *   gets INTERNAL_SERVER_ERROR with that id, without the details (they could carry data or SQL).
 */
function fallbackError(
  error: unknown,
  _parent: unknown,
  _args: unknown,
  context: ShieldContext,
  info: GraphQLResolveInfo,
): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (error instanceof GraphQLError) return error;
  if (error instanceof HubError)
    return new GraphQLError(error.message, { originalError: error, extensions: error.extensions });
  // A request stopped by its timeout (or its client leaving): its statements were cancelled on
  // purpose, and the answer already sent said why (504). Not a fault to report.
  if (error && isRequestStopped(error))
    return new GraphQLError(`the request was stopped before ${field} was resolved`, {
      extensions: { code: ErrorCode.TIMEOUT },
    });
  if (error) {
    // Logged here with an id, the client gets only the id (src/server/error-format.ts keeps it).
    const errorId = randomUUID();
    reportToStderr(errorId, error);
    // The database away is not an internal fault: coded so, the HTTP layer answers 503 (issue 23).
    if (isDatabaseUnavailable(error))
      return new GraphQLError(`the database is unavailable; try again in a few seconds (error ${errorId})`, {
        extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, errorId },
      });
    return new GraphQLError(`internal error ${errorId} while resolving ${field}: the details are in the server log`, {
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
    });
  }
  const role = viewerOf(context).role;
  return new GraphQLError(
    `${role === "anonymous" ? "an anonymous caller (no bearer token)" : `role ${role}`} may not read ${field}`,
    {
      extensions: { code: ErrorCode.FORBIDDEN, field, role },
    },
  );
}

/**
 * A subgraph schema guarded by the policy table: every field of every object type gets its
 * rule (allow / mask / deny for the viewer's role), everything else is denied, a denied
 * field answers FORBIDDEN naming the field and role. The federation plumbing (`Query._service`,
 * `_Service.sdl`, `Query._entities`) is allowed by the policy itself; the rules of the entity
 * fields still apply to whatever `_entities` returns. The SDL is unchanged.
 */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  // The rules, masking and audit compiled into each field's resolver (field-guard.ts says why not shield's run time).
  return guardSchema(schema, fallbackError);
}
