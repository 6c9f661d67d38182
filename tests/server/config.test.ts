import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig, loadHardening } from "../../src/config/index.ts";
import { DEFAULT_LIMITS, LIMIT_SETTINGS } from "../../src/config/limits.ts";
import { testAuth } from "../kit/auth.ts";
import { configProblemsOf } from "../kit/config.ts";

describe("hardening configuration", () => {
  it("has safe defaults: every limit on, production off, no safelist, a derived gateway key, budgets on", () => {
    const { hardening } = loadConfig({}, "/project", () => {});
    expect(hardening.limits).toEqual(DEFAULT_LIMITS);
    expect(hardening).toMatchObject({
      production: false,
      safelist: null,
      allowUnsignedSubgraphRequests: false,
      rate: { operationsPerMinute: 600, childRecordsPerMinute: 20_000 },
      log: "json",
    });
    expect(hardening.gatewaySecret).toHaveLength(32);
    // Derived from the token secret, so a gateway and subgraphs started alike agree; yet not the token secret itself.
    expect(Buffer.from(loadHardening({}, testAuth).gatewaySecret!)).toEqual(Buffer.from(hardening.gatewaySecret!));
    expect(Buffer.from(hardening.gatewaySecret!).toString()).not.toContain("demo");
  });

  it("reads every setting, and reports every bad one at once, naming it", () => {
    const { hardening } = loadConfig(
      {
        HUB_MAX_DEPTH: "7",
        HUB_PRODUCTION: "true",
        HUB_JWT_SECRET: "s".repeat(32),
        HUB_SAFELIST: "ops",
        HUB_GATEWAY_SECRET: "g".repeat(32),
        HUB_SUBGRAPH_ALLOW_UNSIGNED: "true",
        HUB_RATE_OPERATIONS_PER_MINUTE: "0",
        HUB_LOG: "off",
      },
      "/project",
      () => {},
    );
    expect(hardening).toMatchObject({
      limits: { maxDepth: 7 },
      production: true,
      safelist: "/project/ops",
      allowUnsignedSubgraphRequests: true,
      rate: { operationsPerMinute: 0 },
      log: "off",
    });
    expect(Buffer.from(hardening.gatewaySecret!).toString()).toBe("g".repeat(32));
    expect(
      loadConfig(
        { NODE_ENV: "production", HUB_JWT_SECRET: "s".repeat(32), HUB_GATEWAY_SECRET: "g".repeat(32) },
        "/project",
        () => {},
      ).hardening.production,
    ).toBe(true);
    expect(
      configProblemsOf({
        HUB_MAX_DEPTH: "0",
        HUB_MAX_PAGE_SIZE: "1000",
        HUB_PRODUCTION: "yes",
        HUB_GATEWAY_SECRET: "short",
        HUB_LOG: "loud",
        HUB_RATE_CHILD_RECORDS_PER_MINUTE: "-1",
      }),
    ).toEqual([
      'HUB_MAX_DEPTH must be a whole number from 1 to 1000, but got "0"',
      'HUB_MAX_PAGE_SIZE must be a whole number from 1 to 500, but got "1000"',
      'HUB_PRODUCTION must be "true" or "false", but got "yes"',
      "HUB_GATEWAY_SECRET must be at least 32 bytes, but got 5",
      'HUB_LOG must be "json" or "off", but got "loud"',
      'HUB_RATE_CHILD_RECORDS_PER_MINUTE must be a whole number from 0 to 100000000, but got "-1"',
    ]);
  });

  it(
    "has no gateway key in production with a JWKS and no HUB_GATEWAY_SECRET " + "(nothing secret to derive it from)",
    () => {
      // (#18.25: loadConfig now refuses production without HUB_GATEWAY_SECRET; the hardening alone still has none.)
      const jwks = loadConfig({ HUB_JWKS_URL: "https://idp.example/jwks.json" }, "/project", () => {}).auth;
      expect(loadHardening({ NODE_ENV: "production" }, jwks).gatewaySecret).toBeNull();
    },
  );

  it("#18.25 in production requires a gateway signing key of its own, never one derived from the token secret", () => {
    const tokenSecret = "the-token-secret-of-this-province-0123456789";
    const gatewayKey = "the-gateway-signing-key-of-this-province";
    const productions: Record<string, string>[] = [{ NODE_ENV: "production" }, { HUB_PRODUCTION: "true" }];
    const tokenSettings: Record<string, string>[] = [
      { HUB_JWT_SECRET: tokenSecret },
      { HUB_JWKS_URL: "https://idp.example/jwks.json" },
    ];
    for (const production of productions) {
      for (const tokens of tokenSettings)
        expect(configProblemsOf({ ...production, ...tokens })).toEqual([
          expect.stringMatching(
            /^HUB_GATEWAY_SECRET must be set in production \(at least 32 bytes, not the token secret\)/,
          ),
        ]);
      expect(configProblemsOf({ ...production, HUB_JWT_SECRET: tokenSecret, HUB_GATEWAY_SECRET: tokenSecret })).toEqual(
        [expect.stringMatching(/^HUB_GATEWAY_SECRET must differ from HUB_JWT_SECRET/)],
      );
      const config = loadConfig(
        { ...production, HUB_JWT_SECRET: tokenSecret, HUB_GATEWAY_SECRET: gatewayKey },
        "/project",
        () => {},
      );
      expect(Buffer.from(config.hardening.gatewaySecret!).toString()).toBe(gatewayKey);
      // The hardening alone (tests, benchmarks) never derives a key in production either.
      expect(loadHardening(production, config.auth).gatewaySecret).toBeNull();
    }
    // Outside production the demo keeps working without the setting: the key is derived (README).
    expect(loadConfig({ HUB_JWT_SECRET: tokenSecret }, "/project", () => {}).hardening.gatewaySecret).toHaveLength(32);
    expect(configProblemsOf({ HUB_JWT_SECRET: tokenSecret, HUB_GATEWAY_SECRET: tokenSecret })).toEqual([
      expect.stringMatching(/^HUB_GATEWAY_SECRET must differ from HUB_JWT_SECRET/),
    ]);
  });

  it("documents every limit in the README with its default", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const setting of Object.values(LIMIT_SETTINGS))
      expect(readme).toContain(`| \`${setting.env}\` | \`${setting.default}\` |`);
  });
});
