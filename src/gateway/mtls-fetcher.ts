import { Agent, request } from "node:https";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import type { TlsFiles } from "../config/tls.ts";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/** Statuses whose response has no body (a Response refuses one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The gateway's fetch to subgraph servers over mutual TLS (HUB_GATEWAY_TLS_*): it presents the
 * gateway's client certificate and accepts only server certificates that chain to the given CA
 * (not the system's roots). Connections are kept alive and reused, as Apollo's default fetcher's
 * are. Node's own https module, because its global fetch cannot present a client certificate.
 *
 *   const fetcher = mutualTlsFetcher({ cert, key, ca });
 *   await fetcher("https://127.0.0.1:4101/graphql", { method: "POST", headers, body });
 */
export function mutualTlsFetcher(tls: TlsFiles): Fetcher {
  const agent = new Agent({ cert: tls.cert, key: tls.key, ca: tls.ca, keepAlive: true });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: init?.method ?? "GET", headers: init?.headers as Record<string, string> | undefined, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.once("error", reject);
          res.once("end", () => {
            const status = res.statusCode ?? 502;
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const one of [value ?? []].flat()) headers.append(name, one);
            const response = new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? "",
              headers,
            });
            // Apollo names the URL in the error of a failed fetch.
            Object.defineProperty(response, "url", { value: url });
            resolve(response as unknown as Awaited<ReturnType<Fetcher>>);
          });
        },
      );
      req.once("error", reject);
      req.end(init?.body);
    });
}
