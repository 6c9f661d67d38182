import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";

/** A GraphQL error the hub answered with; `code` is its extensions.code (FORBIDDEN, UNAUTHENTICATED, …). */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/**
 * Runs one typed operation against the hub's own /graphql with the user's token: the same
 * endpoint and the same rules as any other client, nothing the console could widen. Partial
 * answers (a field the role may not read) come back as data with those fields null; an answer
 * with errors and no usable data throws.
 */
export async function runOperation<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
  variables: TVariables,
  token: string,
  purpose: string,
): Promise<TResult> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-purpose": purpose },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  let body: { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new HubRequestError(`HTTP ${response.status}`, null);
  }
  const first = body.errors?.[0];
  if (!body.data || (first && Object.values(body.data as object).every((v) => v === null))) {
    throw new HubRequestError(first?.message ?? `HTTP ${response.status}`, first?.extensions?.code ?? null);
  }
  return body.data;
}
