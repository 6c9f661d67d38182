/** Latency figures of a series of timed runs, in milliseconds. */
export interface LatencyStats {
  runs: number;
  median: number;
  p95: number;
  /** Completed runs per second over the whole series (one client, one run after another). */
  throughput: number;
}

/**
 * The nearest-rank percentile: the smallest value with at least p of the values at or below it.
 *
 *   percentile([5, 1, 3], 0.5) // 3
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  if (!(p > 0 && p <= 1)) throw new Error(`percentile p must be in (0, 1], but got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Median, p95 and throughput of run times in milliseconds. */
export function latencyStats(times: readonly number[]): LatencyStats {
  const total = times.reduce((sum, t) => sum + t, 0);
  return {
    runs: times.length,
    median: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    throughput: total > 0 ? times.length / (total / 1000) : 0,
  };
}

/** A ratio of two medians, or null when the baseline is missing or zero. */
export function ratio(value: number, baseline: number | null | undefined): number | null {
  if (baseline === null || baseline === undefined || !(baseline > 0)) return null;
  return value / baseline;
}
