import { latencyStats, type LatencyStats } from "./stats.ts";

export interface TimingOptions {
  runs: number;
  /** Untimed runs first: plans cached, pages in memory, JIT warm. */
  warmup: number;
}

/** Runs `task` warmup + runs times, one after another, and returns the timed runs' figures. */
export async function timeRuns(task: () => Promise<unknown>, options: TimingOptions): Promise<LatencyStats> {
  for (let i = 0; i < options.warmup; i++) await task();
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return latencyStats(times);
}

/**
 * Times several variants of the same work interleaved, run by run (A B C, A B C, …), so a
 * burst of load from a neighbour on the shared machine hits every variant alike and the
 * ratios stay fair.
 */
export async function timeInterleaved<K extends string>(
  tasks: Readonly<Record<K, () => Promise<unknown>>>,
  options: TimingOptions,
): Promise<Record<K, LatencyStats>> {
  const names = Object.keys(tasks) as K[];
  for (let i = 0; i < options.warmup; i++) for (const name of names) await tasks[name]();
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < options.runs; i++) {
    for (const name of names) {
      const started = performance.now();
      await tasks[name]();
      times[name].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((n) => [n, latencyStats(times[n])])) as Record<K, LatencyStats>;
}
