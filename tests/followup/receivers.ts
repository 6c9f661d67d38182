import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../../src/followup/signing.ts";

/**
 * Local HTTP stand-ins for the receivers of the outbox, started by the tests: a webhook receiver
 * that verifies each request's HMAC and applies each idempotency key once, and an SMS gateway
 * that applies each client reference once. Both count what arrived on the wire and what took
 * effect, per key. A test steers their answers with `answer`: a status, a delay, or "hang" (no
 * answer at all, so the sender times out).
 */
export type Answer = { status: number; delayMs?: number; headers?: Record<string, string> } | "hang";

export interface StandIn {
  readonly url: string;
  /** Requests per key that arrived with a valid signature (or key), duplicates included. */
  readonly arrivals: Map<string, number>;
  /** Effects per key: applied once per key, however often it arrives (the receiver deduplicates). */
  readonly effects: Map<string, number>;
  /** Requests refused as unsigned, badly signed or malformed. */
  readonly refused: string[];
  /** What the next request for a key gets (default: 200 at once). Called for each valid request. */
  answer: (key: string, arrival: number) => Answer;
  /** Called on every valid request as it arrives, before it is answered. */
  onArrival: (() => void) | null;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    }),
  );
}

function makeStandIn(
  check: (req: IncomingMessage, body: string) => { key: string; detail?: unknown } | { refused: string },
  onEffect?: (key: string, detail: unknown) => void,
): Promise<StandIn> {
  const hanging = new Set<ServerResponse>();
  const self = {
    arrivals: new Map<string, number>(),
    effects: new Map<string, number>(),
    refused: [] as string[],
    answer: (() => ({ status: 200 })) as StandIn["answer"],
    onArrival: null as (() => void) | null,
  };
  return listen((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const checked = check(req, body);
      if ("refused" in checked) {
        self.refused.push(checked.refused);
        res.writeHead(401).end();
        return;
      }
      const arrival = (self.arrivals.get(checked.key) ?? 0) + 1;
      self.arrivals.set(checked.key, arrival);
      self.onArrival?.();
      const answer = self.answer(checked.key, arrival);
      if (answer === "hang") {
        hanging.add(res);
        res.once("close", () => hanging.delete(res));
        return;
      }
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      // The effect happens when the receiver answers 2xx, once per key (its own dedup): a repeat
      // of a key already applied is acknowledged and changes nothing.
      if (answer.status >= 200 && answer.status < 300 && !self.effects.has(checked.key)) {
        self.effects.set(checked.key, 1);
        onEffect?.(checked.key, checked.detail);
      }
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end("{}");
    })();
  }).then(({ server, url }) =>
    Object.assign(self, {
      url,
      close: () =>
        new Promise<void>((resolve) => {
          for (const res of hanging) res.destroy();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    }),
  );
}

/** A webhook receiver that verifies the HMAC signature and the idempotency key against the body. */
export function startWebhookReceiver(secret: string): Promise<StandIn & { bodies: Map<string, unknown> }> {
  const bodies = new Map<string, unknown>();
  return makeStandIn(
    (req, body) => {
      const failure = verifyWebhook(
        secret,
        { timestamp: header(req, TIMESTAMP_HEADER), signature: header(req, SIGNATURE_HEADER) },
        body,
        Math.floor(Date.now() / 1000),
      );
      if (failure) return { refused: failure };
      const key = header(req, IDEMPOTENCY_HEADER);
      let parsed: { idempotencyKey?: unknown };
      try {
        parsed = JSON.parse(body) as { idempotencyKey?: unknown };
      } catch {
        return { refused: "body is not JSON" };
      }
      if (!key || parsed.idempotencyKey !== key) return { refused: "Idempotency-Key does not match the body" };
      return { key, detail: parsed };
    },
    (key, detail) => bodies.set(key, detail),
  ).then((standIn) => Object.assign(standIn, { bodies }));
}

/** An SMS gateway's HTTP JSON API: bearer key, `clientReference` deduplicated, the number kept per key. */
export function startSmsGateway(apiKey: string): Promise<StandIn & { numbers: Map<string, string> }> {
  const numbers = new Map<string, string>();
  return makeStandIn(
    (req, body) => {
      if (req.headers.authorization !== `Bearer ${apiKey}`) return { refused: "bad api key" };
      let parsed: { clientReference?: unknown; to?: unknown; template?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return { refused: "body is not JSON" };
      }
      if (
        typeof parsed.clientReference !== "string" ||
        typeof parsed.to !== "string" ||
        typeof parsed.template !== "string"
      )
        return { refused: "clientReference, to and template are required" };
      return { key: parsed.clientReference, detail: parsed.to };
    },
    (key, to) => numbers.set(key, to as string),
  ).then((standIn) => Object.assign(standIn, { numbers }));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
