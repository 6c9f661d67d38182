import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersFor } from "../kit/auth.ts";
import { killIfRunning, postGraphQL, seedPgliteDir, startHubProcess, type HubProcess } from "./processes.ts";

/**
 * Issue 23, item 10: the hub as an operator runs it, scraped by Prometheus on its metrics port
 * after a few operations: the counters moved, under bounded labels.
 */
const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const GREEDY = { subject: "test-greedy-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const SYSTEM = {
  subject: "test-household-system",
  role: "department_system",
  scope: { department: "household", region: "33" },
} as const;

const PROBE = 'query MetricsProbe { childrenInRegion(region: "33", first: 2) { edges { node { id } } } }';
const SUBMIT =
  "mutation SubmitProbe($rows: [RecordRow!]!) " +
  "{ submitHouseholdRecords(kind: PERSON, rows: $rows) { accepted rejectedRows } }";

describe("Prometheus metrics", () => {
  let tmp: string;
  let hub: HubProcess | undefined;
  let url: string;
  let metricsUrl: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "hub-metrics-"));
    const seeded = path.join(tmp, "seeded");
    await seedPgliteDir(seeded);
    const dir = path.join(tmp, "data");
    cpSync(seeded, dir, { recursive: true });
    const safelist = path.join(tmp, "safelist");
    mkdirSync(safelist);
    writeFileSync(path.join(safelist, "probe.graphql"), PROBE);
    writeFileSync(path.join(safelist, "submit.graphql"), SUBMIT);
    const started = await startHubProcess({
      HUB_DATA_DIR: dir,
      HUB_SAFELIST: safelist,
      HUB_METRICS_PORT: "0",
      HUB_RATE_OPERATIONS_PER_MINUTE: "3",
    });
    hub = started.hub;
    url = started.url;
    [, metricsUrl] = (await hub.waitFor(/metrics at (http:\/\/[^\s"]+)/)) as unknown as [string, string];
  });
  afterAll(async () => {
    await killIfRunning(hub);
    rmSync(tmp, { recursive: true, force: true });
  });

  /** The scrape, as `name{labels} value` lines. */
  async function scrape(): Promise<string[]> {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return (await response.text()).split("\n").filter((l) => l && !l.startsWith("#"));
  }
  const value = (lines: string[], series: string) => {
    const line = lines.find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("counts operations, their time, errors by code, rate-limit refusals and ingested rows", async () => {
    const officer = await headersFor(OFFICER);
    for (let i = 0; i < 2; i++)
      expect(await postGraphQL(url, { query: PROBE, operationName: "MetricsProbe" }, officer)).toMatchObject({
        status: 200,
      });
    // Off the safelist, and named freely: counted, but under "other", never under its own name.
    const named = { query: "query Q33010620150101 { __typename }", operationName: "Q33010620150101" };
    const off = await postGraphQL(url, named, officer);
    expect(off.body).toContain("OPERATION_NOT_SAFELISTED");
    const greedy = await headersFor(GREEDY);
    for (let i = 0; i < 4; i++) await postGraphQL(url, { query: PROBE, operationName: "MetricsProbe" }, greedy);
    // A refusal before GraphQL (the body is not JSON) is an error by its code too.
    const notJson = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
    const rows = [{ fields: [{ column: "record_id", value: "metrics-probe-1" }] }];
    const submitted = await postGraphQL(url, { query: SUBMIT, variables: { rows } }, await headersFor(SYSTEM));
    expect(submitted.body).toContain('"rejectedRows":1');

    const lines = await scrape();
    const probe = 'server="gateway",operation="MetricsProbe",role="insurance_officer"';
    expect(value(lines, `hub_graphql_requests_total{${probe}}`)).toBe(5); // 2 + the greedy one's 3
    expect(value(lines, `hub_graphql_request_duration_seconds_count{${probe}}`)).toBe(5);
    expect(value(lines, `hub_graphql_request_duration_seconds_sum{${probe}}`)).toBeGreaterThan(0);
    expect(value(lines, 'hub_graphql_errors_total{server="gateway",code="OPERATION_NOT_SAFELISTED"}')).toBe(1);
    expect(value(lines, 'hub_graphql_errors_total{server="gateway",code="RATE_LIMITED"}')).toBe(1);
    expect(value(lines, 'hub_rate_limit_refusals_total{budget="operations"}')).toBe(1);
    expect(value(lines, 'hub_graphql_errors_total{server="gateway",code="BAD_REQUEST"}')).toBe(1);
    expect(value(lines, 'hub_ingest_rows_total{kind="household.person",outcome="rejected"}')).toBe(1);
    expect(value(lines, 'hub_db_pool_connections{state="waiting"}')).toBe(0); // PGlite: no pool
    expect(lines.some((l) => l.startsWith("hub_process_resident_memory_bytes "))).toBe(true);
    // Labels come from the safelist, or "other": a client's name never becomes a series.
    expect(lines.join("\n")).not.toContain("Q33010620150101");
    expect(lines.some((l) => l.includes('operation="other"'))).toBe(true);
  });

  it("serves metrics only on their own port, never on the GraphQL port", async () => {
    const response = await fetch(url.replace(/\/graphql$/, "/metrics"));
    expect(response.status).toBe(404);
    expect(new URL(metricsUrl).hostname).toBe("127.0.0.1");
  });
});
