import { randomUUID } from "node:crypto";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ErrorCode, reportToStderr, type InternalErrorReporter } from "../errors.ts";
import { LIMIT_SETTINGS } from "../config/limits.ts";

/**
 * What a client may see of an error. Errors the hub raises on purpose carry a code from the one
 * error family (src/errors.ts) or one of Apollo's request errors, and a message written for the
 * caller: they pass. Anything else (a driver error quoting SQL, a TypeError, a stack) is masked
 * to `{ code: INTERNAL_SERVER_ERROR, errorId }` in every mode, and the full error goes to the
 * server log under that id: a developer reads the log, a caller learns nothing of the inside.
 *
 * In production also: no "Did you mean …?" (field suggestions map the schema for a caller who
 * may not introspect it) and no stack traces (Apollo's includeStacktraceInErrorResponses off).
 */
const CALLER_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

const MAX_TOKENS_MESSAGE = /^Syntax Error: Document contains more that (\d+) tokens\. Parsing aborted\.$/;
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Apollo's `formatError` for the gateway and the subgraph servers. */
export function createFormatError(options: { production: boolean; report?: InternalErrorReporter }) {
  const report = options.report ?? reportToStderr;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    let code = formatted.extensions?.code as string | undefined;
    let extensions = { ...formatted.extensions };
    let message = formatted.message;

    // Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; the hub's own rules
    // (limits, safelist) keep their code, so a client can tell "too deep" from "no such field".
    const rule =
      error instanceof GraphQLError && error.originalError instanceof GraphQLError ? error.originalError : null;
    const ruleCode = rule?.extensions?.code as string | undefined;
    if (code === "GRAPHQL_VALIDATION_FAILED" && ruleCode && ruleCode !== code && CALLER_CODES.has(ruleCode)) {
      code = ruleCode;
      extensions = { ...extensions, ...rule!.extensions, code };
      delete extensions.http;
    }

    // graphql-js stops parsing at the token limit with its own words; say it in the hub's.
    const tokens = MAX_TOKENS_MESSAGE.exec(message);
    if (code === "GRAPHQL_PARSE_FAILED" && tokens) {
      const setting = LIMIT_SETTINGS.maxTokens;
      message = `${setting.what} exceeds the limit of ${tokens[1]} (${setting.env}): parsing stopped there`;
      code = ErrorCode.OPERATION_LIMIT_EXCEEDED;
      extensions = { code, limit: setting.env, max: Number(tokens[1]) };
    }

    if (!code || !CALLER_CODES.has(code)) {
      // A subgraph (or the shield) that masked an error already logged it under an id: keep that
      // id so the gateway's line and the subgraph's line meet.
      const given = extensions.errorId;
      const errorId = typeof given === "string" && /^[0-9a-f-]{36}$/.test(given) ? given : randomUUID();
      report(errorId, original ?? error);
      return {
        message: `internal error ${errorId}: the details are in the server log`,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
      };
    }

    if (options.production) {
      message = message.replace(SUGGESTION, "");
      delete extensions.stacktrace;
    }
    return { ...formatted, message, extensions: { ...extensions, code } };
  };
}
