import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase } from "../../src/access/identity/demo.ts";
import { log, scrubText, serializeError, setLogDestination, withLogContext } from "../../src/log.ts";
import { headersFor } from "../kit/auth.ts";
import { startTestHub, testHardening } from "../kit/gateway.ts";
import { killIfRunning, postGraphQL, seedPgliteDir, startHubProcess, type HubProcess } from "./processes.ts";
import { runOnGateway } from "./run.ts";

/**
 * Issue 23, item 5: personal data never reaches a log. Lines are JSON (pino) with a request id;
 * names, ID numbers and phones are redacted by key and scrubbed by value, wherever they come
 * from: variables, error messages, a failed statement's parameters, a client's headers.
 */
const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const SYSTEM = {
  subject: "test-household-system",
  role: "department_system",
  scope: { department: "household", region: "33" },
} as const;
/** Personal data the test itself sends: a name, a valid-looking ID number, a mobile number. */
const SENT = { name: "王小明", idNumber: "110101199003074258", phone: "13812345678" };

describe("the logger", () => {
  it("scrubs ID numbers, mobile numbers, CJK names and a failed query's parameters from any text", () => {
    expect(scrubText(`Key (id_number)=(${SENT.idNumber}) exists; ${SENT.name} ${SENT.phone} +86 13912345678`)).toBe(
      "Key (id_number)=([id number]) exists; [name] [phone] [phone]",
    );
    // Longer runs of digits (a record id, a timestamp) are no ID number and stay.
    expect(scrubText("record 1234567890123456789012 at 1795549961717")).toBe(
      "record 1234567890123456789012 at 1795549961717",
    );
    const failed = new Error(`Failed query: select 1 where id_number = $1\nparams: ${SENT.idNumber},${SENT.name}`, {
      cause: Object.assign(new Error(`duplicate key value: (${SENT.phone})`), { code: "23505" }),
    });
    const serialized = JSON.stringify(serializeError(failed));
    for (const value of Object.values(SENT)) expect(serialized).not.toContain(value);
    expect(serialized).toContain("select 1 where id_number = $1");
    expect(serialized).toContain("duplicate key value");
  });

  it("redacts personal keys at any depth and adds the request id of the request being served", () => {
    const lines: string[] = [];
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      withLogContext({ requestId: "req-1" }, () =>
        log().warn({ child: { name: SENT.name, guardians: [{ phone: SENT.phone }] }, variables: { x: 1 } }, "hello"),
      );
    } finally {
      setLogDestination(null);
    }
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "warn",
      msg: "hello",
      requestId: "req-1",
      child: { name: "[redacted]", guardians: [{ phone: "[redacted]" }] },
      variables: "[redacted]",
    });
  });

  it("logs an internal error whose failed statement held an ID number without the number", async () => {
    const hub = await startTestHub(
      "pglite",
      { children: 30 },
      { hardening: testHardening({ HUB_PRODUCTION: "true" }) },
    );
    const lines: string[] = [];
    try {
      const anchor = await demoAnchorFromDatabase(hub.database.db);
      await hub.database.db.execute(sql`alter table hub.children rename to children_gone`);
      setLogDestination({ write: (line: string) => void lines.push(line) });
      let answer;
      try {
        answer = await runOnGateway(
          hub.gateway,
          "query($id: String!) { childByIdNumber(idNumber: $id) { id name } }",
          { id: anchor.idNumber },
          await headersFor(OFFICER),
        );
      } finally {
        setLogDestination(null);
        await hub.database.db.execute(sql`alter table hub.children_gone rename to children`);
      }
      const errorId = answer.errors?.[0]?.extensions?.errorId as string;
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      const text = lines.join("");
      expect(text).toContain(errorId);
      expect(text).toMatch(/children.* does not exist/);
      expect(text).not.toContain(anchor.idNumber!);
      expect(text).not.toContain(anchor.idNumber!.slice(0, 14));
    } finally {
      await hub.close();
    }
  });
});

describe("the hub's log, as an operator's process writes it", () => {
  let tmp: string;
  let hub: HubProcess | undefined;
  let url: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "hub-logs-"));
    const seeded = path.join(tmp, "seeded");
    await seedPgliteDir(seeded);
    const dir = path.join(tmp, "data");
    cpSync(seeded, dir, { recursive: true });
    const started = await startHubProcess({ HUB_DATA_DIR: dir, HUB_LOG: "json" });
    hub = started.hub;
    url = started.url;
  });
  afterAll(async () => {
    await killIfRunning(hub);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("holds no name, ID number or phone after operations carrying them in variables, headers, errors", async () => {
    const officer = await headersFor(OFFICER);
    // Real children's names and ID numbers, as an officer reads them.
    const read = await postGraphQL(
      url,
      {
        query: 'query Roster { childrenInRegion(region: "33", first: 3) { edges { node { id name idNumber } } } }',
        operationName: "Roster",
      },
      officer,
    );
    expect(read.status).toBe(200);
    const children = (
      JSON.parse(read.body) as { data: { childrenInRegion: { edges: { node: { name: string; idNumber: string } }[] } } }
    ).data.childrenInRegion.edges.map((e) => e.node);
    expect(children.length).toBeGreaterThan(0);

    // Their ID numbers (and the test's own data) as variables, in a name, a request id and a header.
    for (const child of children)
      await postGraphQL(
        url,
        {
          query: "query Lookup($id: String!) { childByIdNumber(idNumber: $id) { id } }",
          variables: { id: child.idNumber },
        },
        { ...officer, "x-request-id": child.idNumber, "x-purpose": `call the guardian at ${SENT.phone}` },
      );
    // Errors that quote what was sent: a malformed ID number, a name where a number goes.
    const bad = await postGraphQL(
      url,
      {
        query: "query Lookup($id: String!) { childByIdNumber(idNumber: $id) { id } }",
        variables: { id: `${SENT.name} ${SENT.phone}` },
      },
      officer,
    );
    expect(bad.body).toMatch(/errors/);
    await postGraphQL(url, { query: `query Q${SENT.idNumber} { __typename }` }, officer);
    // Rows with personal data, rejected field by field.
    const rows = [
      {
        fields: [
          { column: "record_id", value: "log-probe-1" },
          { column: "name", value: SENT.name },
          { column: "id_number", value: SENT.idNumber.slice(0, 17) + "0" },
          { column: "phone", value: SENT.phone },
        ],
      },
    ];
    await postGraphQL(
      url,
      {
        query: "mutation($rows: [RecordRow!]!) { submitHouseholdRecords(kind: PERSON, rows: $rows) { rejectedRows } }",
        variables: { rows },
      },
      await headersFor(SYSTEM),
    );

    const output = hub!.output();
    const lines = output.split("\n").filter((l) => l.startsWith("{"));
    const operations = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "operation");
    expect(operations.length).toBeGreaterThanOrEqual(children.length + 3);
    for (const line of operations) expect(line.requestId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    const personal = [
      ...Object.values(SENT),
      ...children.flatMap((c) => [c.name, c.idNumber, c.idNumber.slice(0, 14)]),
    ];
    for (const value of personal) expect(output).not.toContain(value);
  });
});
