import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { signatureHeaders } from "../../src/server/signature.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * A subgraph server behind another router (or a gateway that forwards labels as they came)
 * gets `x-request-id` and `x-purpose` straight from a client: it checks them as the gateway
 * does before they reach its access log.
 */
describe("the labels a subgraph server stores", () => {
  let hub: TestHub;
  let subgraph: RunningHttpServer;
  let stop: () => Promise<void>;
  const hardening = testHardening();
  const officer = { subject: "labels-officer", role: "insurance_officer", scope: { region: "33" } } as const;
  const query = JSON.stringify({ query: `{ childrenInRegion(region: "33", first: 2) { edges { node { id } } } }` });

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 50 });
    const server = await createSubgraphServer(SUBGRAPHS.hub, hub.database.db, testAuth, { hardening });
    subgraph = await server.listen(0);
    stop = server.stop;
  }, 120_000);
  afterAll(async () => {
    await subgraph?.close();
    await stop?.();
    await hub?.close();
  });

  /** Sends the query signed by the gateway's key, with these labels exactly as given. */
  async function send(requestId: string, purpose: string) {
    const authorization = (await headersFor(officer)).authorization!;
    const signed = signatureHeaders(
      hardening.gatewaySecret!,
      { method: "POST", path: "/graphql", body: query, authorization, purpose, requestId },
      Date.now(),
    );
    const response = await fetch(subgraph.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization,
        "x-request-id": requestId,
        "x-purpose": purpose,
        ...signed,
      },
      body: query,
    });
    expect(response.status).toBe(200);
    const [row] = await queryRows<{ request_id: string; purpose: string | null }>(
      hub.database.db,
      sql`select request_id, purpose from audit.access_log where actor = ${officer.subject}
          order by at desc, id desc limit 1`,
    );
    return row!;
  }

  it("#18.27 replaces a request id that is not one, and keeps a purpose to one line of 200 characters", async () => {
    const cases = [
      { requestId: "330106201501010011", purpose: "check\tthe\tchild" },
      { requestId: "id with spaces", purpose: "p".repeat(5_000) },
      { requestId: "x".repeat(200), purpose: "why:\tbecause" },
    ];
    for (const { requestId, purpose } of cases) {
      const stored = await send(requestId, purpose);
      expect(stored.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(stored.purpose ?? "").not.toMatch(/[\r\n\t]/);
      expect((stored.purpose ?? "").length).toBeLessThanOrEqual(200);
    }
    // Plain labels are kept as they are.
    expect(await send("req-2026.11.25:42", "school enrollment check")).toEqual({
      request_id: "req-2026.11.25:42",
      purpose: "school enrollment check",
    });
  });
});
