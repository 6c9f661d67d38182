/** Stage times so far, and the two ways to end a stage (see stageTimer). */
export interface StageTimer {
  ms: Record<string, number>;
  lap: (stage: string) => void;
  restart: () => void;
}

/**
 * Milliseconds per stage of a long computation, for benchmarks (where a run's time goes):
 * `lap(stage)` ends the stage running since the last lap (or since the timer started).
 *
 *   const timer = stageTimer();
 *   … timer.lap("exact links");
 *   … timer.lap("grouping");
 *   timer.ms; // { "exact links": 2012, grouping: 301 }
 */
export function stageTimer(): StageTimer {
  const ms: Record<string, number> = {};
  let started = performance.now();
  return {
    ms,
    lap(stage: string) {
      const now = performance.now();
      ms[stage] = Math.round(now - started);
      started = now;
    },
    /** Starts the next stage now (time since the last lap counted nowhere). */
    restart() {
      started = performance.now();
    },
  };
}
