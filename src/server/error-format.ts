import { randomUUID } from "node:crypto";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../db/client.ts";
import { ErrorCode, reportToStderr, type InternalErrorReporter } from "../errors.ts";
import { LIMIT_SETTINGS } from "../config/limits.ts";

/**
 * What a client may see of an error. Errors the hub raises on purpose carry a code from the one
 * error family (src/errors.ts) or one of Apollo's request errors, and a message written for the
 * caller: they pass. Anything else (a driver error quoting SQL, a TypeError, a stack) is masked
 * to `{ code: INTERNAL_SERVER_ERROR, errorId }` in every mode, and the full error goes to the
 * server log under that id: a developer reads the log, a caller learns nothing of the inside.
 * Except that the database could not be reached: that is coded DATABASE_UNAVAILABLE (still with
 * only an id), so the caller and the HTTP layer (503, Retry-After) know it is worth retrying.
 *
 * In production also: no "Did you mean …?" (field suggestions map the schema for a caller who
 * may not introspect it). Stack traces (absolute server paths) only with the development flag.
 * In every mode a message is cut to MAX_MESSAGE_LENGTH characters: a message may quote what the
 * caller sent (a scalar's complaint about a value), and a refusal must stay small.
 */
export const CALLER_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Longest message a client gets; the hub's own messages are well under it. */
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Apollo Server's persisted-query refusals that carry no code (so they would be masked as
 * internal errors): the hub's words and a code for each.
 */
const PERSISTED_QUERY_MESSAGES: Readonly<Record<string, string>> = {
  "Unsupported persisted query version":
    "extensions.persistedQuery.version must be 1, the only version of persisted queries there is",
  "provided sha does not match query":
    "extensions.persistedQuery.sha256Hash must be the SHA-256 of the query text sent with it, but is not",
};

const MAX_TOKENS_MESSAGE = /^Syntax Error: Document contains more that (\d+) tokens\. Parsing aborted\.$/;
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Apollo's `formatError` for the gateway and the subgraph servers. */
export function createFormatError(options: {
  production: boolean;
  /** The development flag: stack traces stay in the errors (never in production). */
  stackTraces?: boolean;
  report?: InternalErrorReporter;
}) {
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

    const persisted = PERSISTED_QUERY_MESSAGES[message];
    if (persisted && (!code || code === ErrorCode.INTERNAL_SERVER_ERROR)) {
      message = persisted;
      code = "BAD_REQUEST";
    }

    if (!code || !CALLER_CODES.has(code)) {
      // A subgraph (or the shield) that masked an error already logged it under an id: keep that
      // id so the gateway's line and the subgraph's line meet.
      const given = extensions.errorId;
      const errorId = typeof given === "string" && /^[0-9a-f-]{36}$/.test(given) ? given : randomUUID();
      report(errorId, original ?? error);
      // The database away (restarting, failing over) is no fault of the server's: said so, and
      // the HTTP layer answers 503 with Retry-After (http.ts), so the client knows to retry.
      if (isDatabaseUnavailable(original ?? error))
        return {
          message: `the database is unavailable; try again in a few seconds (error ${errorId})`,
          ...(formatted.path ? { path: formatted.path } : {}),
          extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, errorId },
        };
      return {
        message: `internal error ${errorId}: the details are in the server log`,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
      };
    }

    if (options.production) message = message.replace(SUGGESTION, "");
    if (options.production || !options.stackTraces) delete extensions.stacktrace;
    if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH)}… (cut)`;
    return { ...formatted, message, extensions: { ...extensions, code } };
  };
}
