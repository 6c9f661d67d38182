import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { ASTVisitor, ValidationContext } from "graphql";
import type { Viewer } from "../access/identity/viewer.ts";
import type { HardeningConfig } from "../config/index.ts";
import { ErrorCode } from "../errors.ts";
import { countChildRecords } from "./child-records.ts";
import { createFormatError } from "./error-format.ts";
import { type InternalErrorReporter } from "../errors.ts";
import { limitError, limitViolations } from "./limits.ts";
import { type OperationLimits } from "../config/limits.ts";
import { loggableOperationName, silentLogger, type OperationLogger } from "./log.ts";
import { measureOperation } from "./measure.ts";
import { rateLimitedError, type RateLimiter } from "./rate-limit.ts";
import { loadSafelist, notSafelistedError, type Safelist } from "./safelist.ts";

/**
 * The Apollo Server options that harden a server, the same for the gateway and for each subgraph
 * server (a subgraph reachable on its own must defend itself as well):
 *
 * - operation limits as a validation rule that measures the document as validation enters it,
 *   so its refusal is the first error (the spec's rules still run beside it, on a document the
 *   token limit keeps small, and graphql-js stops collecting at 100 errors), and again with the
 *   request's variables once the operation is resolved, since a page size may come from a
 *   variable; either way before anything executes. Tokens are counted by graphql-js's parser
 *   (`maxTokens`), which stops at the limit instead of building the whole tree;
 * - the safelist, checked by the same rule;
 * - unexpected errors masked to a code and an id in every mode (`createFormatError`); in
 *   production also no introspection, no stack traces, no suggestions, no landing page;
 * - rate limits per token subject (the gateway: subgraphs answer only the gateway);
 * - one log line per operation.
 */
export interface HardenOptions<C> {
  hardening: HardeningConfig;
  /** Names the server in log lines: "gateway" or the subgraph's name. */
  server: string;
  /** Who is asking, verified (the gateway verifies the token here; a subgraph's context already holds its viewer). */
  identify: (context: C) => Promise<Viewer>;
  /** Per-subject budgets; the gateway's, absent on subgraphs. */
  rateLimiter?: RateLimiter;
  logger?: OperationLogger;
  reportInternal?: InternalErrorReporter;
}

export type HardenedOptions<C extends BaseContext> = Pick<
  ApolloServerOptions<C>,
  | "validationRules"
  | "formatError"
  | "introspection"
  | "includeStacktraceInErrorResponses"
  | "parseOptions"
  | "persistedQueries"
  | "allowBatchedHttpRequests"
> & { plugins: ApolloServerPlugin<C>[] };

export function hardenedApolloOptions<C extends BaseContext>(options: HardenOptions<C>): HardenedOptions<C> {
  const { hardening } = options;
  const safelist = hardening.safelist ? loadSafelist(hardening.safelist) : null;
  return {
    validationRules: [operationLimitsRule(hardening.limits, safelist)],
    parseOptions: { maxTokens: hardening.limits.maxTokens },
    formatError: createFormatError({ production: hardening.production, report: options.reportInternal }),
    introspection: !hardening.production,
    includeStacktraceInErrorResponses: !hardening.production,
    // With a safelist, ids resolve only to registered operations and nothing can be registered.
    ...(safelist ? { persistedQueries: { cache: safelist.cache } } : {}),
    // The HTTP layer refuses batches over HUB_MAX_BATCH before Apollo sees them (http.ts).
    allowBatchedHttpRequests: true,
    // Apollo's own landing page (an embedded Sandbox loaded from a CDN) is off in production: it
    // is a schema explorer, and HUB_PRODUCTION=true without NODE_ENV would otherwise keep it.
    plugins: [
      hardeningPlugin(options),
      ...(hardening.production ? [ApolloServerPluginLandingPageDisabled() as ApolloServerPlugin<C>] : []),
    ],
  };
}

/**
 * Measures the document as soon as validation starts. Variables are not known to a validation
 * rule, so a page size given by one counts as 1 here (a lower bound: nothing valid is refused)
 * and the plugin checks again with the real values.
 */
export function operationLimitsRule(limits: OperationLimits, safelist: Safelist | null) {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      enter(document) {
        const bytes = Buffer.byteLength(document.loc?.source.body ?? "");
        if (bytes > limits.maxQueryBytes) {
          context.reportError(limitError({ limit: "maxQueryBytes", value: bytes, max: limits.maxQueryBytes }));
          return;
        }
        if (safelist && !safelist.allows(document)) {
          context.reportError(notSafelistedError());
          return;
        }
        for (const violation of limitViolations(measureOperation(context.getSchema(), document), limits))
          context.reportError(limitError(violation));
      },
    },
  });
}

function hardeningPlugin<C extends BaseContext>(options: HardenOptions<C>): ApolloServerPlugin<C> {
  const { limits } = options.hardening;
  const logger = options.logger ?? silentLogger;
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let viewer: Viewer | null = null;
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const measure = measureOperation(schema, document, { operationName, variables: request.variables ?? {} });
          const [violation] = limitViolations(measure, limits);
          if (violation) throw limitError(violation);
          viewer = await options.identify(contextValue);
          // Callers without a token share the subject "anonymous", so one of them flooding the
          // gateway slows them all; they can read nothing but __typename anyway.
          if (options.rateLimiter) {
            const admission = options.rateLimiter.admit(viewer.subject);
            if (!admission.ok) throw rateLimitedError(admission);
          }
        },
        async willSendResponse({ response, schema, document, operationName, request }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          // An operation off the safelist learns that and nothing else: the spec's validation
          // errors, which ran beside the safelist rule, would describe the schema to it.
          const refused = result.errors?.find((e) => e.extensions?.code === ErrorCode.OPERATION_NOT_SAFELISTED);
          if (refused) result.errors = [refused];
          // Counting the child records and serialising the result for its size walk the whole
          // answer (a roster page is 500 children): only when a budget or the log needs them.
          const logging = logger !== silentLogger;
          if (!logging && !(viewer && options.rateLimiter)) return;
          const childRecords =
            document && result.data ? countChildRecords(schema, document, operationName, result.data) : 0;
          if (viewer && options.rateLimiter) options.rateLimiter.charge(viewer.subject, childRecords);
          if (!logging) return;
          logger({
            kind: "operation",
            at: new Date().toISOString(),
            server: options.server,
            requestId: (contextValue as { requestId?: string }).requestId ?? "",
            operationName: loggableOperationName(operationName ?? request.operationName),
            role: viewer?.role ?? "unidentified",
            durationMs: Math.round(performance.now() - started),
            resultBytes: Buffer.byteLength(JSON.stringify(result)),
            childRecords,
            errorCodes: (result.errors ?? []).map((e) => String(e.extensions?.code ?? "UNKNOWN")),
          });
        },
      };
    },
  };
}
