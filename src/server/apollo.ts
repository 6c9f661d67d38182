import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from "graphql";
import type { Viewer } from "../access/identity/viewer.ts";
import type { HardeningConfig } from "../config/index.ts";
import { ErrorCode } from "../errors.ts";
import { countChildRecords } from "./child-records.ts";
import { CALLER_CODES, createFormatError } from "./error-format.ts";
import { currentRequestId } from "../log.ts";
import { errorCodeLabel, hubMetrics, type OperationLabels } from "../observability/metrics.ts";
import { annotateActiveSpan } from "../observability/tracing.ts";
import { clientOperationName, operationLabelsFor } from "./operation-names.ts";
import { type InternalErrorReporter } from "../errors.ts";
import { limitError, limitViolations } from "./limits.ts";
import { type OperationLimits } from "../config/limits.ts";
import { loggableOperationName, silentLogger, type OperationLogger } from "./log.ts";
import { measureOperation } from "./measure.ts";
import { rateLimitedError, type RateLimiter } from "./rate-limit.ts";
import { loadSafelist, notSafelistedError, type Safelist } from "./safelist.ts";
import { coerceVariables, variablesViolation } from "./variables.ts";

/**
 * The Apollo Server options that harden a server, the same for the gateway and for each subgraph
 * server (a subgraph reachable on its own must defend itself as well):
 *
 * - the request counted against its subject's budget first, refused or not;
 * - operation limits as a validation rule that measures the document as validation enters it,
 *   so its refusal is the first error (the spec's rules still run beside it, on a document the
 *   token limit keeps small, and graphql-js stops collecting at 100 errors), and again with the
 *   request's variables once the operation is resolved, since a page size may come from a
 *   variable; either way before anything executes. Tokens are counted by graphql-js's parser
 *   (`maxTokens`), which stops at the limit instead of building the whole tree;
 * - the variables measured, then coerced with a few errors at most (variables.ts), before the
 *   gateway sees them; the cost measured with the coerced values, defaults applied;
 * - an operation that cannot run (several and none named, an unknown name, a subscription)
 *   refused with 400 and a code, before the gateway would fail on it as an internal error;
 * - the safelist, checked by the same rule;
 * - unexpected errors masked to a code and an id in every mode (`createFormatError`); stack
 *   traces only with the development flag; in production also no introspection, no suggestions;
 * - nothing reported to Apollo (usage, schema) whatever APOLLO_KEY says, and never Apollo's
 *   landing page (it loads an explorer from a CDN): the hub's own GraphiQL is at /graphiql;
 * - rate limits per token subject (the gateway: subgraphs answer only the gateway);
 * - one log line per operation, and its metrics (count, time, error codes; src/observability/).
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
  /** The operation names metrics may name (default: the safelist's, else the console's). */
  operationLabels?: OperationLabels;
}

export type HardenedOptions<C extends BaseContext> = Pick<
  ApolloServerOptions<C>,
  | "validationRules"
  | "validationOptions"
  | "formatError"
  | "introspection"
  | "includeStacktraceInErrorResponses"
  | "parseOptions"
  | "persistedQueries"
  | "allowBatchedHttpRequests"
  | "stopOnTerminationSignals"
> & { plugins: ApolloServerPlugin<C>[] };

/** Validation errors reported at most (graphql-js stops collecting there): a refusal stays small. */
const MAX_VALIDATION_ERRORS = 10;

export function hardenedApolloOptions<C extends BaseContext>(options: HardenOptions<C>): HardenedOptions<C> {
  const { hardening } = options;
  const safelist = hardening.safelist ? loadSafelist(hardening.safelist) : null;
  const stackTraces = stackTracesOn(hardening);
  return {
    validationRules: [operationLimitsRule(hardening.limits, safelist)],
    validationOptions: { maxErrors: MAX_VALIDATION_ERRORS },
    parseOptions: { maxTokens: hardening.limits.maxTokens },
    formatError: createFormatError({
      production: hardening.production,
      stackTraces,
      report: options.reportInternal,
    }),
    introspection: !hardening.production,
    includeStacktraceInErrorResponses: stackTraces,
    // With a safelist, ids resolve only to registered operations and nothing can be registered.
    ...(safelist ? { persistedQueries: { cache: safelist.cache } } : {}),
    // The HTTP layer refuses batches over HUB_MAX_BATCH before Apollo sees them (http.ts).
    allowBatchedHttpRequests: true,
    // Apollo would stop itself on SIGTERM and then kill the process, with the HTTP server still
    // answering meanwhile and the database left open: the entry point owns the signals and stops
    // in order (src/server/shutdown.ts).
    stopOnTerminationSignals: false,
    plugins: [
      hardeningPlugin(options, options.operationLabels ?? operationLabelsFor(safelist)),
      ApolloServerPluginLandingPageDisabled() as ApolloServerPlugin<C>,
      ApolloServerPluginUsageReportingDisabled() as ApolloServerPlugin<C>,
      ApolloServerPluginSchemaReportingDisabled() as ApolloServerPlugin<C>,
    ],
  };
}

