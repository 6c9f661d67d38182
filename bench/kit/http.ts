/** A GraphQL request over HTTP as a client sends it (fetch keeps the connection alive between calls). */
export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: Record<string, unknown> | null; errors?: readonly { message: string }[] }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  try {
    return JSON.parse(text) as never;
  } catch {
    throw new Error(`${url} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
