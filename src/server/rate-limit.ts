import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ErrorCode } from "../errors.ts";

/**
 * Budgets per token subject and minute: operations, and child records returned. In memory, so
 * the budget is per gateway process; several gateways behind a balancer each give a subject its
 * budget (a shared store such as Redis would make it global).
 *
 * A fixed window opens at a subject's first operation and lasts a minute. An operation is
 * admitted while both budgets have room; the child records an answer returns are charged after
 * it (they are only known then), so the answer that crosses the budget still arrives and the
 * next operation is refused until the window ends.
 *
 *   const limiter = new RateLimiter({ operationsPerMinute: 2, childRecordsPerMinute: 0 });
 *   limiter.admit("u1"); limiter.admit("u1"); // → { ok: true } twice
 *   limiter.admit("u1");                       // → { ok: false, budget: "operations", retryAfterSeconds: 60, … }
 */
export interface RateBudgets {
  /** 0: no limit. */
  operationsPerMinute: number;
  /** 0: no limit. */
  childRecordsPerMinute: number;
}

export type Admission =
  | { ok: true }
  | { ok: false; budget: "operations" | "child records"; limit: number; setting: string; retryAfterSeconds: number };

const WINDOW_MS = 60_000;
/** Forgotten windows are swept when this many subjects are remembered. */
const SWEEP_AT = 10_000;

interface Window {
  startedAt: number;
  operations: number;
  childRecords: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly budgets: RateBudgets,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one operation of `subject` if both budgets have room; else says how long to wait. */
  admit(subject: string): Admission {
    const window = this.windowOf(subject);
    const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - this.now()) / 1000));
    const { operationsPerMinute, childRecordsPerMinute } = this.budgets;
    if (operationsPerMinute > 0 && window.operations >= operationsPerMinute) {
      return {
        ok: false,
        budget: "operations",
        limit: operationsPerMinute,
        setting: "HUB_RATE_OPERATIONS_PER_MINUTE",
        retryAfterSeconds,
      };
    }
    if (childRecordsPerMinute > 0 && window.childRecords >= childRecordsPerMinute) {
      return {
        ok: false,
        budget: "child records",
        limit: childRecordsPerMinute,
        setting: "HUB_RATE_CHILD_RECORDS_PER_MINUTE",
        retryAfterSeconds,
      };
    }
    window.operations++;
    return { ok: true };
  }

  /** Charges the child records an answer returned to `subject`'s current window. */
  charge(subject: string, childRecords: number): void {
    if (childRecords > 0) this.windowOf(subject).childRecords += childRecords;
  }

  private windowOf(subject: string): Window {
    const now = this.now();
    let window = this.windows.get(subject);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (this.windows.size >= SWEEP_AT)
        for (const [key, w] of this.windows) if (now - w.startedAt >= WINDOW_MS) this.windows.delete(key);
      window = { startedAt: now, operations: 0, childRecords: 0 };
      this.windows.set(subject, window);
    }
    return window;
  }
}

/** The refusal: code RATE_LIMITED, HTTP 429 and a Retry-After header in seconds. */
export function rateLimitedError(refusal: Extract<Admission, { ok: false }>): GraphQLError {
  return new GraphQLError(
    `rate limited: this token's subject used its budget of ${refusal.limit} ${refusal.budget} per minute ` +
      `(${refusal.setting}); retry in ${refusal.retryAfterSeconds} s`,
    {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        budget: refusal.budget,
        retryAfter: refusal.retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([["retry-after", String(refusal.retryAfterSeconds)]]) },
      },
    },
  );
}
