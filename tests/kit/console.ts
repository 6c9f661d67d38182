import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { demoAnchorFromDatabase, demoTokens, type DemoAnchor } from "../../src/access/identity/demo.ts";
import { defaultAsOf } from "../../src/coverage/as-of.ts";
import { consoleRoute } from "../../src/gateway/console-route.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { testAuth } from "./auth.ts";
import { launchChromium } from "./browser.ts";
import { startTestHub, type TestHub } from "./gateway.ts";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Builds the web console with the project's vite.config.ts into a fresh temporary folder (never
 * over dist/console, which `npm start` may be serving) and returns the folder. About 2 s.
 */
export function buildConsoleForTest(): string {
  const outDir = mkdtempSync(path.join(tmpdir(), "hub-console-"));
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
  execFileSync(
    process.execPath,
    [
      vite,
      "build",
      "--config",
      path.join(root, "vite.config.ts"),
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "error",
    ],
    { cwd: root, stdio: "pipe" },
  );
  return outDir;
}

export interface ConsoleUnderTest {
  hub: TestHub;
  http: RunningHttpServer;
  browser: Browser;
  anchor: DemoAnchor;
  /** Where the browser reaches the hub: `http://127.0.0.1:<port>`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The console as `npm start` serves it, for a browser test: a demo province as of today on
 * PGlite, the console built fresh and served by the gateway with the demo identities, and
 * Chromium. About 10 s.
 */
export async function startConsoleUnderTest(province: { children: number; seed: number }): Promise<ConsoleUnderTest> {
  const consoleDir = buildConsoleForTest();
  const hub = await startTestHub("pglite", { ...province, asOf: defaultAsOf() });
  const anchor = await demoAnchorFromDatabase(hub.database.db);
  const demoIdentities = async () =>
    (await demoTokens(hub.database.db, testAuth)).map((t) => ({
      role: t.role,
      subject: t.viewer.subject,
      scope: { ...t.viewer.scope },
      token: t.token,
    }));
  const http = await hub.gateway.listen(0, "127.0.0.1", [consoleRoute({ dir: consoleDir, demoIdentities })]);
  const browser = await launchChromium();
  return {
    hub,
    http,
    browser,
    anchor,
    origin: `http://127.0.0.1:${http.port}`,
    async close() {
      await browser.close();
      await http.close();
      await hub.close();
      rmSync(consoleDir, { recursive: true, force: true });
    },
  };
}
