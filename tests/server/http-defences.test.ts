import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HardeningConfig } from "../../src/config/index.ts";
import { consoleRoute } from "../../src/gateway/console-route.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * The HTTP layer as an outsider meets it, each on a gateway of its own over loopback: how long
 * a request may take to arrive, how many connections it may hold, what every answer says about
 * how a browser must treat it, what a refused request costs, and what an error may show.
 */
describe("the HTTP layer's defences", () => {
  let hub: TestHub;
  const closers: (() => Promise<void>)[] = [];

  async function serve(hardening: HardeningConfig, routes = [] as Parameters<GatewayServer["listen"]>[2]) {
    const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening,
    });
    const http = await gateway.listen(0, "127.0.0.1", routes);
    closers.push(
      async () => void (await http.close()),
      () => gateway.stop(),
    );
    return http;
  }

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 50 });
  }, 120_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await hub?.close();
  });

  /** A raw connection that sends `text` and then nothing: what it receives, and when it is closed. */
  function holdOpen(port: number, text: string): { socket: Socket; ended: Promise<{ ms: number; received: string }> } {
    const started = performance.now();
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("error", () => {});
    socket.write(text);
    const ended = new Promise<{ ms: number; received: string }>((resolve) =>
      socket.on("close", () => resolve({ ms: performance.now() - started, received })),
    );
    return { socket, ended };
  }

  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<"still open">((resolve) => setTimeout(() => resolve("still open"), ms))]);

  describe("slow clients", () => {
    it(
      "#18.17 answers a body held one byte short with 408 REQUEST_TIMEOUT once HUB_BODY_TIMEOUT_MS " +
        "passes, and closes the connection",
      async () => {
        const http = await serve(testHardening({ HUB_BODY_TIMEOUT_MS: "500" }));
        const body = JSON.stringify({ query: "{ __typename }" });
        const held = holdOpen(
          http.port,
          `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${body.length + 1}\r\n\r\n${body}`,
        );
        const ended = await within(held.ended, 5_000);
        held.socket.destroy();
        expect(ended).not.toBe("still open");
        const { ms, received } = ended as { ms: number; received: string };
        expect(ms).toBeGreaterThanOrEqual(450);
        expect(ms).toBeLessThan(3_000);
        expect(received).toMatch(/^HTTP\/1\.1 408 /);
        expect(received).toContain('"code":"REQUEST_TIMEOUT"');
        expect(received).toContain("the request body did not arrive within the limit of 500 ms (HUB_BODY_TIMEOUT_MS)");
      },
    );

    it("#18.17 closes a connection whose headers never end within HUB_BODY_TIMEOUT_MS", async () => {
      const http = await serve(testHardening({ HUB_BODY_TIMEOUT_MS: "500" }));
      const held = holdOpen(http.port, `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a`);
      const ended = await within(held.ended, 5_000);
      held.socket.destroy();
      expect(ended).not.toBe("still open");
      expect((ended as { ms: number }).ms).toBeLessThan(3_000);
    });

    it(
      "#18.17 holds at most HUB_MAX_CONNECTIONS connections: one more is closed at once, " +
        "and the server answers again when one goes",
      async () => {
        const http = await serve(testHardening({ HUB_MAX_CONNECTIONS: "4", HUB_BODY_TIMEOUT_MS: "60000" }));
        const partial = `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{`;
        const held = Array.from({ length: 4 }, () => holdOpen(http.port, partial));
        await new Promise((resolve) => setTimeout(resolve, 200));
        const extra = holdOpen(http.port, partial);
        const refused = await within(extra.ended, 2_000);
        expect(refused).not.toBe("still open");
        expect((refused as { received: string }).received).toBe("");
        for (const h of held) expect(await within(h.ended, 10)).toBe("still open");

        held[0]!.socket.destroy();
        await held[0]!.ended;
        await new Promise((resolve) => setTimeout(resolve, 100));
        const answer = await fetch(http.url, {
          method: "POST",
          headers: { "content-type": "application/json", connection: "close" },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        expect(answer.status).toBe(200);
        for (const h of held) h.socket.destroy();
      },
    );
  });

  describe("what every answer tells the browser", () => {
    it(
      "#18.26 sends a content security policy with frame-ancestors 'none', and nosniff, " +
        "with the API, GraphiQL, its assets, the console and a 404",
      async () => {
        const consoleDir = mkdtempSync(path.join(tmpdir(), "hub-console-"));
        writeFileSync(path.join(consoleDir, "index.html"), "<!doctype html><title>console</title>");
        closers.push(async () => rmSync(consoleDir, { recursive: true, force: true }));
        const http = await serve(testHardening(), [consoleRoute({ dir: consoleDir })]);
        const base = http.url.replace(/\/graphql$/, "");
        const answers = {
          api: await fetch(http.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query: "{ __typename }" }),
          }),
          "refused operation": await fetch(http.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{not json",
          }),
          graphiql: await fetch(`${base}/graphiql`),
          "graphiql asset": await fetch(`${base}/graphiql/assets/graphiql.js`),
          console: await fetch(`${base}/console/`),
          "not found": await fetch(`${base}/nothing`),
        };
        for (const [what, response] of Object.entries(answers)) {
          await response.arrayBuffer();
          const policy = response.headers.get("content-security-policy") ?? "";
          expect(policy, what).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
          expect(policy, what).toMatch(/(^|; )default-src 'self'(;|$)/);
          expect(policy, what).toMatch(/(^|; )script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')?(;|$)/);
          expect(policy, what).toMatch(/(^|; )object-src 'none'(;|$)/);
          expect(policy, what).not.toMatch(/unsafe-eval|\*|https?:/);
          expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
          expect(response.headers.get("x-frame-options"), what).toBe("DENY");
        }
      },
    );

    it(
      "#18.26 never serves Apollo's landing page, which loads from a CDN: " +
        "a browser opening /graphql gets the local GraphiQL",
      async () => {
        const http = await serve(testHardening());
        const response = await fetch(http.url, { headers: { accept: "text/html" } });
        const page = await response.text();
        expect(page).not.toMatch(/apollographql\.com|cdn\.|embeddable|sandbox/i);
        const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
        expect(sources.length).toBeGreaterThan(0);
        for (const source of sources) expect(source, source).toMatch(/^\/graphiql\/assets\//);
      },
    );
  });

  describe("refused requests", () => {
    it(
      "#18.26 counts refused requests against the subject's budget: " +
        "after three refusals a valid operation is RATE_LIMITED",
      async () => {
        const http = await serve(
          testHardening({ HUB_RATE_OPERATIONS_PER_MINUTE: "3", HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0" }),
        );
        const caller = {
          "content-type": "application/json",
          ...(await headersFor({ subject: "refused-often", role: "analyst", scope: { region: "33" } })),
        };
        const post = (body: string) => fetch(http.url, { method: "POST", headers: caller, body });
        const refusals = [
          `{"query": "{ __typename", "variables": {}}`, // a syntax error
          JSON.stringify({ query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename`).join(" ")} }` }),
          `{"query": "query($f: CoverageGapFilter) { __typename }", "variables": {"f": {${Array.from(
            { length: 500 },
            (_, i) => `"k${i}": 0`,
          ).join(",")}}}}`,
        ];
        for (const body of refusals) expect((await post(body)).status).toBe(400);
        const valid = await post(JSON.stringify({ query: `{ schools(region: "33", first: 1) { totalCount } }` }));
        expect(valid.status).toBe(429);
        expect(
          ((await valid.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
        ).toBe("RATE_LIMITED");
        // Another subject has its budget whole.
        const other = await fetch(http.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(await headersFor({ subject: "quiet-one", role: "analyst", scope: { region: "33" } })),
          },
          body: JSON.stringify({ query: `{ schools(region: "33", first: 1) { totalCount } }` }),
        });
        expect(other.status).toBe(200);
      },
    );
  });

  describe("what an error shows", () => {
    const mistakes = [
      `{ nothing }`,
      `{ __typename`,
      `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename`).join(" ")} }`,
      `query A { __typename } query B { __typename }`,
    ];
    const send = async (url: string, query: string) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return response.text();
    };

    it("#18.23 shows no stack trace and no server path in any error, in development mode too", async () => {
      for (const hardening of [testHardening(), testHardening({ HUB_PRODUCTION: "true" })]) {
        const http = await serve(hardening);
        for (const query of mistakes) {
          const text = await send(http.url, query);
          expect(text, query).toContain('"errors"');
          expect(text, query).not.toMatch(/stacktrace|node_modules|\/work\/|\.ts:\d+|at [A-Za-z.<>]+ \(/);
        }
      }
    });

    it("keeps stack traces for the explicit development flag only, and never in production", async () => {
      const flagged = (env: Record<string, string>) => Object.assign(testHardening(env), { stackTraces: true });
      const development = await serve(flagged({}));
      expect(await send(development.url, `{ nothing }`)).toContain('"stacktrace"');
      const production = await serve(flagged({ HUB_PRODUCTION: "true" }));
      expect(await send(production.url, `{ nothing }`)).not.toContain("stacktrace");
    });
  });
});
