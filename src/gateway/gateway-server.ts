import { ApolloServer } from "@apollo/server";
import { authenticate } from "../access/identity/authenticate.ts";
import { loadHardening, type AuthConfig, type HardeningConfig } from "../config/index.ts";
import { hardenedApolloOptions } from "../server/apollo.ts";
import { auditPlugin, httpLimits, loggerFor, type ServerOptions } from "../server/apollo-server.ts";
import { purposeFrom, requestIdFrom } from "../server/headers.ts";
import { serveHttp, type HttpHeaders, type HttpRoute, type RunningHttpServer } from "../server/http.ts";
import { RateLimiter } from "../server/rate-limit.ts";
import type { GatewayContext } from "./data-sources.ts";
import { createGateway, type SubgraphLocations } from "./gateway.ts";

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

/**
 * The gateway's context from a client's headers: the token, a request id and a purpose, nothing
 * else (src/server/headers.ts says why).
 */
export function gatewayContextFrom(headers: HttpHeaders): GatewayContext {
  return {
    authorization: headers.get("authorization") ?? null,
    requestId: requestIdFrom(headers.get("x-request-id")),
    purpose: purposeFrom(headers.get("x-purpose")),
  };
}

/** The gateway as an Apollo Server over the supergraph, ready to execute or listen. */
export async function createGatewayServer(
  supergraphSdl: string,
  locations: SubgraphLocations,
  auth: AuthConfig,
  options: ServerOptions = {},
): Promise<GatewayServer> {
  const hardening = options.hardening ?? loadHardening({}, auth);
  const gateway = await createGateway(supergraphSdl, locations, auth, hardening);
  const { rate } = hardening;
  const rateLimiter =
    rate.operationsPerMinute > 0 || rate.childRecordsPerMinute > 0 ? new RateLimiter(rate) : undefined;
  const hardened = hardenedApolloOptions<GatewayContext>({
    hardening,
    server: "gateway",
    // The gateway checks the token before planning, so a refused token is one clear error.
    // Subgraphs over HTTP verify it again (they trust no gateway); in-process subgraphs reuse
    // this verification of the same header (`contextValue.viewer`, data-sources.ts).
    identify: (context) => (context.viewer ??= authenticate(context.authorization, auth)),
    rateLimiter,
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
      serveHttp(apollo, {
        port,
        host,
        name: "gateway",
        ready: options.ready,
        context: gatewayContextFrom,
        ...httpLimits(hardening),
        routes,
        // A request refused before GraphQL (too large, too slow, too deep) costs an operation too.
        countRefusal: rateLimiter
          ? async (headers) => {
              const subject = await authenticate(headers.get("authorization") ?? null, auth).then(
                (viewer) => viewer.subject,
                () => "anonymous",
              );
              rateLimiter.admit(subject);
            }
          : undefined,
      }),
    stop: () => apollo.stop(),
  };
}
