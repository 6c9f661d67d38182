import { spawn } from "node:child_process";

/**
 * A province of a million children is millions of records in memory: a benchmark runs itself
 * again in a child process with a heap large enough, and a larger young generation (fewer,
 * cheaper garbage collections for the many short-lived objects of normalisation).
 *
 * The full collections of a 2–5 GB heap during matching are not started by the old generation's
 * limit but by "external memory pressure" (--trace-incremental-marking): every 64 MB of new
 * typed-array backing stores since the last full GC starts one. On a busy 2-core machine the
 * concurrent marking threads get no core, so each ends in a 2–8 s pause doing all the marking.
 * - --single-threaded-gc (dropped since, see below): marking runs in incremental steps on the main
 *   thread instead of being handed to threads that never run; a cycle then spans more allocation.
 * - --initial-old-space-size=8192: no full GCs while the old generation grows during the read.
 * - --max-semi-space-size=128: half the scavenges (~400 instead of ~770), less promoted.
 * 1M children (6.56M records), runs alternated at load 1.5–6 (3 each): these flags 147–167 s
 * link (match 57–65 s), 3 Mark-Compacts, 5.7–7.6 s of atomic pauses, node CPU 125–133 s; the
 * previous two flags 175–215 s (match 71–95 s), 9–10 Mark-Compacts, 20–29 s of pauses, CPU
 * 157–168 s. Peak RSS unchanged (~6.1–6.5 GB). --heap-growing-percent=100 changed nothing (it
 * is not the old generation's limit that starts these GCs). --initial-old-space-size and
 * --single-threaded-gc are not allowed in NODE_OPTIONS: pass them on node's command line.
 * Since then the matcher takes its typed arrays from one buffer (src/linkage/arena.ts), which
 * removed four of those five collections. Tried again then (1M, quiet machine): without
 * --single-threaded-gc 119 s against 124 s but 121 s of CPU against 105 s (kept); --single-generation
 * and --minor-mc made the read slower (45 s and 75 s against 36 s).
 * 2026-11-25, 1M, load 0–1.6: with one full collection left, the scavenges (about 16 s of pauses
 * over read and match, 127 in the match alone) are what --single-threaded-gc costs, and the second
 * core is idle through the match: without it 88.6 s against 100.8 s, with the same node CPU
 * (83.1 s against 84.5 s), so it is dropped. --max-semi-space-size 64 / 128 / 256: 88.9 / 88.6 /
 * 86.2 s (noise), 256 with 400 MB more resident: 128 kept.
 * HUB_BENCH_V8_FLAGS replaces these flags for such trials.
 *
 * 2026-12-06: the engine now keeps a province in typed arrays (a heap of a few hundred MB), and
 * these flags no longer make a difference that shows through the machine's noise (1M, two runs
 * each, alternated: 41.6–44.3 s with them, 43.9–58.6 s without). What does: transparent huge
 * pages for the large typed arrays. The child runs with glibc's malloc asked to use them
 * (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, glibc 2.35 and later; older ones ignore it): the
 * matcher's random reads of a gigabyte of arrays then miss the TLB far less (a radix sort of 10
 * million keys 2.1 s → 1.2–1.5 s; 1M match 19–21 s → 14.5–15.4 s, back to back). An operator can
 * run a whole-province link the same way.
 */
const V8_FLAGS = process.env.HUB_BENCH_V8_FLAGS
  ? process.env.HUB_BENCH_V8_FLAGS.split(" ")
  : ["--max-old-space-size=16384", "--max-semi-space-size=128", "--initial-old-space-size=8192"];

/**
 * True in the parent (which only waits for the child and exits with its code); false in the
 * child, which does the work, with the V8 flags above and, unless set already, GLIBC_TUNABLES.
 */
export function relaunchWithFlags(): boolean {
  if (process.env.HUB_BENCH_CHILD === "1") return false;
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...V8_FLAGS, process.argv[1]!, ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env: { GLIBC_TUNABLES: "glibc.malloc.hugetlb=1", ...process.env, HUB_BENCH_CHILD: "1" },
    },
  );
  child.on("exit", (code) => process.exit(code ?? 1));
  return true;
}
