import { ApolloServer, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import { loadHardening, type AuthConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { ErrorCode } from "../errors.ts";
import { createSubgraphContext } from "../graphql/context.ts";
import type { SubgraphContext, SubgraphModule } from "../graphql/subgraph.ts";
import { hardenedApolloOptions } from "./apollo.ts";
import { auditPlugin, httpLimits, loggerFor, type ServerOptions } from "./apollo-server.ts";
import { LIMIT_SETTINGS } from "../config/limits.ts";
import { purposeFrom, requestIdFrom } from "./headers.ts";
import { serveHttp, type HttpHeaders, type HttpOptions, type RunningHttpServer } from "./http.ts";
import { operationLabelsFor } from "./operation-names.ts";
import { loadSafelist } from "./safelist.ts";
import { SIGNATURE_HEADER, verifySignature } from "./signature.ts";

/**
 * One subgraph as its own HTTP service: how a department runs its part in production. It has
 * the gateway's operation limits and error masking, and answers only a router: a request the
 * hub's gateway signed, or, with mutual TLS (HUB_SUBGRAPH_TLS_*), one whose client certificate
 * chains to the configured CA (any router can present one); either suffices, and nothing else
 * does (unless `allowUnsignedSubgraphRequests`). It verifies the caller's token itself whichever
 * way the router proved itself: identity comes from the token alone, never from a header.
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
  const tls = hardening.subgraphTls;
  if (!key && !tls && !hardening.allowUnsignedSubgraphRequests) {
    throw new Error(
      `subgraph ${module.name}: no way to know the router: set HUB_GATEWAY_SECRET (the same as the gateway's) ` +
        "to check its signatures, or HUB_SUBGRAPH_TLS_CERT, _KEY and _CA for mutual TLS " +
        "(or HUB_SUBGRAPH_ALLOW_UNSIGNED=true to answer any caller)",
    );
  }
  const schema = await module.buildSchema();
  type C = SubgraphContext<L> & BaseContext;
  // The safelist lists client operations; what a subgraph receives are the gateway's query-plan
  // fetches, which are not in it. The signature says they passed the gateway's safelist. Nor
  // does the count of values in the variables apply: a fetch's `representations` grow with the
  // pages the gateway already measured (the body size still bounds them, and every other shape
  // limit holds).
  const hardened = hardenedApolloOptions<C>({
    hardening: {
      ...hardening,
      safelist: null,
      limits: { ...hardening.limits, maxVariableNodes: LIMIT_SETTINGS.maxVariableNodes.max },
    },
    server: module.name,
    identify: async (context) => context.viewer,
    // The gateway's fetches count under the client operation they serve: the safelist's names.
    operationLabels: operationLabelsFor(hardening.safelist ? loadSafelist(hardening.safelist) : null),
    logger: loggerFor(options),
    reportInternal: options.reportInternal,
  });
  const apollo = new ApolloServer<C>({
    schema,
    ...hardened,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...hardened.plugins, auditPlugin<C>()],
  });
  await apollo.start();
  const admit: HttpOptions<C>["admit"] = hardening.allowUnsignedSubgraphRequests
    ? undefined
    : ({ method, path, headers, body, clientCertificate }) => {
        // A verified client certificate is the router's, as a valid signature is the gateway's.
        if (clientCertificate?.verified) return null;
        const signed = Boolean(headers.get(SIGNATURE_HEADER));
        const verdict = key
          ? verifySignature(
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
            )
          : { ok: false as const, reason: "no gateway signature is accepted here (no HUB_GATEWAY_SECRET)" };
        if (verdict.ok) return null;
        const certificate = clientCertificate
          ? `; no verified client certificate either (${clientCertificate.problem}): a router proves itself ` +
            "with a certificate from the subgraphs' router CA (HUB_SUBGRAPH_TLS_CA)"
          : "";
        return {
          status: signed ? 403 : 401,
          code: ErrorCode.GATEWAY_SIGNATURE_INVALID,
          message: `subgraph ${module.name} refused the request: ${verdict.reason}${certificate}`,
        };
      };
  return {
    schema,
    listen: (port, host = "127.0.0.1") =>
      serveHttp(apollo, {
        port,
        host,
        name: module.name,
        ready: options.ready,
        context: (headers) => createSubgraphContext(module, db, checkedLabels(headers), auth),
        ...httpLimits(hardening),
        graphiql: false,
        admit,
        tls: tls ?? undefined,
      }),
    stop: () => apollo.stop(),
  };
}

/**
 * The headers as the subgraph stores them: `x-request-id` and `x-purpose` go into the access
 * log, so they are checked here as the gateway checks them (headers.ts), whoever sent them (a
 * gateway of another make, or a caller the subgraph answers unsigned). A request id that is not
 * one (an ID number, say) is replaced by a fresh one; a purpose is kept to one line of 200.
 */
export function checkedLabels(headers: HttpHeaders): HttpHeaders {
  return {
    get: (name) => {
      const value = headers.get(name);
      switch (name.toLowerCase()) {
        case "x-request-id":
          return requestIdFrom(value);
        case "x-purpose":
          return purposeFrom(value);
        default:
          return value;
      }
    },
  };
}
