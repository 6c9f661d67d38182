import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

/**
 * `npm start` as an operator runs it, in its own process: production mode asked for with
 * HUB_PRODUCTION=true alone (no NODE_ENV), on an in-memory PGlite. What must hold: the public
 * demo secret is refused before anything is served, and a production start hands out no token
 * and no child's ID number, on stdout or over HTTP.
 */
const root = path.resolve(import.meta.dirname, "../..");
/** A bearer token (three base64url parts, the first a JSON header) or a resident ID number. */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;
const ID_NUMBER = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;

interface Started {
  output(): string;
  /** The gateway's URL once it serves, or the exit code if the process ended first. */
  ready: Promise<{ url: string } | { exit: number | null }>;
  stop(): void;
}

const running: Started[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.stop();
});

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "src/bin/start.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HUB_DATA_DIR: "memory",
      PORT: "0",
      HUB_LOG: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const ready = new Promise<{ url: string } | { exit: number | null }>((resolve) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const url = /GraphQL\s+(http:\/\/\S+\/graphql)/.exec(text)?.[1];
      // The whole welcome is one console.log: once the URL is there, so is everything printed with it.
      if (url) resolve({ url });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => resolve({ exit: code }));
  });
  const started: Started = { output: () => text, ready, stop: () => void child.kill("SIGKILL") };
  running.push(started);
  return started;
}

describe("a production start (HUB_PRODUCTION=true, no NODE_ENV)", () => {
  it("#18.7 refuses to start with the public demo secret, before serving anything", { timeout: 120_000 }, async () => {
    const secrets: Record<string, string>[] = [
      {},
      { HUB_JWT_SECRET: "child-coverage-hub-demo-secret-not-for-production-use" },
    ];
    for (const secret of secrets) {
      const hub = start({ HUB_PRODUCTION: "true", HUB_GATEWAY_SECRET: "g".repeat(40), ...secret });
      const outcome = await hub.ready;
      expect(outcome, hub.output()).toEqual({ exit: 1 });
      expect(hub.output()).toMatch(/invalid configuration:[\s\S]*(must be set in production|public demo secret)/);
      expect(hub.output()).not.toMatch(JWT);
    }
  });

  it(
    "#18.7 prints no token and no child's ID number, and serves no demo identities",
    { timeout: 180_000 },
    async () => {
      const hub = start({
        HUB_PRODUCTION: "true",
        HUB_JWT_SECRET: "a-real-secret-of-this-province-0123456789",
        HUB_GATEWAY_SECRET: "the-gateway-signing-key-of-this-province",
      });
      const outcome = await hub.ready;
      expect(outcome, hub.output()).toHaveProperty("url");
      const url = (outcome as { url: string }).url;

      const identities = await fetch(url.replace(/\/graphql$/, "/console/demo-identities.json"));
      const body = await identities.text();
      expect(identities.status).toBe(404);
      expect(body).not.toMatch(JWT);

      const printed = hub.output();
      expect(printed).toMatch(/GraphiQL\s+off \(production mode\)/);
      expect(printed).not.toMatch(JWT);
      expect(printed).not.toMatch(ID_NUMBER);
      expect(printed).not.toMatch(/demo bearer tokens|sign in with a demo identity/);
    },
  );
});
