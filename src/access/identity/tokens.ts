import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { AuthConfig } from "../../config/index.ts";
import { ErrorCode, HubError } from "../../errors.ts";
import { ANONYMOUS_VIEWER, isRole, parseScope, ROLES, type AuthenticatedViewer, type Viewer } from "./viewer.ts";

/** Why a token was refused: a stable value clients and tests can switch on (`extensions.reason`). */
export type AuthenticationFailure =
  | "MALFORMED_HEADER"
  | "MALFORMED_TOKEN"
  | "ALGORITHM_NOT_ALLOWED"
  | "BAD_SIGNATURE"
  | "UNKNOWN_KEY"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "ISSUED_IN_FUTURE"
  | "LIFETIME_TOO_LONG"
  | "WRONG_AUDIENCE"
  | "WRONG_ISSUER"
  | "MISSING_CLAIM"
  | "INVALID_CLAIM"
  | "UNKNOWN_ROLE"
  | "INVALID_SCOPE";

/** A refused bearer token. The message says why, and never repeats the token. */
export class AuthenticationError extends HubError {
  constructor(
    readonly reason: AuthenticationFailure,
    message: string,
  ) {
    super(ErrorCode.UNAUTHENTICATED, message);
  }

  override get extensions(): Record<string, unknown> {
    return { code: this.code, reason: this.reason };
  }
}

/** HS256 with the shared secret; asymmetric algorithms with a JWKS (never "none", never HS with a public key). */
const SECRET_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];
/** Clocks of the issuer and the hub may differ a little. */
export const CLOCK_TOLERANCE_SECONDS = 30;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 8_192;

/**
 * The viewer behind an `Authorization` header: anonymous without one; otherwise the header must
 * be `Bearer <JWT>` and the token valid (signature, `exp`, `nbf`, `iss`, `aud`, `sub`, a known
 * `role` and the scope that role needs; `iat` not in the future and `exp - iat` within
 * `config.maxLifetimeSeconds`), or an `AuthenticationError` (UNAUTHENTICATED) says exactly what
 * is wrong.
 *
 *   await verifyAuthorization(null, config.auth)                // ANONYMOUS_VIEWER
 *   await verifyAuthorization(`Bearer ${token}`, config.auth)   // { subject, role, scope, tokenId }
 */
export async function verifyAuthorization(
  header: string | null | undefined,
  config: AuthConfig,
  options: { now?: Date } = {},
): Promise<Viewer> {
  if (header === null || header === undefined || header.trim() === "") return ANONYMOUS_VIEWER;
  const token = bearerToken(header);
  const payload = await verifyJwt(token, config, options.now);
  return viewerFromClaims(payload);
}

function bearerToken(header: string): string {
  const words = header.trim().split(/\s+/);
  const scheme = words[0] ?? "";
  if (scheme.toLowerCase() !== "bearer") {
    // The scheme word only, and only if it looks like one: whatever follows may be a credential.
    const shown = /^[A-Za-z-]{1,20}$/.test(scheme) ? `"${scheme} …"` : "no scheme word before the credentials";
    throw new AuthenticationError(
      "MALFORMED_HEADER",
      `Authorization header must be "Bearer <token>", but got ${shown}`,
    );
  }
  const token = words[1];
  if (!token)
    throw new AuthenticationError(
      "MALFORMED_HEADER",
      'Authorization header must be "Bearer <token>", but the token after "Bearer" is missing',
    );
  if (words.length > 2)
    throw new AuthenticationError(
      "MALFORMED_HEADER",
      `Authorization header must be "Bearer <token>" with one token, but got ${words.length - 1} words after "Bearer"`,
    );
  return token;
}

async function verifyJwt(token: string, config: AuthConfig, now: Date | undefined): Promise<JWTPayload> {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
    throw new AuthenticationError(
      "MALFORMED_TOKEN",
      "bearer token must be a JWT (three base64url parts: header.payload.signature), but got " +
        (token.length > MAX_TOKEN_LENGTH ? `${token.length} characters` : `${token.split(".").length} part(s)`),
    );
  }
  const verifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    // iat too: without it a token's lifetime cannot be bounded (checkTokenTimes).
    requiredClaims: ["exp", "sub", "iat"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(now ? { currentDate: now } : {}),
  };
  try {
    const result =
      config.kind === "secret"
        ? await jwtVerify(token, config.secret, { ...verifyOptions, algorithms: SECRET_ALGORITHMS })
        : await jwtVerify(token, remoteKeySet(config.jwksUrl), { ...verifyOptions, algorithms: JWKS_ALGORITHMS });
    checkTokenTimes(result.payload, config, now ?? new Date());
    return result.payload;
  } catch (error) {
    throw translate(error, config, now ?? new Date());
  }
}

