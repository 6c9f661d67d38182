import { log as hubLog } from "../log.ts";

/**
 * How a server process stops on SIGTERM (an orchestrator, `kill`) or SIGINT (Ctrl-C): in the
 * reverse order it started, each step awaited. The HTTP server stops accepting and lets requests
 * in flight finish within the grace (HUB_SHUTDOWN_GRACE_MS), Apollo stops, the database closes
 * (PGlite writes its shutdown checkpoint, so the next start needs no recovery, and releases its
 * directory's lock; a pool ends its connections), the logs are flushed, and the process exits 0.
 *
 *   const stopping = stopOnSignals({ graceMs: config.shutdownGraceMs });
 *   const database = await openMigratedDatabase(config);
 *   stopping.defer("database", () => database.close());
 *   const running = await gateway.listen(port);
 *   stopping.defer("gateway", () => gateway.stop());
 *   stopping.defer("http", () => running.drain(config.shutdownGraceMs));
 *   stopping.ready();
 *
 * A signal before `ready()` (migrating, seeding the demo) exits at once with 1: stopping a
 * half-done start-up in order is not worth its risk, and PGlite recovers from its write-ahead
 * log on the next start. A second signal while stopping is only noted (a terminal's Ctrl-C
 * reaches `tsx` and the hub both); a stop that overruns the grace by `overrunMs` exits with 1.
 */
export interface Stopping {
  /** Adds a step; steps run last-added first. */
  defer(name: string, step: () => Promise<unknown>): void;
  /** Start-up is done: from now on a signal stops in order. */
  ready(): void;
  /** Stops as a signal would (tests, or an entry point that decides to stop). */
  stop(reason: string): Promise<never>;
}

export interface StopOptions {
  graceMs: number;
  /** How much longer than the grace the whole stop may take before the process exits with 1. */
  overrunMs?: number;
  log?: (line: string) => void;
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** Where the stop's lines go by default: the hub's logger, as JSON lines. */
const shutdownLog = () => hubLog().child({ component: "shutdown" });

export function stopOnSignals({
  graceMs,
  overrunMs = 10_000,
  log = (line) => shutdownLog().info(line),
}: StopOptions): Stopping {
  const steps: { name: string; step: () => Promise<unknown> }[] = [];
  let started = false;
  let stopping: Promise<never> | null = null;

  const stop = (reason: string): Promise<never> =>
    (stopping ??= (async () => {
      log(`${reason}: stopping; requests in flight have up to ${graceMs} ms to finish (HUB_SHUTDOWN_GRACE_MS)`);
      const watchdog = setTimeout(() => {
        shutdownLog().error(`the stop took longer than ${graceMs + overrunMs} ms: exiting without finishing it`);
        process.exit(1);
      }, graceMs + overrunMs);
      watchdog.unref();
      let code = 0;
      for (const { name, step } of steps.reverse()) {
        try {
          // Logged once the step has begun (the HTTP server has stopped listening by then): a
          // watcher that reads this line and connects is refused.
          const pending = step();
          log(`${name}: stopping`);
          const result = await pending;
          const cut = (result as { cut?: number } | undefined)?.cut;
          if (cut) log(`${name}: ${cut} request(s) still running after ${graceMs} ms were cut off`);
        } catch (error) {
          code = 1;
          shutdownLog().error({ err: error }, `${name}: could not stop cleanly`);
        }
      }
      log(code === 0 ? "stopped cleanly" : "stopped, not cleanly (above)");
      await flush(process.stdout);
      await flush(process.stderr);
      process.exit(code);
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return log(`${signal} again: already stopping (SIGKILL stops at once, uncleanly)`);
    if (!started) {
      log(`${signal} during start-up: exiting at once`);
      process.exit(1);
    }
    void stop(`received ${signal}`);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  return {
    defer: (name, step) => void steps.push({ name, step }),
    ready: () => void (started = true),
    stop,
  };
}

/** Resolves once what was written to `stream` so far has been handed to the OS (a pipe to a log shipper). */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
