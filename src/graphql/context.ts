import { randomUUID } from "node:crypto";
import { authenticate } from "../auth/authenticate.ts";
import type { AuthConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import type { SubgraphContext, SubgraphModule } from "./subgraph.ts";

/** The headers a subgraph reads, whether they came over HTTP or from the in-process gateway. */
export interface ForwardedHeaders {
  get(name: string): string | null | undefined;
}

/**
 * The one context factory of a subgraph: its HTTP server and the gateway's in-process data
 * source both call it, so a subgraph behaves the same however it is reached. It verifies the
 * forwarded bearer token itself (a subgraph called directly trusts no gateway): a refused token
 * rejects with a GraphQLError coded UNAUTHENTICATED; no token gives the anonymous viewer.
 */
export async function createSubgraphContext<L>(module: SubgraphModule<L>, db: Db, headers: ForwardedHeaders, auth: AuthConfig): Promise<SubgraphContext<L>> {
  const authorization = headers.get("authorization") ?? null;
  const viewer = await authenticate(authorization, auth);
  return {
    db,
    loaders: module.createLoaders(db),
    authorization,
    viewer,
    requestId: headers.get("x-request-id") ?? randomUUID(),
  };
}
