import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { headersFor } from "../kit/auth.ts";
import { EXAMPLE_QUERY, EXAMPLE_ROLE } from "../../src/server/examples.ts";
import { demoAnchorFromDatabase, demoViewers } from "../../src/access/identity/demo.ts";
import { launchChromium } from "../kit/browser.ts";

const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;

describe("the gateway over HTTP", () => {
  let hub: TestHub;
  let http: RunningHttpServer;
  const base = () => http.url.replace(/\/graphql$/, "");

  beforeAll(async () => {
    hub = await startTestHub("pglite", { children: 200 });
    http = await hub.gateway.listen(0);
  });
  afterAll(async () => {
    await http?.close();
    await hub?.close();
  });

  it("answers a POST like the one npm start prints for curl", async () => {
    const response = await fetch(http.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(await headersFor({ ...OFFICER, scope: { ...OFFICER.scope } })),
      },
      body: JSON.stringify({ query: '{ childrenInRegion(region: "33", first: 3) { edges { node { id name } } } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { childrenInRegion: { edges: unknown[] } } };
    expect(body.data.childrenInRegion.edges).toHaveLength(3);
  });

  it(
    "answers the example npm start prints, " + "with its role's demo token and the demo child, without a single error",
    async () => {
      // What npm start prints: the demo anchor's child, asked with the demo token of EXAMPLE_ROLE.
      const anchor = await demoAnchorFromDatabase(hub.database.db);
      const row = { id_number: anchor.idNumber! };
      expect(row.id_number).toMatch(/^\d{17}[\dX]$/);
      const viewer = demoViewers(anchor)[EXAMPLE_ROLE];
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await headersFor(viewer)) },
        body: JSON.stringify({ query: EXAMPLE_QUERY, variables: { idNumber: row.id_number } }),
      });
      const body = (await response.json()) as {
        data: {
          childByIdNumber: { idNumber: string; hukou: { regionCode: string }; insurance: { enrollments: unknown[] } };
        };
        errors?: unknown[];
      };
      expect(body.errors).toBeUndefined();
      expect(body.data.childByIdNumber.idNumber).toBe(row.id_number);
      expect(body.data.childByIdNumber.hukou.regionCode).toMatch(/^\d{6}$/);
      expect(body.data.childByIdNumber.insurance.enrollments.length).toBeGreaterThan(0);
    },
  );

  it("serves GraphiQL with every asset from this server, none from a CDN", async () => {
    const page = await (await fetch(`${base()}/graphiql`)).text();
    const urls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      expect(url.startsWith("/graphiql/assets/"), url).toBe(true);
      const asset = await fetch(`${base()}${url}`);
      expect(asset.status, url).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(1_000);
    }
  });

  it(
    "#18.26 runs GraphiQL in a browser under the content security policy, " +
      "with no violation and no request leaving the server",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const complaints: string[] = [];
        const requested: string[] = [];
        // Chromium reports each blocked script, style, font or request as a console error.
        page.on("console", (message) => {
          if (/Content Security Policy|Refused to/i.test(message.text())) complaints.push(message.text());
        });
        page.on("pageerror", (error) => complaints.push(error.message));
        page.on("request", (request) => requested.push(request.url()));
        const response = await page.goto(`${base()}/graphiql`);
        expect(response?.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
        await page.locator(".graphiql-container").waitFor({ timeout: 20_000 });
        expect(complaints).toEqual([]);
        for (const url of requested) expect(url.startsWith(`${base()}/`), url).toBe(true);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it("refuses a body over the size limit before parsing it, and a non-JSON body with a clear message", async () => {
    const big = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(1_100_000),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
      /exceeds the limit of 1000000 bytes/,
    );
    const broken = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/must be JSON/);
  });
});
