import { describe, expect, it } from "vitest";
import { DEMO_JWT_SECRET, loadConfig } from "../../src/config/index.ts";
import { configProblemsOf } from "../kit/config.ts";

function load(env: Record<string, string>) {
  const warnings: string[] = [];
  const config = loadConfig(env, "/project", (w) => warnings.push(w));
  return { config, warnings };
}

describe("auth configuration", () => {
  it("uses the public demo secret outside production, and says so", () => {
    const { config, warnings } = load({});
    expect(config.auth).toMatchObject({
      kind: "secret",
      demoSecret: true,
      issuer: "child-coverage-hub",
      audience: "child-coverage-hub",
    });
    expect(warnings).toEqual([expect.stringMatching(/HUB_JWT_SECRET is unset: .*public demo secret/)]);
    expect(config.warnings).toEqual(warnings);
  });

  it("refuses to start in production without a secret or a JWKS", () => {
    // (#18.25: production also needs a gateway key of its own; given here so only the token setting is missing.)
    const gatewayKey = { HUB_GATEWAY_SECRET: "g".repeat(32) };
    expect(configProblemsOf({ NODE_ENV: "production", ...gatewayKey })).toEqual([
      expect.stringMatching(/HUB_JWT_SECRET or HUB_JWKS_URL must be set in production/),
    ]);
    expect(configProblemsOf({ NODE_ENV: "production", HUB_JWT_SECRET: DEMO_JWT_SECRET, ...gatewayKey })).toEqual([
      expect.stringMatching(/public demo secret/),
    ]);
  });

  it("refuses a short secret without echoing it", () => {
    const problems = configProblemsOf({ HUB_JWT_SECRET: "hunter2-hunter2" });
    expect(problems).toEqual(["HUB_JWT_SECRET must be at least 32 bytes, but got 15"]);
    expect(problems.join()).not.toContain("hunter2");
  });

  it("takes a secret, issuer and audience from the environment", () => {
    const { config, warnings } = load({
      HUB_JWT_SECRET: "x".repeat(32),
      HUB_JWT_ISSUER: "zj-idp",
      HUB_JWT_AUDIENCE: "zj-hub",
      NODE_ENV: "production",
      HUB_GATEWAY_SECRET: "g".repeat(32),
    });
    expect(config.auth).toMatchObject({ kind: "secret", demoSecret: false, issuer: "zj-idp", audience: "zj-hub" });
    expect(warnings).toEqual([]);
  });

  it("takes a JWKS URL, and refuses it beside a secret or over plain http in production", () => {
    expect(load({ HUB_JWKS_URL: "https://idp.example/jwks.json" }).config.auth).toMatchObject({
      kind: "jwks",
      jwksUrl: "https://idp.example/jwks.json",
    });
    expect(configProblemsOf({ HUB_JWKS_URL: "https://idp.example/jwks.json", HUB_JWT_SECRET: "x".repeat(32) })).toEqual(
      [expect.stringMatching(/both set: set only one/)],
    );
    expect(
      configProblemsOf({
        HUB_JWKS_URL: "http://idp.example/jwks.json",
        NODE_ENV: "production",
        HUB_GATEWAY_SECRET: "g".repeat(32),
      }),
    ).toEqual([expect.stringMatching(/must use https in production/)]);
    expect(configProblemsOf({ HUB_JWKS_URL: "not a url" })).toEqual([
      expect.stringMatching(/must be an http:\/\/ or https:\/\/ URL/),
    ]);
  });
});

describe("production mode, however it is asked for", () => {
  const realSecret = "a-real-secret-of-this-province-0123456789";
  const gatewayKey = "the-gateway-signing-key-of-this-province";

  const productions: Record<string, string>[] = [
    { NODE_ENV: "production" },
    { HUB_PRODUCTION: "true" },
    { HUB_PRODUCTION: "1", NODE_ENV: "development" },
  ];

  it.each(productions)("#18.7 refuses the public demo secret with %o, as NODE_ENV=production does", (production) => {
    expect(configProblemsOf({ ...production, HUB_GATEWAY_SECRET: gatewayKey })).toEqual([
      expect.stringMatching(/^HUB_JWT_SECRET or HUB_JWKS_URL must be set in production.*the demo secret is public/),
    ]);
    expect(
      configProblemsOf({ ...production, HUB_JWT_SECRET: DEMO_JWT_SECRET, HUB_GATEWAY_SECRET: gatewayKey }),
    ).toEqual([expect.stringMatching(/HUB_JWT_SECRET is the public demo secret/)]);
    expect(
      configProblemsOf({
        ...production,
        HUB_JWKS_URL: "http://idp.example/jwks.json",
        HUB_GATEWAY_SECRET: gatewayKey,
      }),
    ).toEqual([expect.stringMatching(/must use https in production/)]);
    const { config, warnings } = load({ ...production, HUB_JWT_SECRET: realSecret, HUB_GATEWAY_SECRET: gatewayKey });
    expect(config.production).toBe(true);
    expect(config.hardening.production).toBe(true);
    expect(config.auth).toMatchObject({ kind: "secret", demoSecret: false });
    expect(warnings).toEqual([]);
  });
});

describe("token lifetime setting", () => {
  it("#18.24 reads HUB_JWT_MAX_LIFETIME as a duration (default 24 h) and refuses a bad one, naming it", () => {
    expect(load({}).config.auth.maxLifetimeSeconds).toBe(86_400);
    expect(load({ HUB_JWKS_URL: "https://idp.example/jwks.json" }).config.auth.maxLifetimeSeconds).toBe(86_400);
    expect(load({ HUB_JWT_MAX_LIFETIME: "8h" }).config.auth.maxLifetimeSeconds).toBe(28_800);
    expect(load({ HUB_JWT_MAX_LIFETIME: "90m" }).config.auth.maxLifetimeSeconds).toBe(5_400);
    expect(load({ HUB_JWT_MAX_LIFETIME: "2d" }).config.auth.maxLifetimeSeconds).toBe(172_800);
    expect(load({ HUB_JWT_MAX_LIFETIME: "600" }).config.auth.maxLifetimeSeconds).toBe(600);
    for (const bad of ["forever", "0", "30s", "31d", "-1h", "1.5h"])
      expect(configProblemsOf({ HUB_JWT_MAX_LIFETIME: bad }), bad).toEqual([
        `HUB_JWT_MAX_LIFETIME must be a duration from 1 minute to 30 days such as "24h", "90m" or "3600" (seconds), ` +
          `but got "${bad}"`,
      ]);
  });
});
