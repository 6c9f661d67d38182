import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import path from "node:path";
import { inject } from "vitest";
import { createDatabase, type Db } from "../../src/db/client.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { linkFromTruth } from "../kit/link-from-truth.ts";

/**
 * Real processes for the operator's view of the hub: an entry point run as `npm start` runs it
 * (node with tsx's loader, so the pid is the process that holds the database, and signals reach
 * it directly), its output collected, its exit awaited.
 */
export interface HubProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const root = path.resolve(import.meta.dirname, "../..");

export function runEntryPoint(script: string, args: readonly string[], env: Record<string, string>): HubProcess {
  // The child sees what an operator's shell would: no vitest markers (under vitest the hub keeps
  // its log quiet), no NODE_ENV=test, and no database but the one the test names (CI exports the
  // suite's PostgreSQL as DATABASE_URL; a child that inherited it would not use its PGlite directory).
  const inherited = (name: string) =>
    !name.startsWith("VITEST") && !["NODE_ENV", "DATABASE_URL", "HUB_MIGRATE_DATABASE_URL"].includes(name);
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => inherited(name)));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, script), ...args], {
    cwd: root,
    env: { ...base, HUB_LOG: "off", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      for (const wake of waiters) wake();
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            finish();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`${script} exited before printing ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${script} did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Starts the hub (`npm start`'s entry point) on a free port and waits for its GraphQL URL. */
export async function startHubProcess(
  env: Record<string, string>,
): Promise<{ hub: HubProcess; url: string; port: number }> {
  const hub = runEntryPoint("src/bin/start.ts", ["--port", "0"], env);
  const [, url] = await hub.waitFor(/GraphQL\s+(http:\/\/\S+\/graphql)/, 40_000);
  return { hub, url: url!, port: Number(new URL(url!).port) };
}

/** Stops a process the test started, if it still runs (a failed assertion must not leave it behind). */
export async function killIfRunning(hub: HubProcess | undefined): Promise<void> {
  if (!hub || hub.child.exitCode !== null || hub.child.signalCode !== null) return;
  hub.child.kill("SIGKILL");
  await hub.exited;
}

/**
 * A PGlite data directory ready for `npm start` without its demo seeding: the migrated template
 * (global-setup) and a small province, closed cleanly.
 */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  const database = await createDatabase(
    { kind: "pglite", dataDir },
    { loadDataDir: new Blob([readFileSync(inject("pgliteTemplatePath"))]) },
  );
  await seedSmallProvince(database.db);
  await database.close();
}

/** A province of 30 children, linked, with its coverage snapshot: what the demo seeding makes, smaller. */
export async function seedSmallProvince(db: Db): Promise<void> {
  const asOf = "2026-06-30";
  await generateProvince(db, { children: 30, seed: 7, asOf });
  await linkFromTruth(db);
  await buildSnapshot(db, asOf);
}

/** Resolves with the error code of a TCP connection attempt: "ECONNREFUSED" once nothing listens. */
export function connectionOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A POST whose body is sent in two parts, the second when `rest()` is called: a slow client, or
 * a request the test holds in flight. `answer` settles when the server answers or the connection
 * breaks.
 */
export function postInTwoParts(
  url: string,
  body: string,
  headers: Record<string, string>,
  firstBytes: number,
): { rest(): void; answer: Promise<HttpAnswer> } {
  const req = request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
  });
  const answer = new Promise<HttpAnswer>((resolve, reject) => {
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.once("error", reject);
    });
    req.once("error", reject);
  });
  req.write(body.slice(0, firstBytes));
  return { rest: () => void req.end(body.slice(firstBytes)), answer };
}

/** A POST of a GraphQL operation on a fresh connection: its status, headers and body. */
export async function postGraphQL(url: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
  const text = JSON.stringify(body);
  const { rest, answer } = postInTwoParts(url, text, { connection: "close", ...headers }, text.length);
  rest();
  return answer;
}
