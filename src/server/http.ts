import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { ErrorCode } from "../errors.ts";
import { reportToStderr } from "../errors.ts";
import { LIMIT_SETTINGS } from "../config/limits.ts";
import { graphiqlPage } from "./graphiql.ts";

/** A route the HTTP server tries before GraphQL: true when it answered the request. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HttpHeaders {
  get(name: string): string | null | undefined;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface HttpOptions<C> {
  port: number;
  host: string;
  context: (headers: HttpHeaders) => C | Promise<C>;
  /** Serve the offline GraphiQL page at /graphiql. */
  graphiql: boolean;
  /** Requests with a larger body are refused before parsing (413). */
  maxBodyBytes?: number;
  /** Routes tried before GraphQL (the web console); each answers a request or passes it on. */
  routes?: readonly HttpRoute[];
  /** A JSON array of more operations than this is refused (400); default 1. */
  maxBatch?: number;
  /** A request still running after this long is answered 504 TIMEOUT; default 30 s. */
  executionTimeoutMs?: number;
  /**
   * Checks a request before its body is parsed (a subgraph server: the gateway's signature).
   * Returns null to go on, or the refusal.
   */
  admit?: (request: {
    method: string;
    path: string;
    headers: HttpHeaders;
    body: Buffer;
  }) => { status: number; code: string; message: string } | null;
}
const require = createRequire(import.meta.url);

/** GraphiQL's files come from npm packages on disk: government networks have no CDN. */
const ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
};

