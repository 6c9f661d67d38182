import { randomUUID } from "node:crypto";
import { GraphQLError, type ExecutionResult } from "graphql";
import { createAuditRecorder, type AuditRecorder } from "../access/audit/recorder.ts";
import { authenticate } from "../access/identity/authenticate.ts";
import { createRowAccess, type RowAccess } from "../access/rows/row-access.ts";
import type { Viewer } from "../access/identity/viewer.ts";
import type { AuthConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { ErrorCode } from "../errors.ts";
import type { SubgraphContext, SubgraphModule } from "./subgraph.ts";

/** The headers a subgraph reads, whether they came over HTTP or from the in-process gateway. */
export interface ForwardedHeaders {
  get(name: string): string | null | undefined;
}

export interface SubgraphContextOptions {
  /**
   * The recorder this request's reads are logged by. The in-process gateway passes one shared by
   * every subgraph of a client request (one log row per request); by default each subgraph
   * request gets its own, flushed when it answers (`finishAudit`).
   */
  auditFor?: (viewer: Viewer) => AuditRecorder;
  /**
   * The viewer of this request's `Authorization` header, when the caller already verified it in
   * this process for the same request (the in-process gateway: one verification for the gateway
   * and all its subgraphs). By default the subgraph verifies the header itself.
   */
  viewer?: Promise<Viewer>;
  /**
   * The rows this request's loaders read under. The in-process gateway passes one shared by
   * every subgraph of a client request, so a child one subgraph checked is not checked again by
   * the next (same viewer, same database, same `hub.child_scope`: the same answer).
   */
  rowsFor?: (viewer: Viewer) => RowAccess;
}

/**
 * The one context factory of a subgraph: its HTTP server and the gateway's in-process data
 * source both call it, so a subgraph behaves the same however it is reached. It verifies the
 * forwarded bearer token itself (a subgraph called directly trusts no gateway): a refused token
 * rejects with a GraphQLError coded UNAUTHENTICATED; no token gives the anonymous viewer. The
 * viewer's rows, the loaders that read under them, and the audit recorder are fixed here,
 * before any resolver runs.
 */
export async function createSubgraphContext<L>(
  module: SubgraphModule<L>,
  db: Db,
  headers: ForwardedHeaders,
  auth: AuthConfig,
  options: SubgraphContextOptions = {},
): Promise<SubgraphContext<L>> {
  const authorization = headers.get("authorization") ?? null;
  const viewer = await (options.viewer ?? authenticate(authorization, auth));
  const requestId = headers.get("x-request-id") ?? randomUUID();
  const audit = options.auditFor
    ? options.auditFor(viewer)
    : createAuditRecorder(db, viewer, { purpose: headers.get("x-purpose"), requestId });
  const rows = options.rowsFor ? options.rowsFor(viewer) : createRowAccess(db, viewer);
  return { db, loaders: module.createLoaders(db, rows), authorization, viewer, requestId, rows, audit };
}

/**
 * Writes a request's access-log row before its answer leaves. If the log cannot be written the
 * data is withheld: a read that is not audited must not happen.
 */
export async function finishAudit(audit: AuditRecorder, result: ExecutionResult): Promise<ExecutionResult> {
  try {
    await audit.flush();
    return result;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`audit: the access log could not be written, so the answer is withheld: ${reason}`);
    return {
      data: null,
      errors: [
        new GraphQLError("the access could not be recorded in the audit log, so no data is returned; try again later", {
          extensions: { code: ErrorCode.DATABASE_UNAVAILABLE },
        }),
      ],
    };
  }
}
