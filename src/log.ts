import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";

/**
 * The hub's one logger: JSON lines (pino), with the request id of the request being served
 * added to every line, and personal data kept out twice over.
 *
 * - By key: a value under a key that names personal data (`name`, `idNumber`, `phone`,
 *   `variables`, `params`, `authorization`, … at any depth; see SENSITIVE_KEY) is replaced by
 *   "[redacted]" before the line is written.
 * - By value: every string logged (messages, error messages and stacks, causes) is scrubbed of
 *   what looks like a resident ID number (17 digits and a check character), an 11-digit mobile
 *   number, or a run of CJK characters. The hub writes its own messages in English, so Chinese
 *   text in a log line can only be data: a name, an address, a school. A driver's error that
 *   quotes its statement's parameters (drizzle's "Failed query … params: …") loses the
 *   parameters altogether.
 *
 *   log.info({ requestId, operationName: "PatientCard" }, "operation");
 *   log.error({ err }, "internal error");   // err.message and err.stack scrubbed
 *
 * Lines at level error and above go to stderr, the rest to stdout (as before pino); a test or a
 * host may point them elsewhere (`setLogDestination`).
 */

export const REDACTED = "[redacted]";

/**
 * Keys whose values never reach a log, at any depth (compared without case, `_` or `-`):
 * people's names and numbers, what a caller sent (variables, a query's parameters) and
 * credentials.
 */
const SENSITIVE_KEY = new RegExp(
  `^(${[
    "name",
    "fullname",
    "childname",
    "guardianname",
    "mothername",
    "fathername",
    "studentname",
    "idnumber",
    "idno",
    "residentid",
    "phone",
    "mobile",
    "telephone",
    "tel",
    "address",
    "variables",
    "params",
    "parameters",
    "values",
    "authorization",
    "cookie",
    "token",
    "password",
    "secret",
    "birthdate",
  ].join("|")})$`,
);

/** A resident ID number: 17 digits and a check digit or X, not inside a longer run of digits. */
const ID_NUMBER = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;
/** A mainland mobile number, +86 or not: 1, then 3–9, then 9 digits, not inside a longer run. */
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])/g;
/** CJK ideographs (and the middle dot of transliterated names): names, addresses, school names. */
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u00b7\u30fb]+/gu;
/** drizzle's "Failed query: <sql>\nparams: <the values>": the values are the rows' data. */
const PARAMS_TAIL = /\n?params:[\s\S]*$/;

/**
 * A string as it may be logged: ID numbers, mobile numbers, CJK text and a failed query's
 * parameters replaced.
 *
 *   scrubText('Key (id_number)=(330106201501010011) exists; 张三 13812345678')
 *   // → 'Key (id_number)=([id number]) exists; [name] [phone]'
 */
export function scrubText(text: string): string {
  return text
    .replace(PARAMS_TAIL, "\nparams: [redacted]")
    .replace(ID_NUMBER, "[id number]")
    .replace(MOBILE, "[phone]")
    .replace(CJK, "[name]");
}

const normalKey = (key: string) => key.toLowerCase().replace(/[_-]/g, "");

/** A value as it may be logged: sensitive keys redacted and strings scrubbed, at any depth (bounded). */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[too deep]";
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(normalKey(key)) ? REDACTED : scrubValue(v, depth + 1);
  }
  return out;
}

/**
 * An error as a log line holds it: its type, message, code, stack and causes (drizzle wraps the
 * driver's error, which says what went wrong), every string scrubbed; nothing else of it (a pg
 * error's `parameters`, `detail` quoting a row, … are left out or scrubbed).
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  const causes: string[] = [];
  for (let cause = e.cause, i = 0; cause !== undefined && i < 5; cause = (cause as { cause?: unknown }).cause, i++)
    causes.push(scrubText(cause instanceof Error ? cause.message : String(cause)));
  const { code, detail } = e as { code?: unknown; detail?: unknown };
  return {
    type: e.name,
    message: scrubText(e.message),
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof detail === "string" ? { detail: scrubText(detail) } : {}),
    ...(causes.length > 0 ? { causes } : {}),
    // The frames only: the message is above, and the frames are file paths, never data.
    ...(e.stack
      ? {
          stack: scrubText(
            e.stack
              .split("\n")
              .filter((l) => /^\s+at /.test(l))
              .join("\n"),
          ),
        }
      : {}),
  };
}

/** What every line logged while a request is served carries. */
export interface LogContext {
  requestId: string;
}

const requestContext = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` added to every log line written meanwhile (the HTTP server does, per request). */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return requestContext.run(context, fn);
}

/** The request id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Key paths redacted by pino itself too (the deep scrub above also catches them; this is the documented list). */
export const REDACT_PATHS = [
  "name",
  "idNumber",
  "phone",
  "variables",
  "params",
  "authorization",
  "*.name",
  "*.idNumber",
  "*.phone",
  "*.variables",
  "*.params",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
];

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

function build(destination: DestinationStream, level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        // Errors become plain objects here (serializeError), before pino's own serializers run.
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      // …so pino's own error serializer, which would re-read them, is replaced by the identity.
      serializers: { err: (value: unknown) => value },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
      hooks: {
        // Messages (and printf-style arguments) are scrubbed like every other string.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

/** Below error to stdout, error and above to stderr; written synchronously, so nothing is lost at exit. */
function standardStreams(): DestinationStream {
  return pino.multistream(
    [
      { level: "trace", stream: pino.destination({ fd: 1, sync: true }) },
      { level: "error", stream: pino.destination({ fd: 2, sync: true }) },
    ],
    { dedupe: true },
  );
}

let level: LogLevel = "info";
let destination: DestinationStream | null = null;
let root: Logger | null = null;

/** The root logger (created on first use). Take a child for a component: `log().child({ component: "db" })`. */
export function log(): Logger {
  return (root ??= build(destination ?? standardStreams(), level));
}

/** Sets the level (HUB_LOG_LEVEL); the entry point calls it once, after reading the configuration. */
export function configureLogging(options: { level: LogLevel }): void {
  level = options.level;
  root = null;
}

/**
 * Sends every line to `stream` (one JSON line per write), or back to stdout/stderr with null:
 * how a test reads what would have been logged.
 */
export function setLogDestination(stream: DestinationStream | null): void {
  destination = stream;
  root = null;
}
