import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { headersFor } from "../kit/auth.ts";
import {
  killIfRunning,
  postGraphQL,
  seedSmallProvince,
  startHubProcess,
  type HttpAnswer,
  type HubProcess,
} from "./processes.ts";

/**
 * Issue 23, item 2: the hub died with an unhandled `Connection terminated` on 9 of 10 PostgreSQL
 * restarts during writes. Here the hub runs as its own process on a PostgreSQL server of this
 * test's own (the suite's shared server is not to be stopped), which the test stops and restarts
 * under it. Every read also writes (its access-log row), so reads are writes too.
 */
const root = path.resolve(import.meta.dirname, "../..");
const PG_SERVER = path.join(root, ".ci/pg-server.sh");
const OFFICER = { subject: "test-insurance-officer", role: "insurance_officer", scope: { region: "33" } } as const;
const READ = { query: '{ childrenInRegion(region: "33", first: 2) { edges { node { id name } } } }' };

describe("the hub while PostgreSQL restarts", () => {
  let serverDir: string;
  let url: string;
  let hub: HubProcess | undefined;
  let hubUrl: string;
  let headers: Record<string, string>;

  /** pg_ctl on the private cluster, as the user that owns it (initdb refuses root). */
  function pgCtl(...args: string[]): void {
    const bindir = readFileSync(path.join(serverDir, ".bindir"), "utf8").trim();
    const command = [path.join(bindir, "pg_ctl"), "-D", path.join(serverDir, "data"), ...args];
    const owner = ownerOf(path.join(serverDir, "data"));
    if (process.getuid?.() === 0) execFileSync("runuser", ["-u", owner, "--", ...command], { stdio: "ignore" });
    else execFileSync(command[0]!, command.slice(1), { stdio: "ignore" });
  }
  const stopPostgres = () => pgCtl("-m", "fast", "-w", "stop");
  // `restart` starts a stopped server too, with the options it was first started with (postmaster.opts).
  const startPostgres = () => pgCtl("-m", "fast", "-w", "-l", path.join(serverDir, "server.log"), "restart");

  beforeAll(async () => {
    serverDir = path.join(mkdtempSync(path.join(tmpdir(), "hub-pg-restart-")), "postgres");
    const out = execFileSync("bash", [PG_SERVER, "start", serverDir], { encoding: "utf8" });
    url = /DATABASE_URL=(\S+)/.exec(out)![1]!;
    const database = await createDatabase({ kind: "postgres", url, poolSize: 2 });
    await migrateDatabase(database, path.join(root, "migrations"));
    await seedSmallProvince(database.db);
    await database.close();
    const started = await startHubProcess({
      DATABASE_URL: url,
      HUB_DB_POOL_SIZE: "4",
      HUB_RATE_OPERATIONS_PER_MINUTE: "0",
    });
    hub = started.hub;
    hubUrl = started.url;
    headers = await headersFor(OFFICER);
  }, 90_000);

  afterAll(async () => {
    if (hub && hub.child.exitCode === null) {
      hub.child.kill("SIGTERM");
      await Promise.race([hub.exited, delay(15_000)]);
    }
    await killIfRunning(hub);
    if (serverDir) execFileSync("bash", [PG_SERVER, "stop", serverDir]);
  });

  it("answers 503 with Retry-After while the database is down, stays up, and answers normally once back", async () => {
    expect((await postGraphQL(hubUrl, READ, headers)).status).toBe(200);

    stopPostgres();
    for (let i = 0; i < 3; i++) {
      const answer = await postGraphQL(hubUrl, READ, headers);
      expect(answer.status, answer.body).toBe(503);
      expect(answer.headers["retry-after"]).toBe("5");
      const body = JSON.parse(answer.body) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe("DATABASE_UNAVAILABLE");
      expect(body.errors[0]!.message).toMatch(/database is unavailable; try again/);
    }
    expect(hub!.child.exitCode).toBeNull();

    startPostgres();
    const answer = await untilAnswered(hubUrl, headers, 15_000);
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).not.toHaveProperty("errors");
  });

  it("stays up through restarts in the middle of a stream of reads and writes, answering only 200 or 503", async () => {
    const answers: HttpAnswer[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        answers.push(
          await postGraphQL(hubUrl, READ, headers).catch((e: Error) => ({ status: 0, headers: {}, body: e.message })),
        );
      }
    };
    const clients = Array.from({ length: 4 }, client);
    for (let restart = 0; restart < 2; restart++) {
      await delay(700);
      startPostgres(); // a fast restart: connections in use are terminated mid-statement
    }
    await delay(700);
    running = false;
    await Promise.all(clients);

    expect(hub!.child.exitCode).toBeNull();
    expect(hub!.output()).not.toMatch(/uncaught|unhandled/i);
    const statuses = new Set(answers.map((a) => a.status));
    expect(
      [...statuses].filter((s) => s !== 200 && s !== 503),
      JSON.stringify(answers.find((a) => a.status !== 200 && a.status !== 503)),
    ).toEqual([]);
    for (const answer of answers.filter((a) => a.status === 503)) expect(answer.headers["retry-after"]).toBe("5");
    for (const answer of answers.filter((a) => a.status === 200))
      expect(answer.body).not.toContain("INTERNAL_SERVER_ERROR");
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);

    const after = await untilAnswered(hubUrl, headers, 15_000);
    expect(after.status, after.body).toBe(200);
  });
});

function ownerOf(file: string): string {
  const uid = statSync(file).uid;
  return execFileSync("id", ["-nu", String(uid)], { encoding: "utf8" }).trim();
}

/** Asks until the hub answers 200 (the pool reconnects on its own), or `timeoutMs` passed: the last answer. */
async function untilAnswered(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await postGraphQL(url, READ, headers);
    if (answer.status === 200 || Date.now() > deadline) return answer;
    await delay(250);
  }
}
