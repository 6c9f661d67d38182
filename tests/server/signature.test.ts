import { describe, expect, it } from "vitest";
import {
  SIGNATURE_HEADER,
  signatureHeaders,
  TIMESTAMP_HEADER,
  verifySignature,
  type SignedRequest,
} from "../../src/server/signature.ts";

const key = new TextEncoder().encode("k".repeat(32));
const request: SignedRequest = {
  method: "POST",
  path: "/graphql",
  body: '{"query":"{ __typename }"}',
  authorization: "Bearer abc",
  purpose: "audit",
  requestId: "r-1",
};
const now = 1_800_000_000_000;
const lookup = (h: Record<string, string>) => (name: string) => h[name];

describe("gateway request signatures", () => {
  it("accepts the request it signed, within the window", () => {
    const headers = signatureHeaders(key, request, now);
    expect(headers[SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature(key, lookup(headers), request, now + 59_000)).toEqual({ ok: true });
  });

  it("refuses a missing, stale, re-keyed or altered request, saying why", () => {
    const headers = signatureHeaders(key, request, now);
    expect(verifySignature(key, lookup({}), request, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no gateway signature/),
    });
    expect(verifySignature(key, lookup(headers), request, now + 61_000)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/beyond the window of 60 s/),
    });
    expect(verifySignature(new TextEncoder().encode("x".repeat(32)), lookup(headers), request, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    for (const altered of [
      { body: '{"query":"{ child(id: 1) { name } }"}' },
      { authorization: "Bearer someone-else" },
      { path: "/other" },
      { requestId: "r-2" },
    ]) {
      expect(verifySignature(key, lookup(headers), { ...request, ...altered }, now)).toMatchObject({ ok: false });
    }
    expect(verifySignature(key, lookup({ ...headers, [TIMESTAMP_HEADER]: "soon" }), request, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/milliseconds since the epoch/),
    });
  });
});
