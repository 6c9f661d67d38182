import { randomUUID } from "node:crypto";
import { GraphQLError, isIntrospectionType, isObjectType, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { applyMiddleware, type IMiddlewareFunction, type IMiddlewareTypeMap } from "graphql-middleware";
import { deny, rule, shield, type IRule } from "graphql-shield";
import { ErrorCode, HubError } from "../errors.ts";
import { reportToStderr } from "../hardening/error-format.ts";
import { auditMiddleware } from "./audit-middleware.ts";
import { maskValue } from "./masking.ts";
import { decisionForViewer, maskKindOf, type MaskKind } from "./policy.ts";
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
 * - anything else: an unexpected failure → logged here under a new error id, and the client
 *   gets INTERNAL_SERVER_ERROR with that id, without the details (they could carry data or SQL).
 * Exceptions inside rules never get here: fieldRule logs them and denies.
 */
function fallbackError(error: unknown, _parent: unknown, _args: unknown, context: ShieldContext, info: GraphQLResolveInfo): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (error instanceof GraphQLError) return error;
  if (error instanceof HubError) return new GraphQLError(error.message, { originalError: error, extensions: error.extensions });
  if (error) {
    // Logged here with an id, the client gets only the id (src/hardening/error-format.ts keeps it).
    const errorId = randomUUID();
    reportToStderr(errorId, error);
    return new GraphQLError(`internal error ${errorId} while resolving ${field}: the details are in the server log`, { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId } });
  }
  const role = viewerOf(context).role;
  return new GraphQLError(`${role === "anonymous" ? "an anonymous caller (no bearer token)" : `role ${role}`} may not read ${field}`, {
    extensions: { code: ErrorCode.FORBIDDEN, field, role },
  });
}

/**
 * The rule of one field: allowed unless the policy table denies it to the viewer. It depends on
 * the viewer only (role and department), never on the parent row, so shield's "contextual"
 * cache (per request, keyed by the rule's name) is safe: each field is decided once per request.
 * Row scopes are the data layer's job (graphql-shield #349 is why rules stay row-blind here).
 */
function fieldRule(typeName: string, fieldName: string): IRule {
  return rule(`policy:${typeName}.${fieldName}`, { cache: "contextual" })((_parent, _args, context: ShieldContext) => {
    try {
      return decisionForViewer(viewerOf(context), typeName, fieldName) !== "deny";
    } catch (error) {
      // shield would swallow this as a plain "false": say why the field was refused.
      console.error(`shield: the rule for ${typeName}.${fieldName} threw, so the field is denied: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return false;
    }
  });
}

/** Masks the value of a field the viewer may read only masked (the same field, the identifier hidden). */
function maskingMiddleware(typeName: string, fieldName: string, kind: MaskKind): IMiddlewareFunction {
  return async (resolve: GraphQLFieldResolver<unknown, ShieldContext>, parent, args, context: ShieldContext, info) => {
    const value: unknown = await resolve(parent, args, context, info);
    return decisionForViewer(viewerOf(context), typeName, fieldName) === "mask" ? maskValue(kind, value) : value;
  };
}

/** The rule tree and masking middleware of one subgraph schema, from the policy table. */
export function policyMiddleware(schema: GraphQLSchema): { rules: Record<string, Record<string, IRule>>; masks: IMiddlewareTypeMap } {
  const rules: Record<string, Record<string, IRule>> = {};
  const masks: IMiddlewareTypeMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    const fieldRules: Record<string, IRule> = {};
    const fieldMasks: Record<string, IMiddlewareFunction> = {};
    for (const fieldName of Object.keys(type.getFields())) {
      fieldRules[fieldName] = fieldRule(type.name, fieldName);
      const kind = maskKindOf(type.name, fieldName);
      if (kind) fieldMasks[fieldName] = maskingMiddleware(type.name, fieldName, kind);
    }
    rules[type.name] = fieldRules;
    if (Object.keys(fieldMasks).length > 0) masks[type.name] = fieldMasks;
  }
  return { rules, masks };
}

/**
 * A subgraph schema guarded by the policy table: every field of every object type gets its
 * rule (allow / mask / deny for the viewer's role), everything else falls to `deny`, a denied
 * field answers FORBIDDEN naming the field and role. The federation plumbing (`Query._service`,
 * `_Service.sdl`, `Query._entities`) is allowed by the policy itself; the rules of the entity
 * fields still apply to whatever `_entities` returns. The SDL is unchanged.
 */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  const { rules, masks } = policyMiddleware(schema);
  const guard = shield(rules, { fallbackRule: deny, allowExternalErrors: false, fallbackError: fallbackError as never });
  // shield first, so it wraps masking and auditing: a denied field is never resolved, nor logged as read.
  return applyMiddleware(schema, guard, masks, auditMiddleware(schema));
}
