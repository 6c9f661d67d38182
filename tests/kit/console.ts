import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

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
