import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type AuthConfig } from "../../src/config/index.ts";
import { ErrorCode } from "../../src/errors.ts";
import {
  AuthenticationError,
  signToken,
  verifyAuthorization,
  type AuthenticationFailure,
} from "../../src/access/identity/tokens.ts";
import { ANONYMOUS_VIEWER, type AuthenticatedViewer } from "../../src/access/identity/viewer.ts";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256!";
const auth: AuthConfig = loadConfig({ HUB_JWT_SECRET: SECRET }, process.cwd(), () => {}).auth;
const otherAuth: AuthConfig = loadConfig(
  { HUB_JWT_SECRET: "another-secret-of-another-system-0123456789" },
  process.cwd(),
  () => {},
).auth;

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

const schoolAdmin: AuthenticatedViewer = {
  subject: "teacher-7",
  role: "school_admin",
  scope: { schools: ["2330106101"] },
};

/** The refusal of a header, or a failure of the test if it was accepted. */
async function refusal(header: string, config: AuthConfig = auth): Promise<AuthenticationError> {
  try {
    const viewer = await verifyAuthorization(header, config);
    throw new Error(`expected a refusal, but got viewer ${JSON.stringify(viewer)}`);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    return error;
  }
}

async function rawToken(
  claims: Record<string, unknown>,
  options: { secret?: string; exp?: number | null; sub?: string | null; iss?: string; aud?: string } = {},
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setIssuer(options.iss ?? "child-coverage-hub")
    .setAudience(options.aud ?? "child-coverage-hub");
  if (options.sub !== null) jwt.setSubject(options.sub ?? "someone");
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? "1h");
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe("verifyAuthorization with the HS256 secret", () => {
  it("gives the anonymous viewer when there is no Authorization header", async () => {
    expect(await verifyAuthorization(null, auth)).toBe(ANONYMOUS_VIEWER);
    expect(await verifyAuthorization("", auth)).toBe(ANONYMOUS_VIEWER);
  });

  it("turns a valid token into the viewer it names", async () => {
    const token = await signToken({ ...schoolAdmin, tokenId: "t-1" }, auth, { expiresIn: "1h" });
    expect(await verifyAuthorization(`Bearer ${token}`, auth)).toEqual({
      subject: "teacher-7",
      role: "school_admin",
      scope: { schools: ["2330106101"] },
      tokenId: "t-1",
    });
  });

  it("accepts the scheme in any case and normalises a region given as a prefecture code", async () => {
    const token = await signToken({ subject: "o-1", role: "insurance_officer", scope: { region: "330100" } }, auth);
    expect(await verifyAuthorization(`bearer ${token}`, auth)).toMatchObject({
      role: "insurance_officer",
      scope: { region: "3301" },
    });
  });

  it("reads every role's scope", async () => {
    const viewers: AuthenticatedViewer[] = [
      { subject: "a", role: "health_officer", scope: { region: "33" } },
      { subject: "b", role: "family_doctor", scope: { doctor: "D3301060001" } },
      { subject: "c", role: "analyst", scope: { region: "330106" } },
      { subject: "d", role: "auditor", scope: {} },
      { subject: "e", role: "department_system", scope: { department: "health", region: "33" } },
    ];
    for (const viewer of viewers)
      expect(await verifyAuthorization(`Bearer ${await signToken(viewer, auth)}`, auth)).toEqual(viewer);
  });

  /** `repeats`: the same failure as an earlier case, reached another way (same message on purpose). */
  const cases: {
    name: string;
    header: () => Promise<string>;
    reason: AuthenticationFailure;
    message: RegExp;
    repeats?: true;
  }[] = [
    {
      name: "a header that is not Bearer",
      header: async () => "Basic dXNlcjpwYXNz",
      reason: "MALFORMED_HEADER",
      message: /must be "Bearer <token>", but got "Basic …"/,
    },
    {
      name: "a bare token without the Bearer scheme",
      header: async () => signToken(schoolAdmin, auth),
      reason: "MALFORMED_HEADER",
      message: /but got no scheme word before the credentials/,
    },
    {
      name: "Bearer without a token",
      header: async () => "Bearer",
      reason: "MALFORMED_HEADER",
      message: /token after "Bearer" is missing/,
    },
    {
      name: "Bearer with two words",
      header: async () => `Bearer ${await signToken(schoolAdmin, auth)} extra`,
      reason: "MALFORMED_HEADER",
      message: /with one token, but got 2 words after "Bearer"/,
    },
    {
      name: "a token that is not a JWT",
      header: async () => "Bearer not-a-jwt",
      reason: "MALFORMED_TOKEN",
      message: /must be a JWT \(three base64url parts.*but got 1 part/,
    },
    {
      name: "a JWT whose parts are not JSON",
      header: async () => "Bearer aaaa.bbbb.cccc",
      reason: "MALFORMED_TOKEN",
      message: /not a well-formed JWT/,
    },
    {
      name: "a forged signature (another secret)",
      header: async () => `Bearer ${await signToken(schoolAdmin, otherAuth)}`,
      reason: "BAD_SIGNATURE",
      message: /signature does not verify/,
    },
    {
      name: "an altered payload (role raised, signature kept)",
      header: async () => {
        const [h, , s] = (await signToken(schoolAdmin, auth)).split(".");
        const payload = Buffer.from(
          JSON.stringify({
            sub: "teacher-7",
            role: "insurance_officer",
            scope: { region: "33" },
            iss: "child-coverage-hub",
            aud: "child-coverage-hub",
            exp: Math.floor(Date.now() / 1000) + 3600,
          }),
        ).toString("base64url");
        return `Bearer ${h}.${payload}.${s}`;
      },
      reason: "BAD_SIGNATURE",
      message: /signature does not verify/,
      repeats: true,
    },
    {
      name: "an unsigned token (alg none)",
      header: async () => {
        const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
        const payload = Buffer.from(
          JSON.stringify({
            sub: "x",
            role: "auditor",
            scope: {},
            iss: "child-coverage-hub",
            aud: "child-coverage-hub",
            exp: Math.floor(Date.now() / 1000) + 3600,
          }),
        ).toString("base64url");
        return `Bearer ${header}.${payload}.`;
      },
      reason: "ALGORITHM_NOT_ALLOWED",
      message: /must be signed with HS256/,
    },
    {
      name: "an expired token",
      header: async () => {
        const issuedAt = new Date(Date.now() - 3 * 3600_000);
        return `Bearer ${await signToken(schoolAdmin, auth, { issuedAt, expiresIn: 3600 })}`;
      },
      reason: "EXPIRED",
      message: /expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(2 hours ago\)/,
    },
    {
      name: "a token not yet valid",
      header: async () => `Bearer ${await signToken(schoolAdmin, auth, { notBefore: "2h" })}`,
      reason: "NOT_YET_VALID",
      message: /not valid before \d{4}-\d\d-\d\dT.*from now/,
    },
    {
      name: "a token for another audience",
      header: async () => `Bearer ${await signToken(schoolAdmin, auth, { audience: "payroll" })}`,
      reason: "WRONG_AUDIENCE",
      message: /audience must be "child-coverage-hub", but got "payroll"/,
    },
    {
      name: "a token from another issuer",
      header: async () => `Bearer ${await signToken(schoolAdmin, auth, { issuer: "evil-idp" })}`,
      reason: "WRONG_ISSUER",
      message: /issuer must be "child-coverage-hub", but got "evil-idp"/,
    },
    {
      name: "a token without exp",
      header: async () => `Bearer ${await rawToken({ role: "auditor", scope: {} }, { exp: null })}`,
      reason: "MISSING_CLAIM",
      message: /must carry a "exp" claim/,
    },
    {
      name: "a token without sub",
      header: async () => `Bearer ${await rawToken({ role: "auditor", scope: {} }, { sub: null })}`,
      reason: "MISSING_CLAIM",
      message: /must carry a "sub" claim/,
    },
    {
      name: "a token without role",
      header: async () => `Bearer ${await rawToken({ scope: {} })}`,
      reason: "MISSING_CLAIM",
      message: /must carry a "role" claim/,
    },
    {
      name: "an unknown role",
      header: async () => `Bearer ${await rawToken({ role: "superuser", scope: {} })}`,
      reason: "UNKNOWN_ROLE",
      message: /role must be one of insurance_officer, .*but got "superuser"/,
    },
    {
      name: "a school admin without schools",
      header: async () => `Bearer ${await rawToken({ role: "school_admin", scope: {} })}`,
      reason: "INVALID_SCOPE",
      message: /role school_admin needs scope.schools \(a non-empty list of 10-digit school codes\), but it is missing/,
    },
    {
      name: "a family doctor without a scope at all",
      header: async () => `Bearer ${await rawToken({ role: "family_doctor" })}`,
      reason: "INVALID_SCOPE",
      message: /role family_doctor needs scope.doctor/,
    },
    {
      name: "an officer with an unknown region",
      header: async () => `Bearer ${await rawToken({ role: "health_officer", scope: { region: "3399" } })}`,
      reason: "INVALID_SCOPE",
      message: /scope.region "3399" is not a known region/,
    },
    {
      name: "an officer with a malformed region",
      header: async () => `Bearer ${await rawToken({ role: "health_officer", scope: { region: "33x" } })}`,
      reason: "INVALID_SCOPE",
      message: /scope.region must be a division-code prefix of 2, 4 or 6 digits/,
    },
    {
      name: "a doctor code of the wrong shape",
      header: async () => `Bearer ${await rawToken({ role: "family_doctor", scope: { doctor: "3301060001" } })}`,
      reason: "INVALID_SCOPE",
      message: /scope.doctor must be a family doctor code like "D3301060001", but got "3301060001"/,
    },
    {
      name: "schools that are not school codes",
      header: async () => `Bearer ${await rawToken({ role: "school_admin", scope: { schools: ["123"] } })}`,
      reason: "INVALID_SCOPE",
      message: /scope.schools must hold 10-digit school codes, but got "123"/,
    },
    {
      name: "a department system without its department",
      header: async () => `Bearer ${await rawToken({ role: "department_system", scope: { region: "33" } })}`,
      reason: "INVALID_SCOPE",
      message: /role department_system needs scope.department/,
    },
    {
      name: "a scope wider than the role (a school admin with a region)",
      header: async () =>
        `Bearer ${await rawToken({ role: "school_admin", scope: { schools: ["2330106101"], region: "33" } })}`,
      reason: "INVALID_SCOPE",
      message: /role school_admin must not carry scope.region/,
    },
    {
      name: "a scope that is not an object",
      header: async () => `Bearer ${await rawToken({ role: "auditor", scope: "everything" })}`,
      reason: "INVALID_SCOPE",
      message: /scope must be an object, but got "everything"/,
    },
  ];

  it.each(cases)("refuses $name with UNAUTHENTICATED and its own message", async ({ header, reason, message }) => {
    const value = await header();
    const error = await refusal(value);
    expect(error.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(error.extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(error.message).toMatch(message);
    // Never echo the credential.
    for (const word of value.split(/\s+/)) if (word.length > 8) expect(error.message).not.toContain(word);
  });

  it("gives every malformed case a distinct message", async () => {
    const distinct = cases.filter((c) => !c.repeats);
    const messages = await Promise.all(distinct.map(async (c) => (await refusal(await c.header())).message));
    expect(new Set(messages).size).toBe(distinct.length);
  });
});

describe("verifyAuthorization with a JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;
  let privateKey: PrivateKey;
  let strangerKey: PrivateKey;
  let config: AuthConfig;

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair("ES256")).privateKey;
    const rsa = await generateKeyPair("RS256");
    const keys: JWK[] = [
      { ...(await exportJWK(pair.publicKey)), kid: "hub-es-1", alg: "ES256", use: "sig" },
      { ...(await exportJWK(rsa.publicKey)), kid: "hub-rs-1", alg: "RS256", use: "sig" },
    ];
    server = createServer((req, res) => {
      requests++;
      if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    config = loadConfig({ HUB_JWKS_URL: jwksUrl }, process.cwd(), () => {}).auth;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  function sign(
    key: PrivateKey,
    kid: string,
    claims: Record<string, unknown> = { role: "health_officer", scope: { region: "3301" } },
  ) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid })
      .setSubject("idp-user-1")
      .setIssuer("child-coverage-hub")
      .setAudience("child-coverage-hub")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(key);
  }

  it("verifies a token signed with a key the JWKS publishes, fetched from the loopback server", async () => {
    expect(config.kind).toBe("jwks");
    const viewer = await verifyAuthorization(`Bearer ${await sign(privateKey, "hub-es-1")}`, config);
    expect(viewer).toEqual({ subject: "idp-user-1", role: "health_officer", scope: { region: "3301" } });
    expect(requests).toBeGreaterThan(0);
  });

  it("refuses a token signed by a stranger under a published kid as forged", async () => {
    const error = await refusal(`Bearer ${await sign(strangerKey, "hub-es-1")}`, config);
    expect(error.reason).toBe("BAD_SIGNATURE");
    expect(error.message).toMatch(/not signed with this hub's keys/);
  });

  it("refuses a token whose key the JWKS does not hold", async () => {
    const error = await refusal(`Bearer ${await sign(strangerKey, "someone-elses-key")}`, config);
    expect(error.reason).toBe("UNKNOWN_KEY");
  });

  it("refuses an HS256 token when keys come from a JWKS (no algorithm confusion)", async () => {
    const error = await refusal(`Bearer ${await signToken(schoolAdmin, auth)}`, config);
    expect(error.reason).toBe("ALGORITHM_NOT_ALLOWED");
  });

  it("cannot sign demo tokens without a secret", async () => {
    await expect(signToken(schoolAdmin, config)).rejects.toThrow(/needs HUB_JWT_SECRET/);
  });
});

describe("token age and lifetime", () => {
  const HOUR = 3_600;
  const inAnHour = () => new Date(Date.now() + HOUR * 1000);

  it("#18.24 refuses a token issued in the future (iat beyond the 30 s clock tolerance), saying when", async () => {
    const early = await signToken(schoolAdmin, auth, { issuedAt: inAnHour(), expiresIn: HOUR });
    const error = await refusal(`Bearer ${early}`);
    expect(error.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(error.reason).toBe("ISSUED_IN_FUTURE");
    expect(error.message).toMatch(
      /^bearer token was issued in the future \(iat \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, 60 minutes from now\); /,
    );
    expect(error.message).toMatch(/30 seconds of clock difference/);
    // Within the tolerance a fast clock at the issuer is forgiven.
    const slightlyEarly = await signToken(schoolAdmin, auth, { issuedAt: new Date(Date.now() + 10_000) });
    expect(await verifyAuthorization(`Bearer ${slightlyEarly}`, auth)).toMatchObject({ subject: "teacher-7" });
  });

  it("#18.24 refuses a token whose lifetime (exp - iat) exceeds HUB_JWT_MAX_LIFETIME, 24 h by default", async () => {
    expect(auth.maxLifetimeSeconds).toBe(24 * HOUR);
    const day = await signToken(schoolAdmin, auth, { expiresIn: 24 * HOUR });
    expect(await verifyAuthorization(`Bearer ${day}`, auth)).toMatchObject({ subject: "teacher-7" });

    const tooLong = await refusal(`Bearer ${await signToken(schoolAdmin, auth, { expiresIn: 25 * HOUR })}`);
    expect(tooLong.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(tooLong.reason).toBe("LIFETIME_TOO_LONG");
    expect(tooLong.message).toBe(
      "bearer token lifetime (exp - iat) must be at most 24 hours (HUB_JWT_MAX_LIFETIME), but got 25 hours: " +
        "ask the issuer for a shorter-lived token",
    );
    const tenYears = await refusal(`Bearer ${await signToken(schoolAdmin, auth, { expiresIn: "3650 days" })}`);
    expect(tenYears.reason).toBe("LIFETIME_TOO_LONG");
    expect(tenYears.message).toMatch(/but got 3650 days/);

    const hourly = loadConfig({ HUB_JWT_SECRET: SECRET, HUB_JWT_MAX_LIFETIME: "1h" }, process.cwd(), () => {}).auth;
    const twoHours = await signToken(schoolAdmin, hourly, { expiresIn: 2 * HOUR });
    expect((await refusal(`Bearer ${twoHours}`, hourly)).message).toMatch(/at most 60 minutes .*but got 2 hours/);
  });

  it("#18.24 refuses a token without exp or without iat (its lifetime cannot be bounded)", async () => {
    const noExp = await refusal(`Bearer ${await rawToken({ role: "auditor", scope: {} }, { exp: null })}`);
    expect(noExp).toMatchObject({ reason: "MISSING_CLAIM", message: expect.stringMatching(/"exp" claim/) });
    const withoutIat = await new SignJWT({ role: "auditor", scope: {} })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("someone")
      .setIssuer("child-coverage-hub")
      .setAudience("child-coverage-hub")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    const noIat = await refusal(`Bearer ${withoutIat}`);
    expect(noIat.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(noIat).toMatchObject({ reason: "MISSING_CLAIM", message: expect.stringMatching(/"iat" claim/) });
  });
});
