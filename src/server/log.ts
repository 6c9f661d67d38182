import { log } from "../log.ts";

/**
 * One structured line per operation: what an operator needs to see load, failures and abuse,
 * and nothing about a child. The line holds the operation's name, the caller's role (never the
 * subject, the token or any variable), how long it took, how large the answer was and the codes
 * of its errors (never their messages, which may quote an argument).
 */
export interface OperationLogLine {
  kind: "operation";
  at: string;
  server: string;
  requestId: string;
  operationName: string | null;
  role: string;
  durationMs: number;
  resultBytes: number;
  childRecords: number;
  errorCodes: string[];
}

export type OperationLogger = (line: OperationLogLine) => void;

/**
 * The default: the line through the hub's logger (src/log.ts), one JSON line on stdout at level
 * info with message "operation"; the logger scrubs it like any other line.
 */
export const jsonLineLogger: OperationLogger = (line) => log().info(line, "operation");

export const silentLogger: OperationLogger = () => {};

/**
 * A client-chosen operation name is logged only when it looks like one (letters, digits, `_`,
 * at most 100): a name is an identifier in GraphQL, and a "name" that is not one could carry
 * anything, such as an ID number, into the log.
 */
export function loggableOperationName(name: string | null | undefined): string | null {
  if (!name) return null;
  return /^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name) && !/\d{6,}/.test(name) ? name : "(unloggable name)";
}
