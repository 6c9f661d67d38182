import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { createRequire } from "node:module";
import path from "node:path";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { withCancellation } from "../db/cancellation.ts";
import { isDatabaseUnavailable } from "../db/client.ts";
import { ErrorCode } from "../errors.ts";
import { reportToStderr } from "../errors.ts";
import { LIMIT_SETTINGS } from "../config/limits.ts";
import type { TlsFiles } from "../config/tls.ts";
import { withLogContext } from "../log.ts";
import type { Readiness } from "../observability/health.ts";
import { errorCodeLabel, hubMetrics } from "../observability/metrics.ts";
import { serverSpan } from "../observability/tracing.ts";
import { GRAPHIQL_SCRIPT_SOURCE, graphiqlPage } from "./graphiql.ts";
import { requestIdFrom } from "./headers.ts";
import { jsonShapeExcess } from "./json-shape.ts";

/** A route the HTTP server tries before GraphQL: true when it answered the request. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HttpHeaders {
  get(name: string): string | null | undefined;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /**
   * Stops gracefully: no new connections from now on, a kept-alive connection's next request is
   * answered 503, requests in flight get up to `graceMs` to finish (default: as long as they
   * take; their connections close after their answers), then any still running are cut. Says how
   * many were cut; safe to call twice.
   */
  close(graceMs?: number): Promise<void | { cut: number }>;
}

/** Seconds a client is told to wait (`Retry-After`) when the database is away or the server is stopping. */
export const RETRY_AFTER_SECONDS = 5;

