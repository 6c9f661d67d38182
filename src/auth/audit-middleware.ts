import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { isIntrospectionType, isObjectType } from "graphql";
import type { IMiddlewareFunction, IMiddlewareTypeMap } from "graphql-middleware";
import type { AuditRecorder } from "./audit.ts";

/**
 * Types whose objects are one child's data. `Child` is identified by its `id`; the others are
 * department records that carry the master child they are linked to as a (non-GraphQL)
 * `childId` property when they are reached outside `Child` (a school's roster, a doctor's
 * patients, an area's enrollments, a household's members). Reached through `Child`, the
 * `Child.<field>` read is what is logged.
 */
export const AUDITED_TYPES: ReadonlySet<string> = new Set(["Child", "StudentRegistration", "DoctorContract", "Enrollment", "HouseholdMember"]);

interface AuditContext {
  audit?: AuditRecorder;
}

/** The master child an object of an audited type belongs to, or null (an unlinked record). */
export function childIdOfParent(typeName: string, parent: unknown): number | null {
  if (parent === null || typeof parent !== "object") return null;
  const raw = typeName === "Child" ? (parent as { id?: unknown }).id : (parent as { childId?: unknown }).childId;
  const id = typeof raw === "string" ? Number(raw) : raw;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}

function auditField(typeName: string, fieldName: string): IMiddlewareFunction {
  const name = `${typeName}.${fieldName}`;
  return async (resolve: GraphQLFieldResolver<unknown, AuditContext>, parent, args, context: AuditContext, info) => {
    const childId = childIdOfParent(typeName, parent);
    if (childId !== null && context?.audit) {
      context.audit.noteOperation(info.operation.name?.value);
      context.audit.record([childId], [name]);
    }
    return resolve(parent, args, context, info);
  };
}

/**
 * Logs every read of a field of an audited type (in memory; the request's end writes one row).
 * Applied inside the shield, so a denied field is never logged as read.
 */
export function auditMiddleware(schema: GraphQLSchema): IMiddlewareTypeMap {
  const map: IMiddlewareTypeMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type) || !AUDITED_TYPES.has(type.name)) continue;
    const fields: Record<string, IMiddlewareFunction> = {};
    for (const fieldName of Object.keys(type.getFields())) fields[fieldName] = auditField(type.name, fieldName);
    map[type.name] = fields;
  }
  return map;
}
