import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers, type DemoAnchor } from "../../src/access/identity/demo.ts";
import type { Role } from "../../src/access/identity/viewer.ts";
import { defaultAsOf } from "../../src/coverage/as-of.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { signatureHeaders } from "../../src/server/signature.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { configProblemsOf } from "../kit/config.ts";
import { startRemoteHub, startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { makeTestPki, type TestPki } from "../kit/tls.ts";
import { killIfRunning, runEntryPoint, type HubProcess } from "./processes.ts";

/**
 * Mutual TLS between routers and subgraph servers (README, "Behind another router"): a subgraph
 * server admits a request whose client certificate chains to its router CA as it admits one the
 * hub's gateway signed, refuses everything else before running it, and takes the caller's
 * identity from the verified token alone. The hub's gateway and a third-party router (Hive
 * Gateway, its own process) both serve the supergraph over mTLS-only subgraphs, with identical
 * answers to the role operations of tests/operations/.
 */

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** A POST over HTTPS that trusts the hub's CA, presenting `client`'s certificate when given. */
function postTls(
  url: string,
  body: string,
  headers: Record<string, string>,
  tls: { ca: Buffer; cert?: Buffer; key?: Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
        ...tls,
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.once("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer["body"] }));
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

describe("subgraph servers over mutual TLS", () => {
  let hub: TestHub;
  let anchor: DemoAnchor;
  let pki: TestPki;

  beforeAll(async () => {
    pki = makeTestPki();
    // As npm start does: the province as of today, the date the operations (no asOf) ask about.
    hub = await startTestHub("pglite", { children: 300, seed: 3, asOf: defaultAsOf() });
    anchor = await demoAnchorFromDatabase(hub.database.db);
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    pki?.remove();
  });

  const doctor = () => headersFor(demoViewers(anchor).family_doctor);
  const patientQuery = () =>
    JSON.stringify({
      query: "query($id: String!) { childByIdNumber(idNumber: $id) { id name } }",
      variables: { id: anchor.idNumber },
    });

  describe("one subgraph server: a verified router certificate or the gateway's signature, nothing else", () => {
    let server: RunningHttpServer;
    let stop: () => Promise<void>;
    // Development mode: the gateway key is derived, so signatures are accepted beside certificates.
    const hardening = () => testHardening(pki.subgraphEnv);

    beforeAll(async () => {
      const subgraph = await createSubgraphServer(SUBGRAPHS.hub, hub.database.db, testAuth, {
        hardening: hardening(),
      });
      server = await subgraph.listen(0);
      stop = subgraph.stop;
    });
    afterAll(async () => {
      await server?.close();
      await stop?.();
    });

    const refusesStrangers =
      "refuses, before running anything, a caller without a client certificate " +
      "and one whose certificate another CA signed";
    it(refusesStrangers, async () => {
      hub.resetStatements();
      const noCertificate = await postTls(server.url, patientQuery(), await doctor(), { ca: pki.ca });
      const stranger = await postTls(server.url, patientQuery(), await doctor(), {
        ca: pki.ca,
        cert: pki.stranger.cert,
        key: pki.stranger.key,
      });
      for (const answer of [noCertificate, stranger]) {
        expect(answer.status).toBe(401);
        expect(answer.body.data).toBeUndefined();
        expect(answer.body.errors![0]!.extensions?.code).toBe("GATEWAY_SIGNATURE_INVALID");
        expect(answer.body.errors![0]!.message).toMatch(
          /^subgraph hub refused the request: the request has no gateway signature .*; no verified client certificate/,
        );
      }
      expect(noCertificate.body.errors![0]!.message).toMatch(/\(no client certificate\)/);
      expect(stranger.body.errors![0]!.message).toMatch(/\(client certificate not accepted: \w+/);
      expect(hub.statements()).toBe(0);
    });

    it("answers the router's certificate unsigned, and a signed request without a certificate", async () => {
      const headers = await doctor();
      const certified = await postTls(server.url, patientQuery(), headers, pki.routerTls);
      const body = patientQuery();
      const signed = await postTls(
        server.url,
        body,
        {
          ...headers,
          ...signatureHeaders(
            hardening().gatewaySecret!,
            {
              method: "POST",
              path: "/graphql",
              body,
              authorization: headers.authorization,
              purpose: null,
              requestId: null,
            },
            Date.now(),
          ),
        },
        { ca: pki.ca },
      );
      expect(certified.status).toBe(200);
      expect(certified.body.errors).toBeUndefined();
      const child = (certified.body.data!.childByIdNumber as { name: string } | null)!;
      expect(child.name).toEqual(expect.any(String));
      expect(signed).toEqual(certified);
    });

    it("refuses a forged signature from a caller without a certificate with 403", async () => {
      const answer = await postTls(
        server.url,
        patientQuery(),
        {
          ...(await doctor()),
          "x-hub-gateway-signature": `v1=${"0".repeat(64)}`,
          "x-hub-gateway-timestamp": `${Date.now()}`,
        },
        { ca: pki.ca, cert: pki.stranger.cert, key: pki.stranger.key },
      );
      expect(answer.status).toBe(403);
      expect(answer.body.errors![0]!.message).toMatch(/does not match the request/);
    });

    const identity =
      "takes identity from the verified token only: a certified router's identity headers without a token give nothing";
    it(identity, async () => {
      const posing = {
        "x-user": "doctor-1",
        "x-role": "insurance_officer",
        "x-hub-viewer": JSON.stringify(demoViewers(anchor).insurance_officer),
        "x-forwarded-user": "insurance_officer",
      };
      const answer = await postTls(server.url, patientQuery(), posing, pki.routerTls);
      expect(answer.status).toBe(200);
      expect(answer.body.data?.childByIdNumber ?? null).toBeNull();
      expect(answer.body.errors!.map((e) => e.extensions?.code)).toContain("FORBIDDEN");
      // A token that is not the hub's is refused outright, certificate or not.
      const forged = await postTls(
        server.url,
        patientQuery(),
        { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYXVkaXRvciJ9." },
        pki.routerTls,
      );
      expect(forged.body.errors![0]!.extensions?.code).toBe("UNAUTHENTICATED");
      expect(forged.body.data ?? null).toBeNull();
    });

    it("serves only HTTPS, and answers health probes, which carry no certificate", async () => {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
      await expect(fetch(server.url.replace("https:", "http:"), { method: "POST", body: "{}" })).rejects.toThrow();
      const probe = await new Promise<number>((resolve, reject) =>
        request(server.url.replace(/graphql$/, "healthz"), { ca: pki.ca, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .once("error", reject)
          .end(),
      );
      expect(probe).toBe(200);
    });
  });

  describe("routers over mTLS-only subgraphs (production mode: no gateway key, no signature accepted)", () => {
    let remote: Awaited<ReturnType<typeof startRemoteHub>>;
    let hive: HubProcess | undefined;
    let hiveUrl: string;

    beforeAll(async () => {
      remote = await startRemoteHub(hub.database, undefined, {
        subgraphs: testHardening({ HUB_PRODUCTION: "true", ...pki.subgraphEnv }),
        gateway: testHardening({ HUB_PRODUCTION: "true", ...pki.gatewayEnv }),
      });
      hive = runEntryPoint("tests/server/hive-router.ts", [], {
        HIVE_SUPERGRAPH: path.resolve("schema/supergraph.graphql"),
        HIVE_SUBGRAPH_URLS: JSON.stringify(remote.urls),
        HIVE_TLS_CERT: pki.router.certFile,
        HIVE_TLS_KEY: pki.router.keyFile,
        HIVE_TLS_CA: pki.caFile,
      });
      [, hiveUrl] = (await hive.waitFor(/hive gateway at (http:\/\/\S+\/graphql)/, 60_000)) as [string, string];
    }, 120_000);
    afterAll(async () => {
      await killIfRunning(hive);
      await remote?.close();
    });

    it("refuses the hub's own gateway's signature when only mutual TLS is configured", async () => {
      const headers = await doctor();
      const body = patientQuery();
      const key = testHardening().gatewaySecret!;
      const signed = signatureHeaders(
        key,
        {
          method: "POST",
          path: "/graphql",
          body,
          authorization: headers.authorization,
          purpose: null,
          requestId: null,
        },
        Date.now(),
      );
      const answer = await postTls(remote.urls.hub, body, { ...headers, ...signed }, { ca: pki.ca });
      expect(answer.status).toBe(403);
      expect(answer.body.errors![0]!.message).toMatch(/no gateway signature is accepted here/);
    });

    it("gives identical answers through the hub's gateway and Hive Gateway for every role operation", async () => {
      const operations = readOperations();
      expect(operations.map((o) => o.name).sort()).toEqual([
        "AccessLog",
        "GapList",
        "PatientCoverage",
        "ReasonBreakdown",
        "RegionCoverage",
        "SchoolCoverage",
        "WhoLookedAt",
      ]);
      const viewers = demoViewers(anchor);
      const variables: Record<string, Record<string, unknown>> = {
        GapList: { filter: { status: "UNINSURED" }, first: 50 },
        PatientCoverage: { idNumber: anchor.idNumber, withinDays: 90 },
        ReasonBreakdown: { school: anchor.school },
        RegionCoverage: { region: "33", groupBy: "REGION" },
        SchoolCoverage: { code: anchor.school, first: 100 },
      };
      const compared: string[] = [];
      const both = async (
        operation: Operation,
        compare = (theirs: Answer, ours: Answer) => expect(theirs, operation.name).toEqual(ours),
      ) => {
        const headers = { ...(await headersFor(viewers[operation.role])), "x-purpose": "mtls router test" };
        const body = { query: operation.query, variables: variables[operation.name] };
        const ours = await postJson(remote.gatewayHttp.url, body, headers);
        const theirs = await postJson(hiveUrl, body, headers);
        expect(ours.status, operation.name).toBe(200);
        expect(ours.body.errors, `${operation.name}: ${JSON.stringify(ours.body.errors)}`).toBeUndefined();
        expect(leafCount(ours.body.data), operation.name).toBeGreaterThan(3);
        compare(theirs, ours);
        compared.push(operation.name);
        return ours.body.data!;
      };
      // The auditor's operations read the access log the others write: they run last, once every
      // read they can see was made through both routers. An auditor's read of a child's log is
      // logged too (whoLookedAt shows it, folded per day, role, purpose and fields): one round
      // before the comparison makes that row, so both routers see the same log.
      let childId: string | undefined;
      for (const operation of operations.filter((o) => o.role !== "auditor")) {
        const data = await both(operation);
        if (operation.name === "PatientCoverage") childId = (data.childByIdNumber as { id: string }).id;
      }
      variables.AccessLog = { childId, first: 50 };
      variables.WhoLookedAt = { childId, first: 50 };
      const auditorOperations = operations.filter((o) => o.role === "auditor");
      for (const operation of auditorOperations)
        await postJson(
          remote.gatewayHttp.url,
          { query: operation.query, variables: variables[operation.name] },
          { ...(await headersFor(viewers.auditor)), "x-purpose": "mtls router test" },
        );
      for (const operation of auditorOperations)
        await both(operation, (theirs, ours) => {
          if (operation.name !== "WhoLookedAt") return expect(theirs).toEqual(ours);
          // Reading a child's history is itself a logged read of the child, through either router:
          // Hive's answer has the read just made through the hub's gateway as one more row on top,
          // the same as the first round's (same day, role, fields, purpose); the rest is identical.
          const [t, o] = [theirs, ours].map((a) => a.body.data!.whoLookedAt as History);
          expect(o!.edges[0]!.node.role).toBe("auditor");
          expect(t!.edges[0]).toEqual(o!.edges[0]);
          expect({ ...t!, edges: t!.edges.slice(1), totalCount: t!.totalCount - 1 }).toEqual(o);
        });
      expect(compared).toHaveLength(7);
    });
  });
});

describe("mutual TLS settings", () => {
  let pki: TestPki;
  beforeAll(() => void (pki = makeTestPki()));
  afterAll(() => pki?.remove());

  it("wants all three files of an end, readable, PEM, with a key that fits the certificate", () => {
    const problems = configProblemsOf({
      HUB_SUBGRAPH_TLS_CERT: pki.server.certFile,
      HUB_SUBGRAPH_TLS_KEY: pki.router.keyFile,
      HUB_SUBGRAPH_TLS_CA: pki.caFile,
      HUB_GATEWAY_TLS_CERT: pki.router.certFile,
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^HUB_SUBGRAPH_TLS_CERT and HUB_SUBGRAPH_TLS_KEY do not make a usable certificate and key: .*mismatch/,
      ),
      "HUB_GATEWAY_TLS_CERT is set but HUB_GATEWAY_TLS_KEY and HUB_GATEWAY_TLS_CA are not: " +
        "mutual TLS needs the certificate, its key and the CA, all three",
    ]);
    expect(configProblemsOf({ ...pki.subgraphEnv, HUB_SUBGRAPH_TLS_CA: path.join(pki.dir, "router.ext") })).toEqual([
      `HUB_SUBGRAPH_TLS_CA must be a PEM file, but ${path.join(pki.dir, "router.ext")} is not one`,
    ]);
    expect(configProblemsOf({ ...pki.subgraphEnv, HUB_SUBGRAPH_TLS_KEY: "/nowhere/key.pem" })).toEqual([
      "HUB_SUBGRAPH_TLS_KEY names /nowhere/key.pem, which cannot be read (ENOENT)",
    ]);
  });

  it("lets production run on mutual TLS without a gateway key; refuses answering unsigned callers beside it", () => {
    const production = { NODE_ENV: "production", HUB_JWT_SECRET: "s".repeat(32) };
    expect(configProblemsOf(production)).toEqual([
      expect.stringMatching(/^HUB_GATEWAY_SECRET must be set in production/),
    ]);
    expect(configProblemsOf({ ...production, ...pki.subgraphEnv })).toEqual([]);
    expect(configProblemsOf({ ...production, ...pki.gatewayEnv })).toEqual([]);
    expect(configProblemsOf({ ...pki.subgraphEnv, HUB_SUBGRAPH_ALLOW_UNSIGNED: "true" })).toEqual([
      expect.stringMatching(/^HUB_SUBGRAPH_ALLOW_UNSIGNED=true and HUB_SUBGRAPH_TLS_\* are both set/),
    ]);
  });
});

interface History {
  totalCount: number;
  edges: { node: { role: string } }[];
}

interface Operation {
  name: string;
  role: Role;
  query: string;
}

/** The operations of tests/operations/ written for a role (a `# role:` line), with their text. */
function readOperations(): Operation[] {
  const dir = path.resolve("tests/operations");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .flatMap((file) => {
      const query = readFileSync(path.join(dir, file), "utf8");
      const role = /^# role: (\w+)/m.exec(query)?.[1];
      const name = /^(?:query|mutation) (\w+)/m.exec(query)?.[1];
      return role && name ? [{ name, role: role as Role, query }] : [];
    });
}

/** Non-null leaves of an answer: an answer of nulls and empty lists would compare equal for any router. */
function leafCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + leafCount(v), 0);
  if (typeof value === "object") return Object.values(value).reduce((n: number, v) => n + leafCount(v), 0);
  return 1;
}
