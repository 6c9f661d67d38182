import { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { testAuth } from "../kit/auth.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { testHardening } from "../kit/gateway.ts";

/**
 * Nothing leaves the hub: a gateway built and asked a question in this process (a test file
 * runs in a process of its own) tries no connection beyond loopback. Every TCP connection in
 * Node goes through `Socket.prototype.connect` (http, https, fetch), so the test listens there;
 * @apollo/gateway's start-up probes of cloud metadata addresses (169.254.169.254,
 * metadata.google.internal, …) and its hourly report to Apollo would show as attempts.
 */
describe("outbound connections", () => {
  const attempts: string[] = [];
  const connect = Socket.prototype.connect;
  let database: TestDatabase;

  /** Where a `connect` call goes: host:port, or the path of a local socket. */
  function target(args: unknown[]): string {
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as unknown;
    if (typeof first === "number") return `${String(args[1] ?? "localhost")}:${first}`;
    if (typeof first === "string") return `unix:${first}`;
    const options = first as { host?: string; port?: number; path?: string };
    return options.path ? `unix:${options.path}` : `${options.host ?? "localhost"}:${String(options.port)}`;
  }

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    delete process.env.APOLLO_TELEMETRY_DISABLED; // as in a fresh process started by `npm start`
    Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
      attempts.push(target(args));
      return (connect as (...a: unknown[]) => Socket).apply(this, args);
    } as typeof connect;
  });
  afterAll(async () => {
    Socket.prototype.connect = connect;
    await database?.close();
  });

  it("#18.18 builds, starts and runs the gateway without trying a connection beyond loopback", async () => {
    const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, testAuth, {
      hardening: testHardening(),
    });
    const http = await gateway.listen(0);
    try {
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.status).toBe(200);
      // The metadata probes start as the gateway is built and run in the background: give them time.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      await http.close();
      await gateway.stop();
    }
    expect(attempts.length).toBeGreaterThan(0); // the test's own request was seen
    expect(attempts.filter((a) => !/^(127\.0\.0\.1|localhost|::1|\[::1\]):\d+$|^unix:/.test(a))).toEqual([]);
    // The switch @apollo/gateway reads for its hourly report to Apollo as well.
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe("true");
  });
});