/**
 * What jose leaves to the caller: a token issued in the future (a forged or mis-clocked issuer
 * minting tokens ahead of time) and one valid for longer than the hub allows (a stolen 10-year
 * token is a 10-year credential). jose has checked that `iat` and `exp` are NumericDates.
 */
function checkTokenTimes(payload: JWTPayload, config: AuthConfig, now: Date): void {
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  const nowSeconds = now.getTime() / 1000;
  if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    throw new AuthenticationError(
      "ISSUED_IN_FUTURE",
      `bearer token was issued in the future (iat ${isoSeconds(iat)}, ${ago(iat - nowSeconds, "from now")}); ` +
        `the hub allows ${CLOCK_TOLERANCE_SECONDS} seconds of clock difference: check the issuer's clock`,
    );
  }
  if (exp - iat > config.maxLifetimeSeconds) {
    throw new AuthenticationError(
      "LIFETIME_TOO_LONG",
      `bearer token lifetime (exp - iat) must be at most ${span(config.maxLifetimeSeconds)} (HUB_JWT_MAX_LIFETIME), ` +
        `but got ${span(exp - iat)}: ask the issuer for a shorter-lived token`,
    );
  }
}

function translate(error: unknown, config: AuthConfig, now: Date): Error {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    const when =
      typeof exp === "number" ? `${isoSeconds(exp)} (${ago(now.getTime() / 1000 - exp)})` : "an earlier time";
    return new AuthenticationError("EXPIRED", `bearer token expired at ${when}: ask for a new one`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const payload = error.payload;
    if (error.reason === "missing")
      return new AuthenticationError(
        "MISSING_CLAIM",
        `bearer token must carry a "${error.claim}" claim, but it has none`,
      );
    switch (error.claim) {
      case "nbf":
        if (typeof payload.nbf === "number")
          return new AuthenticationError(
            "NOT_YET_VALID",
            `bearer token is not valid before ${isoSeconds(payload.nbf)} ` +
              `(${ago(payload.nbf - now.getTime() / 1000, "from now")})`,
          );
        return new AuthenticationError(
          "INVALID_CLAIM",
          'bearer token "nbf" claim must be a NumericDate (seconds since 1970)',
        );
      case "aud":
        return new AuthenticationError(
          "WRONG_AUDIENCE",
          `bearer token audience must be "${config.audience}", but got ${shown(payload.aud)}`,
        );
      case "iss":
        return new AuthenticationError(
          "WRONG_ISSUER",
          `bearer token issuer must be "${config.issuer}", but got ${shown(payload.iss)}`,
        );
      case "iat":
        // jose checks only the type of iat here (its age is checkTokenTimes's question).
        return new AuthenticationError(
          "INVALID_CLAIM",
          `bearer token "iat" claim must be a NumericDate (seconds since 1970), but got ${shown(payload.iat)}`,
        );
      default:
        return new AuthenticationError(
          "INVALID_CLAIM",
          `bearer token "${error.claim}" claim is invalid (${error.reason})`,
        );
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError(
      "BAD_SIGNATURE",
      "bearer token signature does not verify: " +
        `it was not signed with this hub's ${config.kind === "secret" ? "secret" : "keys"} ` +
        "(forged, altered, or issued for another system)",
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const allowed = (config.kind === "secret" ? SECRET_ALGORITHMS : JWKS_ALGORITHMS).join(" or ");
    return new AuthenticationError(
      "ALGORITHM_NOT_ALLOWED",
      `bearer token must be signed with ${allowed}, but its header names another algorithm`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthenticationError(
      "UNKNOWN_KEY",
      "bearer token is signed with a key the hub's JWKS does not hold (unknown kid or key type)",
    );
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    // The hub cannot check anybody's token right now: not the caller's fault.
    return new HubError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      `cannot verify bearer tokens: the JWKS could not be loaded (${error.message})`,
      { cause: error },
    );
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new AuthenticationError("MALFORMED_TOKEN", `bearer token is not a well-formed JWT: ${error.message}`);
  }
  if (error instanceof errors.JOSEError)
    return new AuthenticationError("MALFORMED_TOKEN", `bearer token could not be verified: ${error.message}`);
  if (error instanceof TypeError && config.kind === "jwks" && /fetch/i.test(error.message)) {
    return new HubError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      `cannot verify bearer tokens: the JWKS could not be fetched (${error.message})`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** `createRemoteJWKSet` caches keys and refetches on an unknown kid: keep one per URL for the process. */
const keySets = new Map<string, JWTVerifyGetKey>();
function remoteKeySet(url: string): JWTVerifyGetKey {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    keySets.set(url, set);
  }
  return set;
}

/** The hub's viewer from verified claims: `sub`, `role`, `scope`, `jti`. */
function viewerFromClaims(payload: JWTPayload): AuthenticatedViewer {
  const subject = payload.sub;
  if (typeof subject !== "string" || subject.trim() === "" || subject.length > 200) {
    throw new AuthenticationError(
      "INVALID_CLAIM",
      'bearer token "sub" claim must be a non-empty string of at most 200 characters',
    );
  }
  const role = payload.role;
  if (role === undefined)
    throw new AuthenticationError("MISSING_CLAIM", 'bearer token must carry a "role" claim, but it has none');
  if (!isRole(role))
    throw new AuthenticationError(
      "UNKNOWN_ROLE",
      `bearer token role must be one of ${ROLES.join(", ")}, but got ${shown(role)}`,
    );
  const scope = parseScope(role, payload.scope);
  if (!scope.ok)
    throw new AuthenticationError("INVALID_SCOPE", `bearer token scope is invalid for role ${role}: ${scope.message}`);
  const viewer: AuthenticatedViewer = { subject, role, scope: scope.scope };
  if (typeof payload.jti === "string" && payload.jti !== "") viewer.tokenId = payload.jti;
  return viewer;
}

export interface SignOptions {
  /** A jose time span ("8h", "30 days") or seconds from now. Default "8h". */
  expiresIn?: string | number;
  /** Not valid before: a time span from now ("1h") or an absolute Date. */
  notBefore?: string | Date;
  issuedAt?: Date;
  tokenId?: string;
  /** Tests only: sign for another issuer or audience than the configured one. */
  issuer?: string;
  audience?: string;
}

/**
 * A signed HS256 token for a viewer: demo tokens `npm start` prints, and tests. With a JWKS
 * configuration the hub holds no private key, so it cannot sign.
 *
 *   const token = await signToken(
 *     { subject: "demo-school-admin", role: "school_admin", scope: { schools: ["2330106101"] } },
 *     config.auth,
 *     { expiresIn: "30 days" },
 *   );
 */
export async function signToken(
  viewer: AuthenticatedViewer,
  config: AuthConfig,
  options: SignOptions = {},
): Promise<string> {
  if (config.kind !== "secret")
    throw new Error(
      "signToken needs HUB_JWT_SECRET: " +
        "with HUB_JWKS_URL the tokens come from the identity provider that holds the private key",
    );
  const jwt = new SignJWT({ role: viewer.role, scope: viewer.scope })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.subject)
    .setIssuer(options.issuer ?? config.issuer)
    .setAudience(options.audience ?? config.audience)
    .setIssuedAt(options.issuedAt ?? new Date())
    .setExpirationTime(
      typeof options.expiresIn === "number"
        ? Math.floor((options.issuedAt ?? new Date()).getTime() / 1000) + options.expiresIn
        : (options.expiresIn ?? "8h"),
    );
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  const tokenId = options.tokenId ?? viewer.tokenId;
  if (tokenId) jwt.setJti(tokenId);
  return jwt.sign(config.secret);
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function ago(seconds: number, suffix = "ago"): string {
  return `${span(seconds)} ${suffix}`;
}

/** A duration in words: "45 seconds", "90 minutes", "24 hours", "3650 days". */
function span(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} seconds`;
  if (s < 7_200) return `${Math.round(s / 60)} minutes`;
  if (s < 172_800) return `${Math.round(s / 3_600)} hours`;
  return `${Math.round(s / 86_400)} days`;
}

/** A claim value in a message, bounded (claims are attacker-controlled text). */
function shown(value: unknown): string {
  if (value === undefined) return "none";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
