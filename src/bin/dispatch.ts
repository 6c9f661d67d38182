import { parseArgs } from "node:util";
import { loadConfig } from "../config/index.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { loadDispatchConfig } from "../followup/config.ts";
import { recordsPhoneDirectory } from "../followup/directory.ts";
import { dispatcherName, runDispatcher } from "../followup/dispatcher.ts";
import { releaseAllClaims } from "../followup/outbox.ts";
import { createSmsAdapter } from "../followup/sms.ts";
import { createWebhookAdapter } from "../followup/webhook.ts";
import type { DeliveryAdapter } from "../followup/adapter.ts";
import { configureLogging, log } from "../log.ts";

const USAGE = `usage: npm run dispatch -- [--exit-when-done]
  runs until SIGTERM or SIGINT; --exit-when-done: exits 0 once no notification is pending
  settings from the environment (README, "Follow-up")`;

/**
 * The outbox's dispatcher: delivers due notifications through the configured channels until
 * stopped. SIGTERM or SIGINT stops it gracefully (no new claim; the attempts in flight finish and
 * are recorded; the database is closed; exit 0); a second signal exits at once. Killed outright,
 * it loses nothing: what it had claimed is sent again by the next dispatcher, with the same
 * idempotency keys (src/followup/outbox.ts says why that is exactly once in effect).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      "exit-when-done": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const config = loadConfig(process.env, process.cwd(), (m) => log().warn(m));
  configureLogging({ level: config.observability.logLevel });
  const dispatch = loadDispatchConfig(process.env);

  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log().warn({ signal }, "second signal: exiting without waiting for attempts in flight");
      process.exit(1);
    }
    log().info({ signal }, "dispatcher stopping: finishing the attempts in flight");
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const database = await openMigratedDatabase(config, { warn: (m) => log().warn(m) });
  try {
    // One process holds a PGlite directory: a claim found there belongs to a dispatcher that died.
    if (database.kind === "pglite") {
      const freed = await releaseAllClaims(database.db);
      if (freed > 0) log().warn({ freed }, "freed the claims of a dispatcher that stopped without finishing");
    }
    const adapters: DeliveryAdapter[] = [];
    if (dispatch.webhook) adapters.push(createWebhookAdapter({ ...dispatch.webhook, timeoutMs: dispatch.timeoutMs }));
    if (dispatch.sms)
      adapters.push(
        createSmsAdapter({
          ...dispatch.sms,
          timeoutMs: dispatch.timeoutMs,
          directory: recordsPhoneDirectory(database.db),
        }),
      );
    const name = dispatcherName();
    log().info({ dispatcher: name, channels: adapters.map((a) => a.channel) }, "dispatcher started");
    if (!stop.signal.aborted)
      await runDispatcher(
        {
          db: database.db,
          adapters,
          retry: dispatch.retry,
          batchSize: dispatch.batchSize,
          concurrency: dispatch.concurrency,
          leaseMs: dispatch.leaseMs,
          pollMs: dispatch.pollMs,
          name,
          exitWhenDone: values["exit-when-done"],
          onBatch: (summary) => log().info({ dispatcher: name, ...summary }, "dispatch batch"),
          onError: (error) => log().error({ err: error }, "dispatch batch failed; trying again"),
        },
        stop.signal,
      );
  } finally {
    await database.close();
  }
  log().info("dispatcher stopped");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
