import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleRoute, resolveInside, type ConsoleRouteOptions } from "../../src/gateway/console-route.ts";

/** The console route alone, over a plain Node server and a fake build folder. */
async function serve(options: ConsoleRouteOptions): Promise<{ base: string; server: Server }> {
  const route = consoleRoute(options);
  const server = createServer((req, res) => {
    void Promise.resolve(route(req, res, new URL(req.url ?? "/", "http://localhost"))).then(
      (answered) => answered || res.writeHead(404).end("not the console\n"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the console route", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "console-route-"));
  const build = path.join(dir, "console");
  let built: { base: string; server: Server };
  let missing: { base: string; server: Server };

  beforeAll(async () => {
    mkdirSync(path.join(build, "assets"), { recursive: true });
    writeFileSync(path.join(build, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(path.join(build, "assets", "index-abc.js"), "console.log(1)");
    writeFileSync(path.join(build, "assets", "index-abc.css"), "body{}");
    writeFileSync(path.join(dir, "secret.txt"), "outside the build");
    built = await serve({
      dir: build,
      demoIdentities: async () => [
        { role: "analyst", subject: "demo-analyst", scope: { region: "33" }, token: "a.b.c" },
      ],
    });
    missing = await serve({ dir: path.join(dir, "not-built") });
  });
  afterAll(async () => {
    for (const s of [built, missing]) await new Promise((resolve) => s?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the built files with their content types, fingerprinted assets cached for good", async () => {
    const js = await fetch(`${built.base}/console/assets/index-abc.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(await js.text()).toBe("console.log(1)");
    const css = await fetch(`${built.base}/console/assets/index-abc.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const page = await fetch(`${built.base}/console/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-store");
  });

  it("answers client routes with index.html, a missing asset with 404, and /console with a redirect", async () => {
    expect(await (await fetch(`${built.base}/console/school/2330106101`)).text()).toContain("<title>console</title>");
    expect((await fetch(`${built.base}/console/assets/gone.js`)).status).toBe(404);
    const bare = await fetch(`${built.base}/console`, { redirect: "manual" });
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe("/console/");
    expect((await fetch(`${built.base}/elsewhere`)).status).toBe(404);
  });

  it("never serves a file outside the build folder", async () => {
    for (const attempt of [
      "/console/..%2Fsecret.txt",
      "/console/%2e%2e/secret.txt",
      "/console/assets/..%5C..%5Csecret.txt",
      "/console/%00",
    ]) {
      const response = await fetch(`${built.base}${attempt}`);
      expect(await response.text(), attempt).not.toContain("outside the build");
    }
    expect(resolveInside("/srv/console", "assets/a.js")).toBe(path.resolve("/srv/console/assets/a.js"));
    expect(resolveInside("/srv/console", "..%2F..%2Fetc/passwd")).toBeNull();
    expect(resolveInside("/srv/console", "a/../../b")).toBeNull();
  });

  it("lists demo identities only when given them", async () => {
    expect(await (await fetch(`${built.base}/console/demo-identities.json`)).json()).toEqual({
      demo: true,
      identities: [{ role: "analyst", subject: "demo-analyst", scope: { region: "33" }, token: "a.b.c" }],
    });
    // (#18.7: outside the demo the list is not served at all, where it once answered an empty one.)
    expect((await fetch(`${missing.base}/console/demo-identities.json`)).status).toBe(404);
  });

  it("says how to build the console when it is not built", async () => {
    const response = await fetch(`${missing.base}/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/npm run build:console/);
  });
});