/**
 * A package's folder on disk. Its `exports` map hides the UMD files from require.resolve, so
 * resolve the package's entry point and walk up to the folder whose package.json names it.
 */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === name)
        return dir;
    } catch {
      /* not the package root yet */
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the folder of package ${name}`);
}

/**
 * A minimal HTTP integration for Apollo Server (its documented `executeHTTPGraphQLRequest`):
 * POST/GET /graphql, GET /graphiql, GET /healthz. Node's own http module, so limits such as the
 * body size are enforced before anything is parsed.
 */
export async function serveHttp<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C>,
): Promise<RunningHttpServer> {
  const limits: RequestLimits = {
    maxBody: options.maxBodyBytes ?? LIMIT_SETTINGS.maxBodyBytes.default,
    maxBatch: options.maxBatch ?? LIMIT_SETTINGS.maxBatch.default,
    timeoutMs: options.executionTimeoutMs ?? LIMIT_SETTINGS.executionTimeoutMs.default,
  };
  const server = createServer((req, res) => {
    handle(apollo, options, limits, req, res).catch((error: unknown) => answerInternalError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface RequestLimits {
  maxBody: number;
  maxBatch: number;
  timeoutMs: number;
}

/** A failure no route answered: logged under a fresh id, which the client is told. */
function answerInternalError(res: ServerResponse, error: unknown): void {
  const errorId = randomUUID();
  reportToStderr(errorId, error);
  if (!res.headersSent)
    sendJson(res, 500, {
      errors: [
        {
          message: `internal error ${errorId}: the details are in the server log`,
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
        },
      ],
    });
  else res.end();
}

/** One request: the health check, the routes and GraphiQL first, then GraphQL at /graphql. */
async function handle<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C>,
  limits: RequestLimits,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (await answeredBeforeGraphQL(options, req, res, url)) return;
  const request = await readGraphQLRequest(options, limits, req, res, url);
  if (request) await executeGraphQL(apollo, options, limits.timeoutMs, req, res, url, request);
}

/** Answers anything but /graphql: the health check, the routes, GraphiQL and its assets, 404. */
async function answeredBeforeGraphQL<C>(
  options: HttpOptions<C>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname === "/healthz") {
    send(res, 200, "text/plain", "ok\n");
    return true;
  }
  for (const route of options.routes ?? []) if (await route(req, res, url)) return true;
  if (options.graphiql && url.pathname === "/graphiql") {
    send(res, 200, "text/html; charset=utf-8", graphiqlPage());
    return true;
  }
  if (options.graphiql && url.pathname.startsWith("/graphiql/assets/")) {
    const asset = ASSETS[url.pathname.slice("/graphiql/assets/".length)];
    if (!asset) send(res, 404, "text/plain", "not found\n");
    else
      send(res, 200, asset.type, readFileSync(path.join(packageDir(asset.pkg), asset.file)), "public, max-age=86400");
    return true;
  }
  if (url.pathname !== "/graphql") {
    send(res, 404, "text/plain", "not found: the GraphQL endpoint is /graphql\n");
    return true;
  }
  return false;
}

/** A GraphQL request that passed the checks on its body: its headers and its parsed body. */
interface GraphQLHttpRequest {
  headers: HeaderMap;
  body: unknown;
}

/**
 * Reads the body of a /graphql request and checks it before GraphQL sees it: its size, the
 * `admit` check, JSON, the batch size. Null when a check refused it (the refusal is sent).
 */
async function readGraphQLRequest<C>(
  options: HttpOptions<C>,
  { maxBody, maxBatch }: RequestLimits,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<GraphQLHttpRequest | null> {
  const raw = await readBody(req, maxBody);
  if (raw === null) {
    const setting = LIMIT_SETTINGS.maxBodyBytes;
    const message = `request body exceeds the limit of ${maxBody} bytes (${setting.env})`;
    return refuse(res, 413, message, { code: "PAYLOAD_TOO_LARGE", limit: setting.env, max: maxBody });
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  const refusal = options.admit?.({
    method: req.method ?? "GET",
    path: url.pathname,
    headers: { get: (name) => headers.get(name) },
    body: raw,
  });
  if (refusal) return refuse(res, refusal.status, refusal.message, { code: refusal.code });
  let body: unknown = undefined;
  if (req.method === "POST" && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return refuse(res, 400, 'request body must be JSON: {"query": "…", "variables": {…}}', { code: "BAD_REQUEST" });
    }
  }
  if (Array.isArray(body) && body.length > maxBatch) {
    const setting = LIMIT_SETTINGS.maxBatch;
    return refuse(res, 400, `${setting.what} ${body.length} exceeds the limit of ${maxBatch} (${setting.env})`, {
      code: ErrorCode.OPERATION_LIMIT_EXCEEDED,
      limit: setting.env,
      value: body.length,
      max: maxBatch,
    });
  }
  return { headers, body };
}

/** Sends a GraphQL-shaped error as the whole answer; null, for `return refuse(…)`. */
function refuse(res: ServerResponse, status: number, message: string, extensions: Record<string, unknown>): null {
  sendJson(res, status, { errors: [{ message, extensions }] });
  return null;
}

/** Runs the operation through Apollo Server and sends its answer, or 504 once `timeoutMs` passed. */
async function executeGraphQL<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C>,
  timeoutMs: number,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  { headers, body }: GraphQLHttpRequest,
): Promise<void> {
  // The timer answers the client; work already started in the subgraphs runs to its end (a
  // database statement cannot be taken back half-way), but nothing more is sent.
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const response = await Promise.race([
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => options.context({ get: (name) => headers.get(name) }),
    }),
    timedOut,
  ]).finally(() => clearTimeout(timer));
  if (response === "timeout") {
    const setting = LIMIT_SETTINGS.executionTimeoutMs;
    const message = `the operation ran longer than the limit of ${timeoutMs} ms (${setting.env})`;
    refuse(res, 504, message, { code: ErrorCode.TIMEOUT, limit: setting.env, max: timeoutMs });
    return;
  }
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") return void res.end(response.body.string);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The body, or null when it is over the limit. An oversized body is read on (and dropped) up to
 * eight times the limit, so the client sees the 413 instead of a connection reset mid-upload;
 * beyond that the connection is simply cut.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit * 8) {
      req.destroy();
      return null;
    }
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cacheControl = "no-store") {
  res.writeHead(status, { "content-type": type, "cache-control": cacheControl });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, "application/json", JSON.stringify(body));
}
