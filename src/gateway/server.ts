import { randomUUID } from "node:crypto";
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { ExecutionResult, GraphQLSchema } from "graphql";
import type { AuditRecorder } from "../auth/audit.ts";
import { authenticate } from "../auth/authenticate.ts";
import type { AuthConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { createSubgraphContext, finishAudit } from "../graphql/context.ts";
import type { SubgraphContext, SubgraphModule } from "../graphql/subgraph.ts";
import type { GatewayContext } from "./data-sources.ts";
import { createGateway, type SubgraphLocations } from "./gateway.ts";
import type { HttpRoute } from "./console-route.ts";
import { serveHttp, type HttpHeaders, type RunningHttpServer } from "./http.ts";

export interface GatewayServer {
  apollo: ApolloServer<GatewayContext>;
  /** Runs an operation as an HTTP client would, without a socket (tests, benchmarks). */
  execute(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: Record<string, unknown> | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>;
  /** `routes`: served before GraphQL, e.g. the web console (console-route.ts). */
  listen(port: number, host?: string, routes?: readonly HttpRoute[]): Promise<RunningHttpServer>;
  stop(): Promise<void>;
}

export function gatewayContextFrom(headers: HttpHeaders): GatewayContext {
  return { authorization: headers.get("authorization") ?? null, requestId: headers.get("x-request-id") ?? randomUUID(), purpose: headers.get("x-purpose") ?? null };
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

/** The gateway as an Apollo Server over the supergraph, ready to execute or listen. */
export async function createGatewayServer(supergraphSdl: string, locations: SubgraphLocations, auth: AuthConfig): Promise<GatewayServer> {
  const gateway = await createGateway(supergraphSdl, locations, auth);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: process.env.NODE_ENV !== "production",
    // The gateway checks the token before planning, so a refused token is one clear error.
    // Subgraphs over HTTP verify it again (they trust no gateway); in-process subgraphs reuse
    // this verification of the same header (`contextValue.viewer`, data-sources.ts).
    plugins: [{ requestDidStart: async () => ({ didResolveOperation: async ({ contextValue }) => void (await (contextValue.viewer ??= authenticate(contextValue.authorization, auth))) }) }, auditPlugin<GatewayContext>()],
  });
  await apollo.start();
  return {
    apollo,
    async execute(query, variables = {}, headers = {}) {
      const h = new Headers(headers);
      const response = await apollo.executeOperation({ query, variables }, { contextValue: gatewayContextFrom({ get: (n) => h.get(n) }) });
      if (response.body.kind !== "single") throw new Error("incremental delivery is not used by the hub");
      return response.body.singleResult as never;
    },
    listen: (port, host = "127.0.0.1", routes = []) => serveHttp(apollo, { port, host, context: gatewayContextFrom, graphiql: true, routes }),
    stop: () => apollo.stop(),
  };
}

/** One subgraph as its own HTTP service: how a department runs its part in production. */
export async function createSubgraphServer<L>(module: SubgraphModule<L>, db: Db, auth: AuthConfig): Promise<{ schema: GraphQLSchema; listen(port: number, host?: string): Promise<RunningHttpServer>; stop(): Promise<void> }> {
  const schema = await module.buildSchema();
  const apollo = new ApolloServer<SubgraphContext<L> & BaseContext>({ schema, plugins: [ApolloServerPluginInlineTraceDisabled(), auditPlugin<SubgraphContext<L> & BaseContext>()] });
  await apollo.start();
  return {
    schema,
    listen: (port, host = "127.0.0.1") => serveHttp(apollo, { port, host, context: (headers) => createSubgraphContext(module, db, headers, auth), graphiql: false }),
    stop: () => apollo.stop(),
  };
}
