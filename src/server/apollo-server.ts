import type { ApolloServerPlugin } from "@apollo/server";
import type { ExecutionResult } from "graphql";
import type { AuditRecorder } from "../access/audit/recorder.ts";
import type { HardeningConfig } from "../config/index.ts";
import type { InternalErrorReporter } from "../errors.ts";
import type { Readiness } from "../observability/health.ts";
import { finishAudit } from "../graphql/context.ts";
import type { HttpOptions } from "./http.ts";
import { jsonLineLogger, silentLogger, type OperationLogger } from "./log.ts";

/** What the gateway server and every subgraph server share: options, the audit plugin, HTTP limits. */

export interface ServerOptions {
  /**
   * Limits, production mode, safelist, gateway key, budgets; default: the safe defaults
   * (`loadHardening({}, auth)`).
   */
  hardening?: HardeningConfig;
  /** Where the per-operation log lines go; default: stdout when a `hardening` given says "json", else nowhere. */
  logger?: OperationLogger;
  /** Where masked internal errors are written with their id; default: stderr. */
  reportInternal?: InternalErrorReporter;
  /** Readiness for /readyz (src/observability/health.ts); default: ready once listening. */
  ready?: () => Promise<Readiness>;
}

/** Writes the request's access-log row before the answer leaves; an unwritable log withholds the data. */
export function auditPlugin<C extends { audit?: AuditRecorder }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.audit || response.body.kind !== "single") return;
          const finished = await finishAudit(contextValue.audit, response.body.singleResult as ExecutionResult);
          response.body.singleResult = finished as typeof response.body.singleResult;
        },
      };
    },
  };
}

export function httpLimits(
  hardening: HardeningConfig,
): Pick<
  HttpOptions<unknown>,
  | "maxBodyBytes"
  | "maxBatch"
  | "executionTimeoutMs"
  | "bodyTimeoutMs"
  | "maxConnections"
  | "maxVariableDepth"
  | "maxVariableKeys"
  | "graphiql"
> {
  const { limits } = hardening;
  return {
    maxBodyBytes: limits.maxBodyBytes,
    maxBatch: limits.maxBatch,
    executionTimeoutMs: limits.executionTimeoutMs,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    maxConnections: limits.maxConnections,
    maxVariableDepth: limits.maxVariableDepth,
    maxVariableKeys: limits.maxVariableKeys,
    graphiql: !hardening.production,
  };
}

export function loggerFor(options: ServerOptions): OperationLogger {
  return options.logger ?? (options.hardening?.log === "json" ? jsonLineLogger : silentLogger);
}
