import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { SubgraphContext, SubgraphModule } from "./subgraph.ts";

/** The headers a subgraph reads, whether they came over HTTP or from the in-process gateway. */
export interface ForwardedHeaders {
  get(name: string): string | null | undefined;
}

/**
 * The one context factory of a subgraph: its HTTP server and the gateway's in-process data
 * source both call it, so a subgraph behaves the same however it is reached.
 */
export function createSubgraphContext<L>(module: SubgraphModule<L>, db: Db, headers: ForwardedHeaders): SubgraphContext<L> {
  return {
    db,
    loaders: module.createLoaders(db),
    authorization: headers.get("authorization") ?? null,
    requestId: headers.get("x-request-id") ?? randomUUID(),
  };
}
