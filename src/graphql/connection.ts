import { GraphQLError } from "graphql";
import { ClassType, Directive, Field, Int, ObjectType } from "type-graphql";
import { ErrorCode } from "../errors.ts";

/** Page sizes: a roster of a large school fits in a page, a province never does. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

@Directive("@shareable")
@ObjectType("PageInfo")
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * A Relay-style connection type for `T` with `<name>Edge` edges; the subclass names it.
 * Cursors are opaque to clients: base64 of the last row's sort key.
 */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  // Named by the subclass: `@ObjectType("ChildConnection") class … extends Connection("Child", Child)`.
  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { nullable: true, description: "Total matching rows, when cheap to know." })
    totalCount?: number | null;
  }
  return ConnectionType;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount?: number | null;
}

/** Validates `first` against the bounds and decodes `after`; errors name the argument. */
export function pageArgs(first: number | null | undefined, after: string | null | undefined): { limit: number; after: string | null } {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be between 1 and ${MAX_PAGE_SIZE}, but got ${limit}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument: "first" } });
  }
  if (after == null) return { limit, after: null };
  const decoded = Buffer.from(after, "base64url").toString("utf8");
  if (!decoded.startsWith("c:")) {
    throw new GraphQLError(`after must be a cursor returned by this connection, but got "${after}"`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument: "after" } });
  }
  return { limit, after: decoded.slice(2) };
}

export function encodeCursor(key: string | number): string {
  return Buffer.from(`c:${key}`, "utf8").toString("base64url");
}

/**
 * Turns `limit + 1` rows fetched in key order into a page: the extra row only says whether
 * there is a next page.
 */
export function toPage<R, T>(rows: readonly R[], limit: number, keyOf: (row: R) => string | number, nodeOf: (row: R) => T): Page<T> {
  const visible = rows.slice(0, limit);
  const edges = visible.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: nodeOf(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}
