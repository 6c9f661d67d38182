import { describe, expect, it } from "vitest";
import { nextStep, retryDelayMs, type RetryPolicy } from "../../src/followup/backoff.ts";
import { classifyHttpStatus, retryAfterMs } from "../../src/followup/classify.ts";

const policy: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 6, jitter: 0 };

describe("retry backoff", () => {
  it("doubles the delay after each failed attempt, from the base", () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it("never waits longer than the maximum, however many attempts failed", () => {
    expect(retryDelayMs(7, policy)).toBe(60_000);
    expect(retryDelayMs(200, policy)).toBe(60_000);
  });

  it("shortens a delay by at most the jitter fraction", () => {
    const jittered = { ...policy, jitter: 0.25 };
    expect(retryDelayMs(3, jittered, () => 0)).toBe(4_000);
    expect(retryDelayMs(3, jittered, () => 0.999999)).toBe(3_000);
    expect(retryDelayMs(3, jittered, () => 0.5)).toBe(3_500);
  });

  it("refuses an attempt number below 1", () => {
    expect(() => retryDelayMs(0, policy)).toThrow(/at least 1, but got 0/);
  });

  it("retries until the attempts are used up, then gives up", () => {
    expect(nextStep(1, "RETRY", policy)).toEqual({ kind: "retry", delayMs: 1_000 });
    expect(nextStep(5, "RETRY", policy)).toEqual({ kind: "retry", delayMs: 16_000 });
    expect(nextStep(6, "RETRY", policy)).toEqual({ kind: "give-up", why: "6 attempts failed" });
  });

  it("gives up at once on a refusal", () => {
    expect(nextStep(1, "REJECTED", policy)).toMatchObject({ kind: "give-up" });
  });

  it("waits as long as the receiver's Retry-After asks when that is longer, but never past the maximum", () => {
    expect(nextStep(1, "RETRY", policy, { retryAfterMs: 5_000 })).toEqual({ kind: "retry", delayMs: 5_000 });
    expect(nextStep(3, "RETRY", policy, { retryAfterMs: 500 })).toEqual({ kind: "retry", delayMs: 4_000 });
    expect(nextStep(1, "RETRY", policy, { retryAfterMs: 3_600_000 })).toEqual({ kind: "retry", delayMs: 60_000 });
  });
});

describe("what an HTTP answer means for a delivery", () => {
  it("delivers on 2xx, retries 408, 425, 429 and 5xx, and takes other 4xx as a refusal", () => {
    const table = [200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 410, 422, 425, 429, 500, 502, 503, 504].map(
      (status) => [status, classifyHttpStatus(status)],
    );
    expect(Object.fromEntries(table)).toEqual({
      200: "DELIVERED",
      201: "DELIVERED",
      202: "DELIVERED",
      204: "DELIVERED",
      400: "REJECTED",
      401: "REJECTED",
      403: "REJECTED",
      404: "REJECTED",
      408: "RETRY",
      409: "REJECTED",
      410: "REJECTED",
      422: "REJECTED",
      425: "RETRY",
      429: "RETRY",
      500: "RETRY",
      502: "RETRY",
      503: "RETRY",
      504: "RETRY",
    });
  });

  it("takes 409 as delivered where the receiver deduplicates by key (the SMS gateway)", () => {
    expect(classifyHttpStatus(409, { conflictMeansDelivered: true })).toBe("DELIVERED");
  });

  it("reads Retry-After in seconds or as a date", () => {
    const now = Date.parse("2026-07-01T00:00:00Z");
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Wed, 01 Jul 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
