import type { GraphQLSchema } from "graphql";
import type { AuditRecorder } from "../access/audit/recorder.ts";
import type { RowAccess } from "../access/rows/row-access.ts";
import type { Viewer } from "../access/identity/viewer.ts";
import type { Db } from "../db/client.ts";

export const SUBGRAPH_NAMES = ["household", "health", "education", "insurance", "hub"] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** What every subgraph resolver receives: a database, its per-request loaders, the caller's headers. */
export interface SubgraphContext<L = unknown> {
  db: Db;
  loaders: L;
  /** The caller's `Authorization` header, forwarded by the gateway. */
  authorization: string | null;
  /** Who is asking: verified from `authorization` by this subgraph itself (anonymous without a token). */
  viewer: Viewer;
  requestId: string;
  /**
   * The viewer's rows (src/access/rows/row-access.ts): the same object `loaders` were made with,
   * which apply it where they read; resolvers do not ask it themselves.
   */
  rows: RowAccess;
  /** Reads of children's fields, written as one access-log row when the request answers. */
  audit: AuditRecorder;
}

/**
 * A subgraph is a value, never a listening server: the gateway runs it in-process or
 * `npm start -- --subgraph NAME` serves it on its own port.
 */
export interface SubgraphModule<L = unknown> {
  name: SubgraphName;
  buildSchema(): Promise<GraphQLSchema>;
  /**
   * Fresh DataLoaders for one request: batching within it, no cache across requests. They read
   * under the request's rows: a child outside them, and a container's records of such a child,
   * never leave a loader.
   */
  createLoaders(db: Db, rows: RowAccess): L;
}
