import {
  defaultFieldResolver,
  isIntrospectionType,
  isObjectType,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { auditedFields, type FieldChildren } from "../audit/audited-types.ts";
import type { AuditRecorder } from "../audit/recorder.ts";
import { maskValue } from "./masking.ts";
import { decisionForViewer, maskKindOf, type Decision } from "./field-rules.ts";
import { ANONYMOUS_VIEWER, type Viewer } from "../identity/viewer.ts";

/** What the guard reads from a subgraph's context: the verified viewer and the request's audit recorder. */
export interface GuardContext {
  viewer?: Viewer;
  audit?: AuditRecorder;
}

/**
 * The error a field answers with: `error` null when the policy denied the field, else what its
 * resolver (or masking, or auditing) threw. shield.ts's `fallbackError`.
 */
export type GuardError = (
  error: unknown,
  parent: unknown,
  args: unknown,
  context: GuardContext,
  info: GraphQLResolveInfo,
) => GraphQLError;

/**
 * Compiles the policy table into every field's resolver of a subgraph schema, in place: what
 * graphql-shield (`fallbackRule: deny`, `allowExternalErrors: false`), the masking middleware
 * and the audit middleware did as three graphql-middleware layers, in one wrapper per field.
 * For each field, in this order:
 *
 * 1. the viewer's decision from the policy table (role and department only, never the row, so it
 *    is computed once per role and kept: a plain lookup afterwards); a field the table does not
 *    know, or whose decision throws, is denied; a denied field answers `onError(null, …)` and is
 *    never resolved, nor logged as read;
 * 2. a read of a child (a field of an audited type, or a key standing for one in a list: an edge's
 *    cursor, a connection's pageInfo) is recorded for the parent's children (../audit/audited-types.ts);
 * 3. the field's own resolver (the default one for plain properties);
 * 4. a field the viewer may read only masked gets its value masked;
 * and anything thrown in 2–4 answers `onError(error, …)`.
 *
 * Why not shield at run time: shield and graphql-middleware turn every field, plain properties
 * included, into an async function awaiting two more (rule, then resolver), so a page of 500
 * students made ~10,000 promises; here a plain property stays a synchronous read and an async
 * resolver costs one `then`. The rules themselves are the same table (policy.ts); the generated
 * tests in tests/auth walk every (role, type, field) of it through the gateway.
 */
export function guardSchema(schema: GraphQLSchema, onError: GuardError): GraphQLSchema {
  const audited = auditedFields(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const childrenOf = audited.get(`${type.name}.${field.name}`) ?? null;
      field.resolve = guardField(type.name, field.name, field.resolve ?? defaultFieldResolver, childrenOf, onError);
    }
  }
  return schema;
}

function guardField(
  typeName: string,
  fieldName: string,
  resolve: GraphQLFieldResolver<unknown, GuardContext>,
  childrenOf: FieldChildren | null,
  onError: GuardError,
): GraphQLFieldResolver<unknown, GuardContext> {
  const name = `${typeName}.${fieldName}`;
  const maskKind = maskKindOf(typeName, fieldName);
  const decisions = new Map<string, Decision>();
  const decide = (viewer: Viewer): Decision => {
    const subject = viewer.role === "anonymous" ? "anonymous" : `${viewer.role}:${viewer.scope.department ?? ""}`;
    let decision = decisions.get(subject);
    if (decision === undefined) {
      try {
        decision = decisionForViewer(viewer, typeName, fieldName);
      } catch (error) {
        // Not kept: a table that throws for this subject is logged and denied on every request.
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        console.error(`field guard: the rule for ${name} threw, so the field is denied: ${detail}`);
        return "deny";
      }
      decisions.set(subject, decision);
    }
    return decision;
  };
  return (parent, args, context, info) => {
    const decision = decide(context?.viewer ?? ANONYMOUS_VIEWER);
    if (decision === "deny") return onError(null, parent, args, context, info);
    try {
      if (childrenOf !== null && context?.audit) {
        const children = childrenOf(parent);
        if (children.length > 0) {
          context.audit.noteOperation(info.operation.name?.value);
          context.audit.record(children, [name]);
        }
      }
      const value: unknown = resolve(parent, args, context, info);
      const mask = decision === "mask" && maskKind !== undefined;
      if (isThenable(value)) {
        return (mask ? value.then((resolved) => maskValue(maskKind, resolved)) : value).then(
          undefined,
          (error: unknown) => onError(error, parent, args, context, info),
        );
      }
      return mask ? maskValue(maskKind, value) : value;
    } catch (error) {
      return onError(error, parent, args, context, info);
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}
