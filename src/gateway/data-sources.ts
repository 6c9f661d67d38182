import { LocalGraphQLDataSource, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { createAuditRecorder, type AuditRecorder } from "../access/audit/recorder.ts";
import { authenticate } from "../access/identity/authenticate.ts";
import { createRowAccess, type RowAccess } from "../access/rows/row-access.ts";
import type { Viewer } from "../access/identity/viewer.ts";
import type { AuthConfig } from "../config/index.ts";
import type { TlsFiles } from "../config/tls.ts";
import type { Db } from "../db/client.ts";
import { createSubgraphContext } from "../graphql/context.ts";
import { injectTraceHeaders } from "../observability/tracing.ts";
import { signatureHeaders } from "../server/signature.ts";
import { mutualTlsFetcher } from "./mtls-fetcher.ts";
import type { SubgraphContext, SubgraphModule } from "../graphql/subgraph.ts";

/** What the gateway keeps per client request: the headers it forwards to every subgraph. */
export interface GatewayContext {
  authorization: string | null;
  requestId: string;
  /** Why the caller reads (the `X-Purpose` header), for the access log. */
  purpose: string | null;
  /**
   * In-process subgraphs log a client request's reads into this one recorder, which the gateway
   * flushes (one INSERT) before answering; subgraphs over HTTP each log their own.
   */
  audit?: AuditRecorder;
  /**
   * In-process only: the viewer verified once from `authorization` (by the gateway before
   * planning), and the rows (src/access/rows/row-access.ts) every in-process subgraph's loaders
   * of this request read under. Subgraphs over HTTP verify and check on their own.
   */
  viewer?: Promise<Viewer>;
  rows?: RowAccess;
}

/** Headers the gateway passes on to subgraphs; everything else a client sent stays at the gateway. */
export function forwardedHeaders(context: GatewayContext): Record<string, string> {
  return {
    ...(context.authorization ? { authorization: context.authorization } : {}),
    ...(context.purpose ? { "x-purpose": context.purpose } : {}),
    "x-request-id": context.requestId,
  };
}

/**
 * A subgraph in the gateway's process. LocalGraphQLDataSource would hand the gateway's context
 * straight to the resolvers; this builds the subgraph's own context from the forwarded headers,
 * exactly as its HTTP server would, once per client request (so its DataLoaders batch across
 * every fetch the query plan makes to it).
 */
export class InProcessSubgraphDataSource extends LocalGraphQLDataSource {
  private readonly contexts = new WeakMap<object, Promise<SubgraphContext<unknown>>>();

  constructor(
    schema: GraphQLSchema,
    private readonly module: SubgraphModule<unknown>,
    private readonly db: Db,
    private readonly auth: AuthConfig,
  ) {
    super(schema);
  }

  override async process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>) {
    const gatewayContext = options.context as unknown as GatewayContext;
    let pending = this.contexts.get(gatewayContext);
    if (!pending) {
      const headers = new Headers(forwardedHeaders(gatewayContext));
      pending = createSubgraphContext(this.module, this.db, { get: (name) => headers.get(name) }, this.auth, {
        auditFor: (viewer) =>
          (gatewayContext.audit ??= createAuditRecorder(this.db, viewer, {
            purpose: gatewayContext.purpose,
            requestId: gatewayContext.requestId,
          })),
        viewer: (gatewayContext.viewer ??= authenticate(gatewayContext.authorization, this.auth)),
        rowsFor: (viewer) => (gatewayContext.rows ??= createRowAccess(this.db, viewer)),
      });
      this.contexts.set(gatewayContext, pending);
    }
    let context: SubgraphContext<unknown>;
    try {
      context = await pending;
    } catch (error) {
      // The subgraph refuses the token as its HTTP server would: an error response, not a throw.
      if (error instanceof GraphQLError) return { errors: [error] } as never;
      throw error;
    }
    const source = options.request.query!;
    let document = this.documents.get(source);
    if (!document) {
      const checked = parseAndValidate(this.schema, source);
      // Refused as graphql() would refuse it, and never kept: refused the same way every time.
      if (checked.errors) return { errors: checked.errors } as never;
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(source, (document = checked.document));
    }
    return execute({
      schema: this.schema,
      document,
      variableValues: options.request.variables,
      operationName: options.request.operationName,
      contextValue: context,
    }) as never;
  }

  /**
   * The gateway sends each subgraph the few operations its query plans hold, the same text
   * every time: parsing and validating them again on every request was ~9% of the gateway
   * process's CPU for the patient lookup. Valid documents are kept (the schema never changes
   * in process).
   */
  private readonly documents = new Map<string, DocumentNode>();
}

/** The parsed document, or the syntax or validation errors graphql() would answer with. */
function parseAndValidate(
  schema: GraphQLSchema,
  source: string,
): { document: DocumentNode; errors?: undefined } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(schema, document);
  return errors.length > 0 ? { errors } : { document };
}

/** Distinct subgraph operations kept per subgraph (query plans are cached by the gateway; this is their fetches). */
const MAX_DOCUMENTS = 1_000;

/**
 * A subgraph over HTTP: the caller's forwarded headers go along with every request, signed with
 * the gateway's key (src/server/signature.ts) over the exact bytes sent, and, with `tls`, over
 * mutual TLS with the gateway's client certificate (mtls-fetcher.ts), so the subgraph server
 * knows the request came through the gateway. With both, either convinces the subgraph.
 */
export class ForwardingRemoteDataSource extends RemoteGraphQLDataSource<Record<string, unknown>> {
  constructor(options: { url: string; gatewaySecret: Uint8Array | null; tls?: TlsFiles | null }) {
    super({ url: options.url });
    if (options.tls && !options.url.startsWith("https://"))
      throw new Error(
        `subgraph URL ${options.url} must be https:// when the gateway presents a client certificate ` +
          "(HUB_GATEWAY_TLS_*): a certificate goes over TLS only",
      );
    if (options.tls) this.fetcher = mutualTlsFetcher(options.tls);
    const key = options.gatewaySecret;
    if (!key) return;
    const send = this.fetcher;
    this.fetcher = (url, init) => {
      const headers = { ...(init?.headers as Record<string, string> | undefined) };
      const signed = signatureHeaders(
        key,
        {
          method: init?.method ?? "POST",
          path: new URL(url).pathname,
          body: typeof init?.body === "string" ? init.body : "",
          authorization: headers.authorization,
          purpose: headers["x-purpose"],
          requestId: headers["x-request-id"],
        },
        Date.now(),
      );
      return send(url, { ...init, headers: { ...headers, ...signed } });
    };
  }

  override willSendRequest({
    request,
    context,
  }: {
    request: { http?: { headers: { set(name: string, value: string): void } } };
    context: Record<string, unknown>;
  }) {
    for (const [name, value] of Object.entries(forwardedHeaders(context as unknown as GatewayContext)))
      request.http?.headers.set(name, value);
    // The trace goes on in the subgraph's server (W3C traceparent): nothing when tracing is off.
    injectTraceHeaders((name, value) => request.http?.headers.set(name, value));
  }
}
