import { signatureHeaders } from "../../src/server/signature.ts";

/**
 * A POST to a subgraph server as the gateway sends it: signed with the gateway's key (subgraphs
 * refuse unsigned requests).
 */
export async function postSignedGraphql(
  url: string,
  key: Uint8Array | null,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ query, variables });
  if (!key) return postGraphql(url, query, variables, headers, body);
  const signed = signatureHeaders(
    key,
    {
      method: "POST",
      path: new URL(url).pathname,
      body,
      authorization: headers.authorization ?? null,
      purpose: headers["x-purpose"] ?? null,
      requestId: headers["x-request-id"] ?? null,
    },
    Date.now(),
  );
  return postGraphql(url, query, variables, { ...headers, ...signed }, body);
}

/** A GraphQL request over HTTP as a client sends it (fetch keeps the connection alive between calls). */
export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  body: string = JSON.stringify({ query, variables }),
): Promise<{ data?: Record<string, unknown> | null; errors?: readonly { message: string }[] }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as never;
  } catch {
    throw new Error(`${url} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
