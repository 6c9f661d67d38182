import { describe, expect, it } from "vitest";
import { loadDispatchConfig } from "../../src/followup/config.ts";

const SECRET = "x".repeat(32);

describe("the dispatcher's settings", () => {
  it("turns on the channels whose settings are given, with the documented defaults", () => {
    const config = loadDispatchConfig({ HUB_WEBHOOK_URL: "https://bus.example/hub", HUB_WEBHOOK_SECRET: SECRET });
    expect(config).toEqual({
      webhook: { url: "https://bus.example/hub", secret: SECRET },
      sms: null,
      timeoutMs: 10_000,
      retry: { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10, jitter: 0.2 },
      batchSize: 20,
      concurrency: 4,
      pollMs: 1_000,
      leaseMs: 50_000,
    });
  });

  it("reports every problem at once", () => {
    expect(() =>
      loadDispatchConfig({
        HUB_WEBHOOK_URL: "ftp://bus.example",
        HUB_WEBHOOK_SECRET: "short",
        HUB_SMS_GATEWAY_URL: "https://sms.example/send",
        HUB_DISPATCH_MAX_ATTEMPTS: "0",
        HUB_DISPATCH_TIMEOUT_MS: "5000",
        HUB_DISPATCH_LEASE_MS: "4000",
      }),
    ).toThrow(
      new RegExp(
        [
          "HUB_WEBHOOK_URL must be an http:// or https:// URL",
          "HUB_WEBHOOK_SECRET must be at least 32 bytes",
          "HUB_SMS_API_KEY is required",
          'HUB_DISPATCH_MAX_ATTEMPTS must be a whole number from 1 to 1000, but got "0"',
          "HUB_DISPATCH_LEASE_MS must be longer than HUB_DISPATCH_TIMEOUT_MS",
        ].join("[\\s\\S]*"),
      ),
    );
  });

  it("refuses to run with no channel on", () => {
    expect(() => loadDispatchConfig({})).toThrow(/no channel is on/);
  });
});
