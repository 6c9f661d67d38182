import type { DeliveryAdapter, OutgoingNotification } from "./adapter.ts";
import { postOnce } from "./adapter.ts";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from "./signing.ts";

export interface WebhookOptions {
  /** Where every webhook notification is POSTed (the province's integration endpoint routes by recipient). */
  url: string;
  /** The HMAC-SHA256 key shared with the receiver. */
  secret: string;
  timeoutMs: number;
}

/**
 * The body of a webhook notification: the same bytes on every attempt (the attempt number is a
 * header), so a receiver may compare a repeat with the original.
 */
export function webhookBody(n: OutgoingNotification): string {
  return JSON.stringify({
    idempotencyKey: n.idempotencyKey,
    kind: n.kind,
    recipient: { actor: n.recipientActor, code: n.recipientCode },
    itemId: n.itemId,
    payload: n.payload,
  });
}

/**
 * Delivers notifications as signed webhook POSTs: JSON body, `Idempotency-Key`, `X-Hub-Timestamp`
 * and `X-Hub-Signature-256` (signing.ts), one attempt per call with a timeout. A 2xx answer
 * delivers; 5xx, 408, 425, 429, a timeout or a network failure are retried by the dispatcher with
 * backoff; any other 4xx is a refusal (classify.ts).
 *
 *   const webhook = createWebhookAdapter({ url: "https://bus.example/hub", secret, timeoutMs: 10_000 });
 */
export function createWebhookAdapter(options: WebhookOptions): DeliveryAdapter {
  return {
    channel: "webhook",
    deliver: (n) => {
      const body = webhookBody(n);
      const timestamp = Math.floor(Date.now() / 1000);
      return postOnce(options.url, {
        body,
        timeoutMs: options.timeoutMs,
        headers: {
          "content-type": "application/json",
          [IDEMPOTENCY_HEADER]: n.idempotencyKey,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(options.secret, timestamp, body),
          "x-hub-delivery-attempt": String(n.attempt),
        },
      });
    },
  };
}
