import type { AttemptResult, DeliveryAdapter, OutgoingNotification } from "./adapter.ts";
import { postOnce } from "./adapter.ts";

/**
 * Where an SMS goes: the recipient's mobile number, looked up when the message is sent and never
 * stored in the outbox, the delivery log or a log line. Null: no number on record.
 */
export interface PhoneDirectory {
  phoneOf(actor: string, code: string): Promise<string | null>;
}

export interface SmsGatewayOptions {
  /** The gateway's send endpoint (HTTP JSON API). */
  url: string;
  /** Sent as `Authorization: Bearer …`. */
  apiKey: string;
  timeoutMs: number;
  directory: PhoneDirectory;
}

/**
 * The JSON an SMS gateway receives: a template and its parameters (the gateway holds the approved
 * wording, as Chinese SMS gateways require), the number, and the client reference — the
 * notification's idempotency key, by which the gateway recognises a message it already has.
 */
export function smsRequest(n: OutgoingNotification, to: string): Record<string, unknown> {
  return {
    clientReference: n.idempotencyKey,
    to,
    template: typeof n.payload.template === "string" ? n.payload.template : `HUB_${n.kind}`,
    params: n.payload,
  };
}

/**
 * Delivers notifications through an SMS gateway's HTTP JSON API (one attempt per call, with a
 * timeout). 2xx, or 409 for a client reference the gateway already accepted, delivers; 5xx, 408,
 * 425, 429, timeouts and network failures are retried by the dispatcher; a recipient without a
 * number on record, or any other 4xx, is a refusal.
 */
export function createSmsAdapter(options: SmsGatewayOptions): DeliveryAdapter {
  return {
    channel: "sms",
    deliver: async (n): Promise<AttemptResult> => {
      const to = await options.directory.phoneOf(n.recipientActor, n.recipientCode);
      if (!to)
        return {
          outcome: "REJECTED",
          httpStatus: null,
          error: `no mobile number on record for ${n.recipientActor} ${n.recipientCode}`,
          retryAfterMs: null,
        };
      return postOnce(options.url, {
        body: JSON.stringify(smsRequest(n, to)),
        timeoutMs: options.timeoutMs,
        conflictMeansDelivered: true,
        headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
      });
    },
  };
}