/**
 * Stack traces (absolute paths on the server) go to clients only on a developer's machine that
 * asked for them: the explicit development flag (`stackTraces`, HUB_STACK_TRACES), never in
 * production, and not merely because production mode is off.
 */
export function stackTracesOn(hardening: HardeningConfig): boolean {
  return !hardening.production && hardening.stackTraces;
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

/**
 * Why an operation the document validated for cannot run, or null: Apollo leaves these to the
 * executor, and the gateway's executor throws them as internal errors (HTTP 500).
 */
export function unrunnableOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  operationName: string | null | undefined,
): GraphQLError | null {
  const refuse = (code: string, message: string) =>
    new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
  if (!operation) {
    const names = document.definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? "(anonymous)"] : [],
    );
    const held =
      names.length === 0
        ? "no operation"
        : `${names.length} operation${names.length === 1 ? "" : "s"} (${names.join(", ")})`;
    if (operationName) {
      const asked =
        loggableOperationName(operationName) === operationName ? `named "${operationName}"` : "of the name given";
      return refuse("OPERATION_RESOLUTION_FAILURE", `the document has no operation ${asked}; it holds ${held}`);
    }
    return refuse("OPERATION_RESOLUTION_FAILURE", `the document holds ${held}: name the one to run in "operationName"`);
  }
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root)
    return refuse(
      "BAD_REQUEST",
      `this server answers no ${operation.operation} operations: send a query or a mutation`,
    );
  return null;
}

/** A request's figures, checked in order; throws the first refusal. */
function checkRequest(
  limits: OperationLimits,
  { schema, document, operation, operationName, request }: RequestFacts,
): void {
  const unrunnable = unrunnableOperation(schema, document, operation, request.operationName);
  if (unrunnable) throw unrunnable;
  const raw = request.variables ?? {};
  const shape = variablesViolation(raw, limits);
  if (shape) throw limitError(shape);
  const coercion = coerceVariables(schema, operation!, raw);
  if (coercion.errors) throw coercion.errors[0];
  const measure = measureOperation(schema, document, { operationName, variables: coercion.coerced });
  const [violation] = limitViolations(measure, limits);
  if (violation) throw limitError(violation);
}

interface RequestFacts {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation?: OperationDefinitionNode;
  operationName: string | null;
  request: { operationName?: string; variables?: Record<string, unknown> };
}

/** Error codes a metric names; any other is "OTHER" (a subgraph of another make could answer anything). */
const METRIC_ERROR_CODES: ReadonlySet<string> = new Set([...CALLER_CODES, ErrorCode.INTERNAL_SERVER_ERROR]);

function hardeningPlugin<C extends BaseContext>(
  options: HardenOptions<C>,
  labels: OperationLabels,
): ApolloServerPlugin<C> {
  const { limits } = options.hardening;
  const logger = options.logger ?? silentLogger;
  const server = options.server;
  /** The operation's metrics: one count, its time and its errors' codes, every label bounded. */
  const observe = (
    name: string | null | undefined,
    viewer: Viewer | null,
    ms: number,
    errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
  ) => {
    const labelled = {
      server,
      operation: labels.label(clientOperationName(name)),
      role: viewer?.role ?? "unidentified",
    };
    hubMetrics.requests.inc(labelled);
    hubMetrics.duration.observe(labelled, ms / 1000);
    for (const e of errors ?? [])
      hubMetrics.errors.inc({ server, code: errorCodeLabel(e.extensions?.code, METRIC_ERROR_CODES) });
    annotateActiveSpan({ "graphql.operation.name": labelled.operation, "hub.role": labelled.role });
  };
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let viewer: Viewer | null = null;
      // Who asks, verified once; a refused token still counts, against the anonymous budget.
      let identified: Promise<Viewer> | null = null;
      const identify = () => (identified ??= options.identify(contextValue));
      let counted = false;
      /** Counts this request against its subject's budget; the refusal when the budget is spent. */
      const count = async () => {
        if (!options.rateLimiter || counted) return;
        counted = true;
        const subject = await identify().then(
          (v) => v.subject,
          () => "anonymous",
        );
        const admission = options.rateLimiter.admit(subject);
        if (!admission.ok) {
          hubMetrics.rateLimited.inc({ budget: admission.budget });
          throw rateLimitedError(admission);
        }
      };
      return {
        async didResolveOperation(facts) {
          // First: a subject over its budget is refused before any work is done for it.
          await count();
          checkRequest(limits, facts);
          viewer = await identify();
        },
        async willSendResponse({ response, schema, document, operationName, request }) {
          // A request refused before its operation resolved (a syntax error, a broken limit, a
          // safelist refusal, a persisted-query error) costs its subject an operation as well.
          await count().catch(() => {});
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          // An operation off the safelist learns that and nothing else: the spec's validation
          // errors, which ran beside the safelist rule, would describe the schema to it.
          const refused = result.errors?.find((e) => e.extensions?.code === ErrorCode.OPERATION_NOT_SAFELISTED);
          if (refused) result.errors = [refused];
          observe(operationName ?? request.operationName, viewer, performance.now() - started, result.errors);
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
            requestId: (contextValue as { requestId?: string }).requestId ?? currentRequestId() ?? "",
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
