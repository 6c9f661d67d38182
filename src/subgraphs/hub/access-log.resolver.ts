import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import {
  childAccessPage,
  countChildAccesses,
  queryAuditLog,
  type AuditEntry,
  type ChildAccessEntry,
} from "../../access/audit/log-reader.ts";
import { ROW_SCOPES } from "../../access/rows/scopes.ts";
import { Connection } from "../../graphql/connection.ts";
import { badInput, parseChildId } from "../../graphql/errors.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";

@ObjectType("AccessLogEntry", {
  description: "One request that read individual children's fields: who, as what, which children and fields, why.",
})
export class AccessLogEntry {
  @Field(() => String, { description: "When the request answered (ISO 8601, UTC)." })
  at!: string;

  @Field(() => String, { description: "The token subject who read." })
  actor!: string;

  @Field(() => String)
  role!: string;

  @Field(() => String, { description: 'The token\'s scope as JSON, e.g. {"region":"3301"}.' })
  scope!: string;

  @Field(() => String, { nullable: true, description: "The GraphQL operation name the client gave." })
  operation!: string | null;

  @Field(() => [ID], { description: "Master ids of the children whose fields were read." })
  childIds!: string[];

  @Field(() => [String], { description: '"Type.field" names read, e.g. Child.name.' })
  fields!: string[];

  @Field(() => String, { nullable: true, description: "The X-Purpose header the client sent." })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;
}

@ObjectType("AccessLogConnection")
class AccessLogConnection extends Connection("AccessLog", AccessLogEntry) {}

@ObjectType("ChildAccess", {
  description:
    "One read of a child's record, as its guardian may be told of it: which organisation read what, when and why " +
    "— never who by name or token.",
})
export class ChildAccess {
  /** Not a GraphQL field: the child the entry is about, so that reading it is logged as a read of that child. */
  childId!: number;

  @Field(() => DateScalar, { description: "The day of the read, in China." })
  date!: string;

  @Field(() => String, { description: "The reader's role, e.g. school_admin." })
  role!: string;

  @Field(() => String, {
    nullable: true,
    description: "The department the reader works for (household, health, education, insurance), or hub.",
  })
  department!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The region the reader works in: an office's region prefix, a family doctor's county.",
  })
  region!: string | null;

  @Field(() => [String], { description: "A school administrator's schools (school codes); empty for other roles." })
  schools!: string[];

  @Field(() => [String], { description: '"Type.field" names read, e.g. Child.name.' })
  fields!: string[];

  @Field(() => String, { nullable: true, description: "Why, as the reader's system declared it (X-Purpose)." })
  purpose!: string | null;
}

@ObjectType("ChildAccessConnection")
class ChildAccessConnection extends Connection("ChildAccess", ChildAccess) {
  /** Not a GraphQL field: counts the history over all pages (totalCount), only when asked for. */
  count!: () => Promise<number>;
}

/** The auditor's view of the append-only access log (src/access/audit/log-reader.ts). */
@Resolver(() => AccessLogEntry)
export class AccessLogResolver {
  @Query(() => AccessLogConnection, {
    nullable: true,
    description: "The access log, newest first, by actor, child and time range [from, to).",
  })
  async accessLog(
    @Arg("actor", () => String, { nullable: true }) actor: string | null,
    @Arg("childId", () => ID, { nullable: true }) childId: string | null,
    @Arg("from", () => String, { nullable: true, description: "ISO 8601 instant, inclusive." }) from: string | null,
    @Arg("to", () => String, { nullable: true, description: "ISO 8601 instant, exclusive." }) to: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext<HubLoaders>,
  ): Promise<AccessLogConnection> {
    // The policy table lets only the auditor here; the row scope (ROW_SCOPES[role].auditLog) says the same in the
    // data layer.
    if (ctx.viewer.role === "anonymous" || ROW_SCOPES[ctx.viewer.role].auditLog !== "all")
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: null };
    const page = await queryAuditLog(ctx.db, {
      actor,
      childId: childId == null ? null : parseChildId(childId, "childId"),
      from: instant(from, "from"),
      to: instant(to, "to"),
      first,
      after,
    });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toEntry(e.node) })), totalCount: null };
  }

  @Query(() => ChildAccessConnection, {
    nullable: true,
    description:
      "Who looked at a child's record (DESIGN.md: the guardian's question, answered from the access log): every " +
      "logged read of it, newest first, by organisation, role, day, purpose and fields — never an official's name " +
      "or token. Days from/to in China, both included. The auditor's today; reading it is logged as a read of " +
      "the child, like any other.",
  })
  async whoLookedAt(
    @Arg("childId", () => ID) childId: string,
    @Arg("from", () => DateScalar, { nullable: true }) from: string | null,
    @Arg("to", () => DateScalar, { nullable: true }) to: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext<HubLoaders>,
  ): Promise<ChildAccessConnection> {
    const id = parseChildId(childId, "childId");
    // Only the auditor's row scope reaches the log (ROW_SCOPES[role].auditLog); the policy table says the same.
    if (ctx.viewer.role === "anonymous" || ROW_SCOPES[ctx.viewer.role].auditLog !== "all")
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, count: async () => 0 };
    const range = { from: from ?? null, to: to ?? null };
    const page = await childAccessPage(ctx.db, id, { ...range, first, after });
    return {
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: toChildAccess(e.node) })),
      pageInfo: page.pageInfo,
      count: () => countChildAccesses(ctx.db, id, range),
    };
  }
}

function toChildAccess(entry: ChildAccessEntry): ChildAccess {
  return {
    childId: entry.childId,
    date: entry.date,
    role: entry.role,
    department: entry.department,
    region: entry.region,
    schools: entry.schools,
    fields: entry.fields,
    purpose: entry.purpose,
  };
}

@Resolver(() => ChildAccessConnection)
export class ChildAccessConnectionResolver {
  @FieldResolver(() => Int, { nullable: true, description: "Reads of the child in the range, over all pages." })
  async totalCount(@Root() connection: ChildAccessConnection): Promise<number | null> {
    return connection.count();
  }
}

function instant(value: string | null | undefined, argument: string): Date | null {
  // type-graphql leaves an argument the client omitted undefined, not null.
  if (value == null) return null;
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value.trim())
    ? new Date(value.trim())
    : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw badInput(
      argument,
      `must be an ISO 8601 date or instant such as "2026-11-24" or "2026-11-24T08:00:00Z", but got "${value}"`,
    );
  return date;
}

function toEntry(entry: AuditEntry): AccessLogEntry {
  return {
    at: entry.at.toISOString(),
    actor: entry.actor,
    role: entry.role,
    scope: JSON.stringify(entry.scope ?? {}),
    operation: entry.operation,
    childIds: entry.childIds.map(String),
    fields: entry.fields,
    purpose: entry.purpose,
    requestId: entry.requestId,
  };
}