export interface HttpOptions<C> {
  port: number;
  host: string;
  /** Names the server in metrics and spans: "gateway" or the subgraph's name (default "http"). */
  name?: string;
  /**
   * Readiness for /readyz (src/observability/health.ts): 200 when ready, 503 naming the failing
   * check otherwise. Without it /readyz answers 200 once the server listens.
   */
  ready?: () => Promise<Readiness>;
  context: (headers: HttpHeaders) => C | Promise<C>;
  /** Serve the offline GraphiQL page at /graphiql. */
  graphiql: boolean;
  /** Requests with a larger body are refused before parsing (413). */
  maxBodyBytes?: number;
  /**
   * Counts a request refused before GraphQL saw it (its body too large, too slow, too deep, not
   * JSON, too many operations) against its caller's budget, as the gateway's rate limits count
   * every operation, refused or not.
   */
  countRefusal?: (headers: HttpHeaders) => Promise<void>;
  /** Routes tried before GraphQL (the web console); each answers a request or passes it on. */
  routes?: readonly HttpRoute[];
  /** A JSON array of more operations than this is refused (400); default 1. */
  maxBatch?: number;
  /** A request still running after this long is answered 504 TIMEOUT; default 30 s. */
  executionTimeoutMs?: number;
  /** A request whose body has not arrived after this long is answered 408 and cut off; default 10 s. */
  bodyTimeoutMs?: number;
  /** Open connections beyond this are closed as they arrive; default 256. */
  maxConnections?: number;
  /**
   * The variables' nesting and keys per object (HUB_MAX_VARIABLE_DEPTH, HUB_MAX_VARIABLE_KEYS):
   * a body beyond them is refused before it is parsed.
   */
  maxVariableDepth?: number;
  maxVariableKeys?: number;
  /**
   * Checks a request before its body is parsed (a subgraph server: the gateway's signature, or
   * the router's client certificate). Returns null to go on, or the refusal.
   */
  admit?: (request: {
    method: string;
    path: string;
    headers: HttpHeaders;
    body: Buffer;
    /** With `tls`: whether the client's certificate chains to `tls.ca`, and why not; null on plain HTTP. */
    clientCertificate: { verified: boolean; problem: string | null } | null;
  }) => { status: number; code: string; message: string } | null;
  /**
   * Serve HTTPS with this certificate, asking every client for a certificate checked against
   * `ca`. A client without a good one still connects (health probes carry none); `admit` decides.
   */
  tls?: TlsFiles;
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
 * Sent with every answer, the console's and GraphiQL's pages included: scripts, styles, fonts
 * and requests from this server only (GraphiQL's fonts are data: URLs, React sets inline
 * styles; the one inline script allowed is GraphiQL's start-up, by its hash), no plugins, never
 * inside another site's frame, and no guessing of content types.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    `script-src 'self' ${GRAPHIQL_SCRIPT_SOURCE}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
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
    bodyTimeoutMs: options.bodyTimeoutMs ?? LIMIT_SETTINGS.bodyTimeoutMs.default,
    maxVariableDepth: options.maxVariableDepth ?? LIMIT_SETTINGS.maxVariableDepth.default,
    maxVariableKeys: options.maxVariableKeys ?? LIMIT_SETTINGS.maxVariableKeys.default,
  };
  // Node's own clocks bound a request's headers (a slow-loris sending them a byte at a time)
  // and the whole request; readBody bounds the body to the millisecond and answers 408. Node
  // looks at its clocks every connectionsCheckingInterval (30 s by default): more often here.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  let onIdle: (() => void) | null = null;
  const server = serverFactory(options.tls, limits.bodyTimeoutMs)(
    {
      headersTimeout: limits.bodyTimeoutMs,
      requestTimeout: limits.bodyTimeoutMs * 2,
      connectionsCheckingInterval: Math.min(1_000, limits.bodyTimeoutMs),
    },
    (req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      if (draining) {
        // A kept-alive connection's next request after the stop began: not started, and the
        // connection closes with the answer; another instance (or this one restarted) takes it.
        res.setHeader("connection", "close");
        res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
        return void refuse(res, 503, "the server is stopping; send the request again", { code: "SHUTTING_DOWN" });
      }
      inFlight.add(res);
      res.once("close", () => {
        inFlight.delete(res);
        if (draining) server.closeIdleConnections();
        if (inFlight.size === 0) onIdle?.();
      });
      // Every line logged for this request carries its id, which the client gets back; a
      // client's own id is kept when it looks like one (headers.ts), else a fresh one is made.
      const requestId = requestIdFrom(header(req, "x-request-id"));
      res.setHeader("x-request-id", requestId);
      withLogContext({ requestId }, () => void traced(apollo, options, limits, requestId, req, res));
    },
  );
  server.maxConnections = options.maxConnections ?? LIMIT_SETTINGS.maxConnections.default;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  let drained: Promise<{ cut: number }> | null = null;
  const drain = (graceMs: number | undefined) =>
    (drained ??= (async () => {
      draining = true;
      // From here no connection is accepted; idle kept-alive ones close now, busy ones once
      // their answer is out (the `connection: close` below).
      server.close();
      server.closeIdleConnections();
      for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        new Promise<true>((resolve) => {
          onIdle = () => resolve(true);
          if (inFlight.size === 0) resolve(true);
        }),
        new Promise<false>((resolve) => {
          if (graceMs !== undefined) timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]).finally(() => clearTimeout(timer));
      const cut = finished ? 0 : inFlight.size;
      server.closeAllConnections();
      await closed;
      return { cut };
    })());
  return {
    url: `${options.tls ? "https" : "http"}://${options.host}:${port}/graphql`,
    port,
    close: drain,
  };
}

/**
 * node:http's server, or with `tls` node:https's, which asks every client for a certificate and
 * lets one without a good certificate connect: `admit` refuses its GraphQL requests (so a
 * router without one is told why in an answer, not by a broken handshake), and health probes,
 * which carry none, are answered. The TLS handshake has the body's time limit.
 */
function serverFactory(
  tls: TlsFiles | undefined,
  handshakeTimeout: number,
): (options: ServerOptions, listener: RequestListener) => Server {
  if (!tls) return createServer;
  return (options, listener) =>
    createTlsServer({ ...options, ...tls, requestCert: true, rejectUnauthorized: false, handshakeTimeout }, listener);
}

/** Paths an orchestrator or a browser polls: answered without a span, a log line or a metric. */
const UNTRACED = new Set(["/healthz", "/readyz", "/favicon.ico"]);

