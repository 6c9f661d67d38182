import { type ClassType, Directive, Field, Int, ObjectType } from "type-graphql";

/** The paging rules themselves live in src/db/paging.ts (no decorators), so non-GraphQL code can page too. */

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
