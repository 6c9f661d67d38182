import { resourceUsage } from "node:process";

/**
 * Samples this process's resident set size every 50 ms between start and stop: the peak of
 * one scenario, not of the whole run (resourceUsage().maxRSS only ever grows).
 */
export function startRssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** The process's peak RSS since it started, in bytes. */
export function lifetimePeakRss(): number {
  return resourceUsage().maxRSS * 1024;
}
