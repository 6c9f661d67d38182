import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsoleForTest } from "../kit/console.ts";

/**
 * The production build as an operator deploys it: `npm run build` (tsc over tsconfig.build.json
 * into dist/server, Vite into dist/console), then `npm run start:prod` (`node dist/server/bin/start.js`)
 * from the package's root. Here the build goes into a throwaway package root under .tmp/ that
 * holds only what a deployment holds (dist/, and migrations/ and schema/ linked from the tree):
 * no src/, so a start that read the source tree would fail. The hub runs with a guard preloaded
 * that throws on any import or require of tsx, esbuild or Vite (refuse-dev-tools.mjs).
 */
const root = path.resolve(import.meta.dirname, "../..");
const GUARD = path.join(import.meta.dirname, "refuse-dev-tools.mjs");
const tsc = path.join(root, "node_modules/typescript-7/bin/tsc");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };

let deployment: string;
let consoleDir: string;
let hub: ChildProcess | null = null;

beforeAll(() => {
  // Inside the tree, so the compiled files find node_modules as dist/ does.
  mkdirSync(path.join(root, ".tmp"), { recursive: true });
  deployment = mkdtempSync(path.join(root, ".tmp", "production-build-"));
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", path.join(deployment, "dist/server")], {
    cwd: root,
    stdio: "pipe",
  });
  consoleDir = buildConsoleForTest();
  symlinkSync(consoleDir, path.join(deployment, "dist/console"));
  for (const dir of ["migrations", "schema"]) symlinkSync(path.join(root, dir), path.join(deployment, dir));
}, 120_000);

afterAll(() => {
  hub?.kill("SIGKILL");
  rmSync(deployment, { recursive: true, force: true });
  rmSync(consoleDir, { recursive: true, force: true });
});

describe("the production build", () => {
  it("is what npm run build and npm run start:prod run: tsc and Vite, then plain node", () => {
    expect(pkg.scripts.build).toBe("npm run build:server && npm run build:console");
    expect(pkg.scripts["build:server"]).toContain("tsc -p tsconfig.build.json");
    expect(pkg.scripts["start:prod"]).toBe("node dist/server/bin/start.js");
  });

  it("rewrites every relative import to the compiled .js file", () => {
    const files = readdirSync(path.join(deployment, "dist/server"), { recursive: true, encoding: "utf8" });
    const compiled = files.filter((f) => f.endsWith(".js"));
    expect(compiled).toContain(path.join("bin", "start.js"));
    for (const file of compiled) {
      const text = readFileSync(path.join(deployment, "dist/server", file), "utf8");
      expect(text, file).not.toMatch(/\bfrom\s+"\.{1,2}\/[^"]*\.ts"|import\("\.{1,2}\/[^"]*\.ts"\)/);
    }
  });

  it("the guard refuses tsx, esbuild and Vite, by import and by require", () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ["--import", GUARD, ...args], { cwd: root, stdio: "pipe" });
        return "loaded";
      } catch (error) {
        return String((error as { stderr?: Buffer }).stderr);
      }
    };
    expect(run(["--input-type=module", "-e", 'await import("vite")'])).toMatch(/development tool was loaded/);
    expect(run(["--input-type=module", "-e", 'await import("tsx")'])).toMatch(/development tool was loaded/);
    expect(run(["-e", 'require("esbuild")'])).toMatch(/development tool was loaded/);
  });

  it(
    "serves the graph and the console from compiled JavaScript, without tsx or Vite",
    { timeout: 120_000 },
    async () => {
      const child = spawn(process.execPath, ["--import", GUARD, ...pkg.scripts["start:prod"]!.split(" ").slice(1)], {
        cwd: deployment,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          HUB_DATA_DIR: path.join(deployment, "data"),
          PORT: "0",
          HUB_LOG: "off",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      hub = child;
      let output = "";
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString("utf8");
          // The welcome is one console.log: with the URL comes the curl line and every token.
          const found = /GraphQL\s+(http:\/\/\S+\/graphql)/.exec(output)?.[1];
          if (found) resolve(found);
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        void exited.then((code) => reject(new Error(`the hub exited with ${code} before serving:\n${output}`)));
      });
      expect(output).toContain("dev-tool guard: on");

      // The welcome's own example (its curl, as the insurance officer): the token and the demo child's ID number.
      const token = /-H 'authorization: Bearer (\S+)'/.exec(output)?.[1];
      const body = /--data '(.*)'$/m.exec(output)?.[1];
      expect(token, output).toBeTruthy();
      expect(body, output).toBeTruthy();
      const { variables } = JSON.parse(body!) as { variables: { idNumber: string } };
      const answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: body!,
      }).then(
        (r) => r.json() as Promise<{ data?: { childByIdNumber: { idNumber: string } | null }; errors?: unknown }>,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.childByIdNumber?.idNumber).toBe(variables.idNumber);

      const page = await fetch(url.replace(/\/graphql$/, "/console/"));
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script type="module"[^>]*src="\/console\/assets\//);

      child.kill("SIGTERM");
      expect(await exited, output).toBe(0);
      expect(output).not.toMatch(/development tool was loaded/);
      hub = null;
    },
  );
});
