import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "../../src/followup/signing.ts";

const secret = "a-webhook-secret-of-at-least-32-bytes!";
const body = '{"idempotencyKey":"k-1","kind":"REMINDER"}';
const t = 1_782_864_000;

describe("webhook signatures", () => {
  it("is HMAC-SHA256 of '<timestamp>.<body>' under the shared secret, in hex", () => {
    // Computed here from the definition (RFC 2104 via node:crypto), not taken from signWebhook.
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signWebhook(secret, t, body)).toBe(`sha256=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies a signature made with the same secret", () => {
    const signature = signWebhook(secret, t, body);
    expect(verifyWebhook(secret, { timestamp: String(t), signature }, body, t + 5)).toBeNull();
  });

  it("refuses a changed body, another secret, a changed timestamp, or none", () => {
    const signature = signWebhook(secret, t, body);
    expect(verifyWebhook(secret, { timestamp: String(t), signature }, body.replace("k-1", "k-2"), t)).toBe(
      "signature mismatch",
    );
    expect(verifyWebhook(`${secret}x`, { timestamp: String(t), signature }, body, t)).toBe("signature mismatch");
    expect(verifyWebhook(secret, { timestamp: String(t + 1), signature }, body, t)).toBe("signature mismatch");
    expect(verifyWebhook(secret, { timestamp: undefined, signature }, body, t)).toBe("no timestamp");
    expect(verifyWebhook(secret, { timestamp: String(t), signature: undefined }, body, t)).toBe("no signature");
  });

  it("refuses a message older than the tolerance (a replay)", () => {
    const signature = signWebhook(secret, t, body);
    expect(verifyWebhook(secret, { timestamp: String(t), signature }, body, t + 301)).toBe(
      "timestamp outside the tolerance",
    );
  });
});
