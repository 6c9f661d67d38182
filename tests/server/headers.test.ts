import { describe, expect, it } from "vitest";
import { gatewayContextFrom } from "../../src/gateway/gateway-server.ts";
import { purposeFrom, requestIdFrom } from "../../src/server/headers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("what the gateway takes from a client's headers", () => {
  it("keeps a plain request id, and replaces one that is long, strange or carries an ID number", () => {
    expect(requestIdFrom("req-2026.11.25:42")).toBe("req-2026.11.25:42");
    for (const bad of [undefined, "", "x".repeat(65), "a b", "id\nInjected: yes", "330106201501010011"])
      expect(requestIdFrom(bad)).toMatch(UUID);
  });

  it("keeps a purpose to one line of at most 200 characters", () => {
    expect(purposeFrom("  school\nenrollment\r\ncheck ")).toBe("school enrollment check");
    expect(purposeFrom("p".repeat(500))).toHaveLength(200);
    expect(purposeFrom(" \n ")).toBeNull();
  });

  it("reads the token, the request id and the purpose, and nothing a client could pose with", () => {
    const headers = new Headers({
      authorization: "Bearer t",
      "x-request-id": "r1",
      "x-purpose": "audit",
      "x-user": "someone",
      "x-role": "auditor",
      "x-hub-viewer": "{}",
      "x-forwarded-user": "someone",
    });
    expect(gatewayContextFrom({ get: (n) => headers.get(n) })).toEqual({
      authorization: "Bearer t",
      requestId: "r1",
      purpose: "audit",
    });
  });
});
