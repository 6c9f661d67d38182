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
  INTERNAL = "INTERNAL",
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
