import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Runs a bench kit file as its own process (same Node flags, so tsx loads TypeScript), with
 * `env` added to this process's environment, and resolves with the JSON of the last line it
 * prints: how the load generators run beside the server they load without sharing its event loop.
 *
 *   await runJsonChild<LoadResult>(new URL("./load-client.ts", import.meta.url), "the load client", { … })
 */
export function runJsonChild<T>(file: URL, what: string, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(file)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${what} exited with ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${what} printed no result: ${out.slice(-500)}`));
      }
    });
  });
}
