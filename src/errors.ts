import { log } from "./log.ts";

/**
 * The one error family. Every error the hub raises on purpose carries a code a client can
 * switch on; GraphQL errors reuse the same codes in `extensions.code`.
 */
export enum ErrorCode {
  CONFIG_INVALID = "CONFIG_INVALID",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE",
  /** An operation breaks one of the operation limits (src/config/limits.ts) and was not run. */
  OPERATION_LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED",
  /** The token's subject used up its budget of operations or child records for the minute. */
  RATE_LIMITED = "RATE_LIMITED",
  /** Safelisting is on and the operation is not one of the registered ones. */
  OPERATION_NOT_SAFELISTED = "OPERATION_NOT_SAFELISTED",
  /** The operation ran longer than the execution timeout. */
  TIMEOUT = "TIMEOUT",
  /** The request's body did not arrive within the body timeout (a client too slow, or holding the connection). */
  REQUEST_TIMEOUT = "REQUEST_TIMEOUT",
  /** A subgraph server was called without a valid gateway signature. */
  GATEWAY_SIGNATURE_INVALID = "GATEWAY_SIGNATURE_INVALID",
  /** An unexpected failure, masked: the response carries only an `errorId` that is in the server log. */
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** graphql-js copies an original error's `extensions` onto the GraphQL error: clients see the code. */
  get extensions(): Record<string, unknown> {
    return { code: this.code };
  }
}

/** Configuration is read once at start-up; every problem is reported together. */
export class ConfigError extends HubError {
  constructor(readonly problems: readonly string[]) {
    super(ErrorCode.CONFIG_INVALID, `invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/** Nothing the caller may reach answers to that name (it does not exist, or lies outside their row scope). */
export class NotFoundError extends HubError {
  constructor(message: string) {
    super(ErrorCode.NOT_FOUND, message);
  }
}

/** A caller gave a value that breaks a stated rule; `field` names where. */
export class InputError extends HubError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`);
  }

  override get extensions(): Record<string, unknown> {
    return { code: this.code, argument: this.field };
  }
}

/**
 * Where an unexpected failure is told in full: the client gets only its `errorId`
 * (src/server/error-format.ts, the field guard), the operator finds the rest under that id.
 */
export type InternalErrorReporter = (errorId: string, error: unknown) => void;

/**
 * Where masked errors go by default: one JSON line at level error (stderr) with the id, the
 * request id and the whole error, its causes included (drizzle's "Failed query" holds the
 * driver's error, the one that says what went wrong) — scrubbed of personal data by the logger
 * (src/log.ts): a failed statement's parameters, ID numbers, phones and names never reach it.
 */
export const reportToStderr: InternalErrorReporter = (errorId, error) => {
  log().error({ errorId, err: error }, "internal error");
};
