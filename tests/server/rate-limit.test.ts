import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimitedError } from "../../src/server/rate-limit.ts";

describe("per-subject budgets", () => {
  it(
    "admits a subject's operations up to the budget, then says how long to wait, " +
      "and opens a new window after a minute",
    () => {
      let now = 0;
      const limiter = new RateLimiter({ operationsPerMinute: 2, childRecordsPerMinute: 0 }, () => now);
      expect(limiter.admit("a")).toEqual({ ok: true });
      now = 20_000;
      expect(limiter.admit("a")).toEqual({ ok: true });
      expect(limiter.admit("b")).toEqual({ ok: true }); // another subject has its own budget
      const refused = limiter.admit("a");
      expect(refused).toMatchObject({ ok: false, budget: "operations", limit: 2, retryAfterSeconds: 40 });
      now = 60_000;
      expect(limiter.admit("a")).toEqual({ ok: true });
    },
  );

  it("charges child records after the answer and refuses the next operation once they are spent", () => {
    const limiter = new RateLimiter({ operationsPerMinute: 0, childRecordsPerMinute: 100 }, () => 0);
    expect(limiter.admit("a")).toEqual({ ok: true });
    limiter.charge("a", 150);
    const refused = limiter.admit("a");
    expect(refused.ok).toBe(false);
    const error = rateLimitedError(refused as Extract<typeof refused, { ok: false }>);
    expect(error.message).toBe(
      "rate limited: this token's subject used its budget of 100 child records per minute " +
        "(HUB_RATE_CHILD_RECORDS_PER_MINUTE); retry in 60 s",
    );
    expect(error.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfter: 60, http: { status: 429 } });
  });
});
