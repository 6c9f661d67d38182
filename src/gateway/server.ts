import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { ExecutionResult, GraphQLSchema } from "graphql";
import type { AuditRecorder } from "../auth/audit.ts";
import { authenticate } from "../auth/authenticate.ts";
import { loadHardening, type AuthConfig, type HardeningConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { ErrorCode } from "../errors.ts";
import { createSubgraphContext, finishAudit } from "../graphql/context.ts";
import type { SubgraphContext, SubgraphModule } from "../graphql/subgraph.ts";
import { hardenedApolloOptions } from "../hardening/apollo.ts";
import type { InternalErrorReporter } from "../hardening/error-format.ts";
import { purposeFrom, requestIdFrom } from "../hardening/headers.ts";
import { jsonLineLogger, silentLogger, type OperationLogger } from "../hardening/log.ts";
import { RateLimiter } from "../hardening/rate-limit.ts";
import { verifySignature } from "../hardening/signature.ts";
import type { GatewayContext } from "./data-sources.ts";
import { createGateway, type SubgraphLocations } from "./gateway.ts";
import type { HttpRoute } from "./console-route.ts";
import { serveHttp, type HttpHeaders, type HttpOptions, type RunningHttpServer } from "./http.ts";

export interface GatewayServer {
  apollo: ApolloServer<GatewayContext>;
  hardening: HardeningConfig;
  /** Runs an operation as an HTTP client would, without a socket (tests, benchmarks). */
  execute(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{
    data?: Record<string, unknown> | null;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }>;
  /** `routes`: served before GraphQL, e.g. the web console (console-route.ts). */
  listen(port: number, host?: string, routes?: readonly HttpRoute[]): Promise<RunningHttpServer>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Limits, production mode, safelist, gateway key, budgets; default: the safe defaults (`loadHardening({}, auth)`). */
  hardening?: HardeningConfig;
  /** Where the per-operation log lines go; default: stdout when a `hardening` given says "json", else nowhere. */
  logger?: OperationLogger;
  /** Where masked internal errors are written with their id; default: stderr. */
  reportInternal?: InternalErrorReporter;
}

/**
 * The gateway's context from a client's headers: the token, a request id and a purpose, nothing
 * else (src/hardening/headers.ts says why).
 */
export function gatewayContextFrom(headers: HttpHeaders): GatewayContext {
  return {
    authorization: headers.get("authorization") ?? null,
    requestId: requestIdFrom(headers.get("x-request-id")),
    purpose: purposeFrom(headers.get("x-purpose")),
  };
}

/** Writes the request's access-log row before the answer leaves; an unwritable log withholds the data. */
function auditPlugin<C extends { audit?: AuditRecorder }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.audit || response.body.kind !== "single") return;
          const finished = await finishAudit(contextValue.audit, response.body.singleResult as ExecutionResult);
          response.body.singleResult = finished as typeof response.body.singleResult;
        },
      };
    },
  };
}

function httpLimits(
  hardening: HardeningConfig,
): Pick<HttpOptions<unknown>, "maxBodyBytes" | "maxBatch" | "executionTimeoutMs" | "graphiql"> {
  const { limits } = hardening;
  return {
    maxBodyBytes: limits.maxBodyBytes,
    maxBatch: limits.maxBatch,
    executionTimeoutMs: limits.executionTimeoutMs,
    graphiql: !hardening.production,
  };
}

function loggerFor(options: ServerOptions): OperationLogger {
  return options.logger ?? (options.hardening?.log === "json" ? jsonLineLogger : silentLogger);
}

