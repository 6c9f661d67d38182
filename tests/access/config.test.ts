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
    expect(configProblemsOf({ NODE_ENV: "production" })).toEqual([
      expect.stringMatching(/HUB_JWT_SECRET or HUB_JWKS_URL must be set in production/),
    ]);
    expect(configProblemsOf({ NODE_ENV: "production", HUB_JWT_SECRET: DEMO_JWT_SECRET })).toEqual([
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
    expect(configProblemsOf({ HUB_JWKS_URL: "http://idp.example/jwks.json", NODE_ENV: "production" })).toEqual([
      expect.stringMatching(/must use https in production/),
    ]);
    expect(configProblemsOf({ HUB_JWKS_URL: "not a url" })).toEqual([
      expect.stringMatching(/must be an http:\/\/ or https:\/\/ URL/),
    ]);
  });
});
