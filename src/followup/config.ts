import { ConfigError } from "../errors.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./backoff.ts";

/**
 * The dispatcher's settings (`npm run dispatch`), from the environment the entry point passes in;
 * every problem is reported at once. A channel without its settings is off: its notifications
 * wait in the outbox.
 *
 *   HUB_WEBHOOK_URL              where webhook notifications are POSTed
 *   HUB_WEBHOOK_SECRET           the HMAC-SHA256 key shared with the receiver, at least 32 bytes
 *   HUB_SMS_GATEWAY_URL          the SMS gateway's send endpoint (HTTP JSON API)
 *   HUB_SMS_API_KEY              the gateway's bearer key
 *   HUB_DISPATCH_TIMEOUT_MS      one attempt's deadline (default 10000)
 *   HUB_DISPATCH_MAX_ATTEMPTS    attempts before a notification is FAILED (default 10)
 *   HUB_DISPATCH_BACKOFF_MS      the delay after the first failure, doubled after each (default 30000)
 *   HUB_DISPATCH_BACKOFF_MAX_MS  the longest delay (default 3600000)
 *   HUB_DISPATCH_BATCH           notifications claimed at a time (default 20)
 *   HUB_DISPATCH_CONCURRENCY     attempts in flight at once (default 4)
 *   HUB_DISPATCH_POLL_MS         sleep when nothing is due (default 1000)
 *   HUB_DISPATCH_LEASE_MS        how long a claim holds (default twice the timeout plus 30 s)
 */
export interface DispatchConfig {
  webhook: { url: string; secret: string } | null;
  sms: { url: string; apiKey: string } | null;
  timeoutMs: number;
  retry: RetryPolicy;
  batchSize: number;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
}

const MIN_SECRET_BYTES = 32;

export function loadDispatchConfig(env: Record<string, string | undefined>): DispatchConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, but got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const url = (name: string) => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    if (!/^https?:\/\//.test(raw)) problems.push(`${name} must be an http:// or https:// URL, but got "${raw}"`);
    return raw;
  };

  const webhookUrl = url("HUB_WEBHOOK_URL");
  const secret = env.HUB_WEBHOOK_SECRET ?? "";
  if (webhookUrl && Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES)
    problems.push(`HUB_WEBHOOK_SECRET must be at least ${MIN_SECRET_BYTES} bytes with HUB_WEBHOOK_URL set`);
  const smsUrl = url("HUB_SMS_GATEWAY_URL");
  const apiKey = env.HUB_SMS_API_KEY ?? "";
  if (smsUrl && apiKey === "") problems.push("HUB_SMS_API_KEY is required with HUB_SMS_GATEWAY_URL set");
  if (!webhookUrl && !smsUrl) problems.push("set HUB_WEBHOOK_URL or HUB_SMS_GATEWAY_URL (or both): no channel is on");

  const timeoutMs = int("HUB_DISPATCH_TIMEOUT_MS", 10_000, 100, 300_000);
  const retry: RetryPolicy = {
    baseMs: int("HUB_DISPATCH_BACKOFF_MS", DEFAULT_RETRY_POLICY.baseMs, 10, 86_400_000),
    maxMs: int("HUB_DISPATCH_BACKOFF_MAX_MS", DEFAULT_RETRY_POLICY.maxMs, 10, 7 * 86_400_000),
    maxAttempts: int("HUB_DISPATCH_MAX_ATTEMPTS", DEFAULT_RETRY_POLICY.maxAttempts, 1, 1_000),
    jitter: DEFAULT_RETRY_POLICY.jitter,
  };
  if (retry.maxMs < retry.baseMs)
    problems.push("HUB_DISPATCH_BACKOFF_MAX_MS must not be below HUB_DISPATCH_BACKOFF_MS");
  const leaseMs = int("HUB_DISPATCH_LEASE_MS", 2 * timeoutMs + 30_000, 1_000, 3_600_000);
  if (leaseMs <= timeoutMs) problems.push("HUB_DISPATCH_LEASE_MS must be longer than HUB_DISPATCH_TIMEOUT_MS");
  const config: DispatchConfig = {
    webhook: webhookUrl ? { url: webhookUrl, secret } : null,
    sms: smsUrl ? { url: smsUrl, apiKey } : null,
    timeoutMs,
    retry,
    batchSize: int("HUB_DISPATCH_BATCH", 20, 1, 1_000),
    concurrency: int("HUB_DISPATCH_CONCURRENCY", 4, 1, 100),
    pollMs: int("HUB_DISPATCH_POLL_MS", 1_000, 10, 600_000),
    leaseMs,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