/** The gateway as an Apollo Server over the supergraph, ready to execute or listen. */
export async function createGatewayServer(
  supergraphSdl: string,
  locations: SubgraphLocations,
  auth: AuthConfig,
  options: ServerOptions = {},
): Promise<GatewayServer> {
  const hardening = options.hardening ?? loadHardening({}, auth);
  const gateway = await createGateway(supergraphSdl, locations, auth, hardening.gatewaySecret);
  const { rate } = hardening;
  const hardened = hardenedApolloOptions<GatewayContext>({
    hardening,
    server: "gateway",
    // The gateway checks the token before planning, so a refused token is one clear error.
    // Subgraphs over HTTP verify it again (they trust no gateway); in-process subgraphs reuse
    // this verification of the same header (`contextValue.viewer`, data-sources.ts).
    identify: (context) => (context.viewer ??= authenticate(context.authorization, auth)),
    rateLimiter: rate.operationsPerMinute > 0 || rate.childRecordsPerMinute > 0 ? new RateLimiter(rate) : undefined,
    logger: loggerFor(options),
    reportInternal: options.reportInternal,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...hardened,
    plugins: [...hardened.plugins, auditPlugin<GatewayContext>()],
  });
  await apollo.start();
  return {
    apollo,
    hardening,
    async execute(query, variables = {}, headers = {}) {
      const h = new Headers(headers);
      const response = await apollo.executeOperation(
        { query, variables },
        { contextValue: gatewayContextFrom({ get: (n) => h.get(n) }) },
      );
      if (response.body.kind !== "single") throw new Error("incremental delivery is not used by the hub");
      return response.body.singleResult as never;
    },
    listen: (port, host = "127.0.0.1", routes = []) =>
      serveHttp(apollo, { port, host, context: gatewayContextFrom, ...httpLimits(hardening), routes }),
    stop: () => apollo.stop(),
  };
}

/**
 * One subgraph as its own HTTP service: how a department runs its part in production. It has
 * the gateway's operation limits and error masking, and answers only requests the gateway signed
 * (unless `allowUnsignedSubgraphRequests`); it verifies the caller's token itself either way.
 */
export async function createSubgraphServer<L>(
  module: SubgraphModule<L>,
  db: Db,
  auth: AuthConfig,
  options: ServerOptions = {},
): Promise<{
  schema: GraphQLSchema;
  listen(port: number, host?: string): Promise<RunningHttpServer>;
  stop(): Promise<void>;
}> {
  const hardening = options.hardening ?? loadHardening({}, auth);
  const key = hardening.gatewaySecret;
  if (!key && !hardening.allowUnsignedSubgraphRequests) {
    throw new Error(
      `subgraph ${module.name}: no key to check the gateway's signatures with: set HUB_GATEWAY_SECRET (the same as the gateway's), or HUB_SUBGRAPH_ALLOW_UNSIGNED=true to answer any caller`,
    );
  }
  const schema = await module.buildSchema();
  type C = SubgraphContext<L> & BaseContext;
  // The safelist lists client operations; what a subgraph receives are the gateway's query-plan
  // fetches, which are not in it. The signature says they passed the gateway's safelist.
  const hardened = hardenedApolloOptions<C>({
    hardening: { ...hardening, safelist: null },
    server: module.name,
    identify: async (context) => context.viewer,
    logger: loggerFor(options),
    reportInternal: options.reportInternal,
  });
  const apollo = new ApolloServer<C>({
    schema,
    ...hardened,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...hardened.plugins, auditPlugin<C>()],
  });
  await apollo.start();
  const admit: HttpOptions<C>["admit"] =
    hardening.allowUnsignedSubgraphRequests || !key
      ? undefined
      : ({ method, path, headers, body }) => {
          const verdict = verifySignature(
            key,
            (n) => headers.get(n),
            {
              method,
              path,
              body,
              authorization: headers.get("authorization"),
              purpose: headers.get("x-purpose"),
              requestId: headers.get("x-request-id"),
            },
            Date.now(),
          );
          if (verdict.ok) return null;
          const missing = !headers.get("x-hub-gateway-signature");
          return {
            status: missing ? 401 : 403,
            code: ErrorCode.GATEWAY_SIGNATURE_INVALID,
            message: `subgraph ${module.name} refused the request: ${verdict.reason}`,
          };
        };
  return {
    schema,
    listen: (port, host = "127.0.0.1") =>
      serveHttp(apollo, {
        port,
        host,
        context: (headers) => createSubgraphContext(module, db, headers, auth),
        ...httpLimits(hardening),
        graphiql: false,
        admit,
      }),
    stop: () => apollo.stop(),
  };
}
