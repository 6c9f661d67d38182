import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import type { Database } from "../../src/db/client.ts";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.ts";
import { submitMutationName } from "../../src/graphql/submit-records.ts";
import { enrollmentKind } from "../../src/ingest/kinds/insurance.ts";
import { departmentSystemViewer, headersFor, testAuth } from "../kit/auth.ts";
import { asRow, storedRow } from "../ingest/submit.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * Issue #20: "HUB_EXECUTION_TIMEOUT_MS answers 504 while the database work goes on and commits
 * (PostgreSQL: ~12 s of work after the 504)". A request the hub gave up on must leave no
 * statement running. The slow statement here is made slow from outside, as an operator's
 * maintenance would: another session holds a lock on the snapshot table, so the gap list's
 * statement waits on it for as long as the lock is held. Only PostgreSQL can cancel a statement
 * (PGlite runs it on the hub's own thread).
 */
const TIMEOUT_MS = 400;
const OFFICER = { subject: "timeout-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const GAP_LIST = '{ coverageGaps(filter: { region: "33" }, first: 5) { totalCount edges { node { child { id } } } } }';

describe.runIf(ENGINES.includes("postgres"))("a request stopped by its timeout on PostgreSQL", () => {
  let hub: TestHub;
  let owner: Database;
  let gateway: GatewayServer;
  let http: RunningHttpServer;
  /** The same hub at the default timeout (30 s): what stops its work is the client leaving. */
  let patientHttp: RunningHttpServer;
  let locker: pg.PoolClient | null = null;

  beforeAll(async () => {
    hub = await startTestHub("postgres", { children: 300 });
    owner = await hub.database.owner();
    gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: hub.database.db }, testAuth, {
      hardening: testHardening({ HUB_EXECUTION_TIMEOUT_MS: String(TIMEOUT_MS) }),
    });
    http = await gateway.listen(0);
    patientHttp = await hub.gateway.listen(0);
  }, 120_000);
  afterAll(async () => {
    await releaseLock();
    await http?.close();
    await patientHttp?.close();
    await gateway?.stop();
    await hub?.close();
  });

  /** Another session takes the snapshot table for itself until released. */
  async function lockSnapshotTable(): Promise<void> {
    locker = await owner.pool!.connect();
    await locker.query("begin");
    await locker.query("lock table hub.coverage_status in access exclusive mode");
  }
  async function releaseLock(): Promise<void> {
    if (!locker) return;
    await locker.query("rollback");
    locker.release();
    locker = null;
  }

  /**
   * The hub's statements waiting on the lock right now. Asked as the hub's own (serving) role:
   * PostgreSQL shows a session's state and statement only to its own role (or a superuser).
   */
  async function waitingStatements(): Promise<string[]> {
    const { rows } = await hub.database.pool!.query<{ query: string }>(
      `select query from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
          and wait_event_type = 'Lock'`,
    );
    return rows.map((r) => r.query);
  }

  /** Polls until no statement waits (or 3 s pass): what is left then. */
  async function settledWaiting(): Promise<string[]> {
    const until = Date.now() + 3_000;
    let waiting = await waitingStatements();
    while (waiting.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waiting = await waitingStatements();
    }
    return waiting;
  }

  async function post(url: string, signal?: AbortSignal): Promise<Response> {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await headersFor(OFFICER)) },
      body: JSON.stringify({ query: GAP_LIST }),
      signal,
    });
  }

  it("answers 504 and cancels the statement under way: nothing of it waits on after the answer", async () => {
    await lockSnapshotTable();
    try {
      const started = Date.now();
      const response = await post(http.url);
      expect(response.status).toBe(504);
      expect(
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe("TIMEOUT");
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
      // While the lock is still held: a statement left running would wait here until it is released.
      expect(await settledWaiting()).toEqual([]);
    } finally {
      await releaseLock();
    }
  });

  it("cancels the work of a client that goes away before its answer", async () => {
    await lockSnapshotTable();
    try {
      const gaveUp = post(patientHttp.url, AbortSignal.timeout(300)).catch((error: unknown) => error);
      expect(await gaveUp).toBeInstanceOf(Error);
      // The statement was waiting when the client left; it must not wait on (its timeout is 30 s away).
      expect(await settledWaiting()).toEqual([]);
    } finally {
      await releaseLock();
    }
  });

  it("rolls back a write its timeout stopped, and leaves every pooled connection usable", async () => {
    const db = hub.database.db;
    const [enrollment] = await queryRows<{ record_id: string }>(
      db,
      sql`select record_id from insurance.enrollments where enrolled_on is not null order by record_id limit 1`,
    );
    const before = await storedRow(db, enrollmentKind, enrollment!.record_id);
    const changed = { ...before, enrolled_on: "2020-01-01" };
    const mutation = `mutation Submit($rows: [RecordRow!]!) {
      ${submitMutationName("insurance")}(kind: ENROLLMENT, rows: $rows) { accepted updated } }`;
    locker = await owner.pool!.connect();
    await locker.query("begin");
    await locker.query("lock table insurance.enrollments in access exclusive mode");
    try {
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await headersFor(departmentSystemViewer("insurance"))) },
        body: JSON.stringify({ query: mutation, variables: { rows: [asRow(changed)] } }),
      });
      expect(response.status).toBe(504);
      expect(await settledWaiting()).toEqual([]);
    } finally {
      await releaseLock();
    }
    // Nothing of the stopped batch is stored: the 504 said it was not done, and it was not.
    expect(await storedRow(db, enrollmentKind, enrollment!.record_id)).toEqual(before);
    // Every connection the pool holds answers again (one left in its aborted transaction would
    // fail the next request given it): more requests at once than the pool has connections.
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(http.url)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { errors?: unknown }).errors).toBeUndefined();
    }
  });

  it("serves the same question in full once the table is free again", async () => {
    const response = await post(http.url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { coverageGaps: { totalCount: number } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.coverageGaps.totalCount).toBeGreaterThan(0);
  });
});