/** One request, in a server span continuing the caller's trace when tracing is on. */
async function traced<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C>,
  limits: RequestLimits,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const run = () =>
    handle(apollo, options, limits, requestId, req, res).catch((error: unknown) =>
      answerInternalError(res, error, options.name),
    );
  const path = (req.url ?? "/").split("?")[0]!;
  if (UNTRACED.has(path)) return run();
  const method = req.method ?? "GET";
  await serverSpan(
    `${options.name ?? "http"} ${method} ${path.startsWith("/graphql") ? "/graphql" : "other"}`,
    req.headers,
    { "hub.server": options.name ?? "http", "http.request.method": method, "hub.request_id": requestId },
    async (span) => {
      await run();
      span?.setAttribute("http.response.status_code", res.statusCode);
    },
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface RequestLimits {
  maxBody: number;
  maxBatch: number;
  timeoutMs: number;
  bodyTimeoutMs: number;
  maxVariableDepth: number;
  maxVariableKeys: number;
}

/** How deep a body nests around its variables: a batch's array, the request, the variables object. */
const BODY_OWN_DEPTH = 3;

/**
 * A failure no route answered: logged under a fresh id, which the client is told. The database
 * being away is not the server's fault: 503 with `Retry-After`, so a client or a load balancer
 * knows to try again.
 */
function answerInternalError(res: ServerResponse, error: unknown, server = "http"): void {
  const errorId = randomUUID();
  reportToStderr(errorId, error);
  const unavailable = isDatabaseUnavailable(error);
  hubMetrics.errors.inc({
    server,
    code: unavailable ? ErrorCode.DATABASE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR,
  });
  if (!res.headersSent && unavailable) {
    res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    sendJson(res, 503, {
      errors: [
        {
          message: `the database is unavailable; try again in a few seconds (error ${errorId})`,
          extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, errorId },
        },
      ],
    });
  } else if (!res.headersSent)
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
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (await answeredBeforeGraphQL(options, req, res, url)) return;
  const request = await readGraphQLRequest(options, limits, req, url);
  if (request === null) return;
  if ("refused" in request) {
    // A refusal costs its caller an operation like any other (the gateway's budgets).
    const headers = headerMapOf(req);
    await options.countRefusal?.({ get: (name) => headers.get(name) });
    hubMetrics.errors.inc({
      server: options.name ?? "http",
      code: errorCodeLabel(request.refused.extensions.code, HTTP_REFUSAL_CODES),
    });
    return sendRefusal(req, res, request);
  }
  // The context sees the id the client was sent back (a fresh one when the client's was unfit).
  request.headers.set("x-request-id", requestId);
  await executeGraphQL(apollo, options, limits.timeoutMs, req, res, url, request);
}

/** Answers anything but /graphql: the health check, the routes, GraphiQL and its assets, 404. */
async function answeredBeforeGraphQL<C>(
  options: HttpOptions<C>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  // Liveness: the process answers; nothing else is touched. Readiness: may it take traffic?
  if (url.pathname === "/healthz") {
    send(res, 200, "text/plain", "ok\n");
    return true;
  }
  if (url.pathname === "/readyz") {
    const readiness = options.ready ? await options.ready() : null;
    if (!readiness) sendJson(res, 200, { status: "ready" });
    else if (readiness.ok) sendJson(res, 200, { status: "ready", checks: readiness.checks });
    else sendJson(res, 503, { status: "not ready", failing: readiness.failing, checks: readiness.checks });
    return true;
  }
  for (const route of options.routes ?? []) if (await route(req, res, url)) return true;
  if (options.graphiql && url.pathname === "/graphiql") {
    send(res, 200, "text/html; charset=utf-8", graphiqlPage());
    return true;
  }
  // A browser opening the endpoint gets GraphiQL, from this server (never Apollo's landing
  // page, which loads an explorer from a CDN and is turned off).
  if (options.graphiql && url.pathname === "/graphql" && req.method === "GET" && !url.searchParams.has("query")) {
    if (/text\/html/.test(req.headers.accept ?? "")) {
      res.writeHead(302, { location: "/graphiql", "cache-control": "no-store" }).end();
      return true;
    }
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

/** The codes the HTTP layer refuses with (the rest of a label's values are "OTHER"). */
const HTTP_REFUSAL_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode),
  "PAYLOAD_TOO_LARGE",
  "BAD_REQUEST",
  "SHUTTING_DOWN",
]);

