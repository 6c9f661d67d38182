import { spawn } from "node:child_process";

/**
 * A province of a million children is millions of records in memory: a benchmark runs itself
 * again in a child process with a heap large enough, and a larger young generation (fewer,
 * cheaper garbage collections for the many short-lived objects of normalisation).
 */
const V8_FLAGS = ["--max-old-space-size=16384", "--max-semi-space-size=64"];

/** True in the parent (which only waits for the child and exits with its code); false in the child, which does the work. */
export function relaunchWithFlags(): boolean {
  if (process.env.HUB_BENCH_CHILD === "1") return false;
  const child = spawn(process.execPath, [...process.execArgv, ...V8_FLAGS, process.argv[1]!, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, HUB_BENCH_CHILD: "1" },
  });
  child.on("exit", (code) => process.exit(code ?? 1));
  return true;
}
