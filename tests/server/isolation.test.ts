import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers } from "../../src/access/identity/demo.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import type { SubgraphName } from "../../src/graphql/subgraph.ts";
import { signatureHeaders, SIGNATURE_HEADER } from "../../src/server/signature.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { startRemoteHub, startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * Subgraph servers answer the gateway only: over real loopback HTTP, a direct call without the
 * gateway's signature is refused, and identity headers a client sends the gateway never reach a
 * subgraph nor change who the caller is.
 */
describe("subgraph isolation over HTTP", () => {
  let hub: TestHub;
  let direct: RunningHttpServer;
  let stopDirect: () => Promise<void>;
  const hardening = testHardening();
  const query = JSON.stringify({ query: `{ childrenInRegion(region: "33", first: 2) { edges { node { id } } } }` });

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 100 });
    const server = await createSubgraphServer(SUBGRAPHS.hub, hub.database.db, testAuth, { hardening });
    direct = await server.listen(0);
    stopDirect = server.stop;
  }, 120_000);
  afterAll(async () => {
    await direct?.close();
    await stopDirect?.();
    await hub?.close();
  });

  const post = (url: string, headers: Record<string, string>, body = query) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it(
    "refuses a direct call without the gateway's signature, even with a valid token, " + "before running anything",
    async () => {
      hub.resetStatements();
      const response = await post(
        direct.url,
        await headersFor({ subject: "insider", role: "insurance_officer", scope: { region: "33" } }),
      );
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe("GATEWAY_SIGNATURE_INVALID");
      expect(body.errors[0]!.message).toMatch(
        /^subgraph hub refused the request: the request has no gateway signature/,
      );
      expect(hub.statements()).toBe(0);
    },
  );

  it(
    "refuses a forged, stale or replayed-with-another-token signature with 403, " +
      "and answers a correctly signed one",
    async () => {
      const token = await headersFor({ subject: "insider", role: "insurance_officer", scope: { region: "33" } });
      const signed = (overrides: { key?: Uint8Array; at?: number; authorization?: string } = {}) =>
        signatureHeaders(
          overrides.key ?? hardening.gatewaySecret!,
          {
            method: "POST",
            path: "/graphql",
            body: query,
            authorization: overrides.authorization ?? token.authorization,
            purpose: null,
            requestId: null,
          },
          overrides.at ?? Date.now(),
        );
      const forged = await post(direct.url, {
        ...token,
        ...signed({ key: new TextEncoder().encode("attacker-key-".repeat(3)) }),
      });
      expect(forged.status).toBe(403);
      expect(((await forged.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
        /does not match the request/,
      );
      expect((await post(direct.url, { ...token, ...signed({ at: Date.now() - 5 * 60_000 }) })).status).toBe(403);
      const other = await headersFor({ subject: "someone-else", role: "insurance_officer", scope: { region: "33" } });
      expect((await post(direct.url, { ...other, ...signed() })).status).toBe(403);

      const ok = await post(direct.url, { ...token, ...signed() });
      expect(ok.status).toBe(200);
      expect(
        ((await ok.json()) as { data: { childrenInRegion: { edges: unknown[] } } }).data.childrenInRegion.edges,
      ).toHaveLength(2);
    },
  );

  it("answers unsigned calls only when configured to (HUB_SUBGRAPH_ALLOW_UNSIGNED=true)", async () => {
    const server = await createSubgraphServer(SUBGRAPHS.hub, hub.database.db, testAuth, {
      hardening: testHardening({ HUB_SUBGRAPH_ALLOW_UNSIGNED: "true" }),
    });
    const open = await server.listen(0);
    try {
      const response = await post(
        open.url,
        await headersFor({ subject: "insider", role: "insurance_officer", scope: { region: "33" } }),
      );
      expect(response.status).toBe(200);
    } finally {
      await open.close();
      await server.stop();
    }
  });

  it(
    "signs what the gateway forwards, and drops identity headers a client forged: " + "the token alone says who asks",
    async () => {
      const seen: { subgraph: SubgraphName; headers: Headers }[] = [];
      const remote = await startRemoteHub(hub.database, (subgraph, headers) => seen.push({ subgraph, headers }));
      try {
        const anchor = await demoAnchorFromDatabase(hub.database.db);
        const analyst = await headersFor(demoViewers(anchor).analyst);
        const forged = {
          "x-user": "demo-insurance-officer",
          "x-role": "insurance_officer",
          "x-hub-role": "insurance_officer",
          "x-hub-viewer": JSON.stringify({ role: "insurance_officer", scope: { region: "33" } }),
          "x-forwarded-user": "demo-insurance-officer",
          "x-hub-gateway-signature": "v1=" + "0".repeat(64),
          "x-hub-gateway-timestamp": String(Date.now()),
        };
        const response = await post(
          remote.gatewayHttp.url,
          { ...analyst, ...forged },
          JSON.stringify({
            query:
              `{ childrenInRegion(region: "33", first: 2) { edges { node { id name } } } ` +
              `schools(region: "33", first: 1) { edges { node { code } } } }`,
          }),
        );
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          data: { childrenInRegion: unknown; schools: { edges: unknown[] } };
          errors?: { extensions: { code: string } }[];
        };
        // The analyst may read schools but no child, whatever the headers claim.
        expect(body.data.schools.edges).toHaveLength(1);
        expect(body.data.childrenInRegion).toBeNull();
        expect(body.errors?.map((e) => e.extensions.code)).toContain("FORBIDDEN");

        expect(seen.length).toBeGreaterThan(0);
        for (const { headers } of seen) {
          for (const name of ["x-user", "x-role", "x-hub-role", "x-hub-viewer", "x-forwarded-user"])
            expect(headers.get(name), name).toBeNull();
          expect(headers.get(SIGNATURE_HEADER)).toMatch(/^v1=[0-9a-f]{64}$/);
          expect(headers.get(SIGNATURE_HEADER)).not.toBe(forged["x-hub-gateway-signature"]);
          expect(headers.get("authorization")).toBe(analyst.authorization);
        }
      } finally {
        await remote.close();
      }
    },
  );
});