/** A GraphQL request that passed the checks on its body: its headers and its parsed body. */
interface GraphQLHttpRequest {
  headers: HeaderMap;
  body: unknown;
}

/** A request refused before GraphQL saw it: a GraphQL-shaped error as the whole answer. */
interface Refusal {
  refused: { status: number; message: string; extensions: Record<string, unknown> };
  /** The client may still be sending: cut the connection once the answer is out. */
  close?: boolean;
}

const refusal = (status: number, message: string, extensions: Record<string, unknown>): Refusal => ({
  refused: { status, message, extensions },
});

/**
 * Reads the body of a /graphql request and checks it before GraphQL sees it: the time it takes
 * to arrive, its size, the `admit` check, its shape, JSON, the batch size. Null when the client
 * went away.
 */
async function readGraphQLRequest<C>(
  options: HttpOptions<C>,
  limits: RequestLimits,
  req: IncomingMessage,
  url: URL,
): Promise<GraphQLHttpRequest | Refusal | null> {
  const { maxBody, maxBatch, bodyTimeoutMs } = limits;
  const raw = await readBody(req, maxBody, bodyTimeoutMs);
  if (raw === "aborted") return null; // nobody to answer
  if (raw === "too slow") {
    const setting = LIMIT_SETTINGS.bodyTimeoutMs;
    const message = `the request body did not arrive within the limit of ${bodyTimeoutMs} ms (${setting.env})`;
    return {
      ...refusal(408, message, { code: ErrorCode.REQUEST_TIMEOUT, limit: setting.env, max: bodyTimeoutMs }),
      close: true,
    };
  }
  if (raw === "too large") {
    const setting = LIMIT_SETTINGS.maxBodyBytes;
    const message = `request body exceeds the limit of ${maxBody} bytes (${setting.env})`;
    return refusal(413, message, { code: "PAYLOAD_TOO_LARGE", limit: setting.env, max: maxBody });
  }
  const headers = headerMapOf(req);
  const denied = options.admit?.({
    method: req.method ?? "GET",
    path: url.pathname,
    headers: { get: (name) => headers.get(name) },
    body: raw,
    clientCertificate: options.tls ? clientCertificateOf(req.socket as TLSSocket) : null,
  });
  if (denied) return refusal(denied.status, denied.message, { code: denied.code });
  const shape = shapeRefusal(raw, limits);
  if (shape) return refusal(400, shape.message, shape.extensions);
  let body: unknown = undefined;
  if (req.method === "POST" && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return refusal(400, 'request body must be JSON: {"query": "…", "variables": {…}}', { code: "BAD_REQUEST" });
    }
  }
  if (Array.isArray(body) && body.length > maxBatch) {
    const setting = LIMIT_SETTINGS.maxBatch;
    return refusal(400, `${setting.what} ${body.length} exceeds the limit of ${maxBatch} (${setting.env})`, {
      code: ErrorCode.OPERATION_LIMIT_EXCEEDED,
      limit: setting.env,
      value: body.length,
      max: maxBatch,
    });
  }
  return { headers, body };
}

/** Whether the connection's client certificate chains to the server's CA, and if not, why not. */
function clientCertificateOf(socket: TLSSocket): { verified: boolean; problem: string | null } {
  if (socket.authorized) return { verified: true, problem: null };
  // Without a certificate OpenSSL still names a verification error: say what really happened.
  const presented = Object.keys(socket.getPeerCertificate()).length > 0;
  if (!presented) return { verified: false, problem: "no client certificate" };
  const error = socket.authorizationError as Error | string | null | undefined;
  const problem = error instanceof Error ? error.message : (error ?? "not verified");
  return { verified: false, problem: `client certificate not accepted: ${String(problem)}` };
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  return headers;
}

