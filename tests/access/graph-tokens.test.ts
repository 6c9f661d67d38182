import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/access/identity/tokens.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { loadConfig } from "../../src/config/index.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { bearerFor } from "../kit/auth.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

const OFFICER: AuthenticatedViewer = {
  subject: "test-insurance-officer",
  role: "insurance_officer",
  scope: { region: "33" },
};
const QUERY = `{ childrenInRegion(region: "33", first: 1) { edges { node { id name } } } }`;
const ANOTHER_SYSTEM = loadConfig(
  { HUB_JWT_SECRET: "another-secret-of-another-system-0123456789" },
  process.cwd(),
  () => {},
).auth;

/** Each refused token, with the reason tokens.ts gives and the start of its message. */
const REFUSED: { name: string; header: () => Promise<string>; reason: string; message: RegExp }[] = [
  {
    name: "a forged token (signed with another secret)",
    header: async () => `Bearer ${await signToken(OFFICER, ANOTHER_SYSTEM)}`,
    reason: "BAD_SIGNATURE",
    message: /^bearer token signature does not verify/,
  },
  {
    name: "an expired token",
    header: () => bearerFor(OFFICER, { issuedAt: new Date(Date.now() - 3 * 3_600_000), expiresIn: 3_600 }),
    reason: "EXPIRED",
    message: /^bearer token expired at /,
  },
  {
    name: "a token for another audience",
    header: () => bearerFor(OFFICER, { audience: "some-other-service" }),
    reason: "WRONG_AUDIENCE",
    message: /^bearer token audience must be "child-coverage-hub", but got "some-other-service"$/,
  },
  {
    name: "a malformed token",
    header: async () => "Bearer not-a-jwt",
    reason: "MALFORMED_TOKEN",
    message: /^bearer token must be a JWT/,
  },
  {
    name: "a header without the Bearer scheme",
    header: async () => `Basic ${Buffer.from("a:b").toString("base64")}`,
    reason: "MALFORMED_HEADER",
    message: /^Authorization header must be "Bearer <token>"/,
  },
];

describe("bearer tokens through the graph", () => {
  let hub: TestHub;
  let http: RunningHttpServer;

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200 });
    http = await hub.gateway.listen(0);
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await hub?.close();
  });

  it.each(REFUSED)(
    "refuses $name at the gateway, once, with UNAUTHENTICATED and the reason",
    async ({ header, reason, message }) => {
      const result = await hub.gateway.execute(QUERY, {}, { authorization: await header() });
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason });
      expect(result.errors![0]!.message).toMatch(message);
    },
  );

  it("gives every refused token a message of its own", async () => {
    const messages = await Promise.all(
      REFUSED.map(
        async ({ header }) =>
          (await hub.gateway.execute(QUERY, {}, { authorization: await header() })).errors?.[0]?.message,
      ),
    );
    expect(new Set(messages).size).toBe(REFUSED.length);
  });

  it.each(REFUSED)("refuses $name on a subgraph called directly", async ({ header, reason, message }) => {
    const result = await executeSubgraph(SUBGRAPHS.hub, hub.database.db, QUERY, {}, { authorization: await header() });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(result.errors![0]!.extensions).toMatchObject({ reason });
    expect(result.errors![0]!.message).toMatch(message);
  });

  it("answers a refused token over HTTP with status 401 and the same error", async () => {
    const response = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-jwt" },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
    expect(body.errors[0]!.message).toMatch(/^bearer token must be a JWT/);
  });

  it("answers a valid token", async () => {
    const result = await hub.gateway.execute(QUERY, {}, { authorization: await bearerFor(OFFICER) });
    expect(result.errors).toBeUndefined();
    expect((result.data as { childrenInRegion: { edges: unknown[] } }).childrenInRegion.edges).toHaveLength(1);
  });

  it("lets a caller without a token see only the public schema: every field FORBIDDEN", async () => {
    const result = await hub.gateway.execute(QUERY);
    expect(result.data).toEqual({ childrenInRegion: null });
    expect(result.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["FORBIDDEN", "an anonymous caller (no bearer token) may not read Query.childrenInRegion"],
    ]);
  });
});