/** Sends a refusal; a client still sending its body is cut off once the answer is out. */
function sendRefusal(req: IncomingMessage, res: ServerResponse, { refused, close }: Refusal): void {
  if (close) {
    res.setHeader("connection", "close");
    res.once("finish", () => req.socket.destroy());
  }
  refuse(res, refused.status, refused.message, refused.extensions);
}

/**
 * A body nested deeper than the variables may be, or with an object wider than they may hold,
 * is refused before JSON.parse spends its time on it (json-shape.ts); null when it may be parsed.
 */
function shapeRefusal(
  raw: Buffer,
  { maxVariableDepth, maxVariableKeys }: RequestLimits,
): { message: string; extensions: Record<string, unknown> } | null {
  const excess = jsonShapeExcess(raw, { maxDepth: maxVariableDepth + BODY_OWN_DEPTH, maxMembers: maxVariableKeys });
  if (!excess) return null;
  const code = ErrorCode.OPERATION_LIMIT_EXCEEDED;
  if (excess.kind === "members") {
    const setting = LIMIT_SETTINGS.maxVariableKeys;
    return {
      message: `an object in the request body holds more than ${maxVariableKeys} keys (${setting.env})`,
      extensions: { code, limit: setting.env, max: maxVariableKeys },
    };
  }
  const setting = LIMIT_SETTINGS.maxVariableDepth;
  return {
    message:
      `the request body nests more than ${maxVariableDepth} levels deep below its variables ` +
      `(${setting.env}): parsing stopped at level ${excess.depth}`,
    extensions: { code, limit: setting.env, max: maxVariableDepth },
  };
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
  // The timer answers the client and stops the request's database work: the statements under way
  // are cancelled on the server and no more are sent (db/cancellation.ts). A client that goes away
  // before its answer (a router that gave up) stops it the same way.
  const stop = new AbortController();
  const clientGone = () => {
    if (!res.writableFinished) stop.abort(new Error("the client closed the connection before the answer"));
  };
  res.once("close", clientGone);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">(
    (resolve) =>
      (timer = setTimeout(() => {
        stop.abort(new Error(`the execution timeout of ${timeoutMs} ms passed`));
        resolve("timeout");
      }, timeoutMs)),
  );
  const response = await Promise.race([
    withCancellation(stop.signal, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => options.context({ get: (name) => headers.get(name) }),
      }),
    ),
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
  if (response.body.kind === "complete") {
    if (res.statusCode === 200 && databaseWasUnavailable(response.body.string)) {
      res.statusCode = 503;
      res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    }
    return void res.end(response.body.string);
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * An answer with an error coded DATABASE_UNAVAILABLE (error-format.ts codes every error that
 * says the database could not be reached): the whole answer is 503, since what data it has may
 * be partial. The text is searched before it is parsed, so other answers cost nothing.
 */
function databaseWasUnavailable(body: string): boolean {
  if (!body.includes(ErrorCode.DATABASE_UNAVAILABLE)) return false;
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (parsed.errors ?? []).some((e) => e.extensions?.code === ErrorCode.DATABASE_UNAVAILABLE);
  } catch {
    return false;
  }
}

/**
 * The body; "too large" when it is over the limit, "too slow" when it has not all arrived
 * within `timeoutMs` of the request's start (a slow-loris holds a connection open by sending
 * its body one byte short, or a byte a minute). An oversized body is read on (and dropped) up
 * to eight times the limit, so the client sees the 413 instead of a connection reset
 * mid-upload; beyond that the connection is simply cut.
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError);
      // Whatever else a slow client sends is read and dropped until the connection is cut.
      if (result === "too slow") req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit * 8) {
        req.destroy();
        finish("too large");
      } else if (size <= limit) chunks.push(chunk);
    };
    const onEnd = () => finish(size > limit ? "too large" : Buffer.concat(chunks));
    const onError = () => finish("aborted");
    const timer = setTimeout(() => finish("too slow"), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/** A body, or why there is none: over the size limit, over the time limit, or the client went away. */
type BodyRead = Buffer | "too large" | "too slow" | "aborted";

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cacheControl = "no-store") {
  res.writeHead(status, { "content-type": type, "cache-control": cacheControl });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, "application/json", JSON.stringify(body));
}
