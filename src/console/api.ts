import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { hubErrorCode, type HubErrorCode } from "./logic/hub-errors.ts";

/**
 * A request the hub refused or could not answer. `message` is the server's own text, kept for
 * the developer console only: the page shows a message chosen by `code` in the user's language.
 */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly code: HubErrorCode,
    /** Seconds to wait, from Retry-After (503, 429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

type Listener = (error: HubRequestError) => void;
let onUnauthenticated: Listener | null = null;

/** The app's handler for an expired or refused token: it asks the user to sign in again. */
export function setUnauthenticatedHandler(listener: Listener | null): void {
  onUnauthenticated = listener;
}

const renewedListeners = new Set<() => void>();

/**
 * Tells every load that failed for want of a valid session to run again: the user signed in
 * anew (possibly with the same token string, when a demo token is re-issued within a second).
 */
export function sessionRenewed(): void {
  for (const listener of renewedListeners) listener();
}

export function onSessionRenewed(listener: () => void): () => void {
  renewedListeners.add(listener);
  return () => void renewedListeners.delete(listener);
}

/**
 * Runs one typed operation against the hub's own /graphql with the user's token: the same
 * endpoint and the same rules as any other client, nothing the console could widen. Partial
 * answers (a field the role may not read) come back as data with those fields null; an answer
 * with errors and no usable data throws a HubRequestError.
 */
export async function runOperation<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
  variables: TVariables,
  token: string,
  purpose: string,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-purpose": purpose },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (error) {
    throw new HubRequestError(error instanceof Error ? error.message : String(error), "NETWORK");
  }
  const retryAfterHeader = Number(response.headers.get("retry-after"));
  const retryAfter = Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : null;
  let body: { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new HubRequestError(`HTTP ${response.status}`, hubErrorCode(null, response.status), retryAfter);
  }
  const first = body.errors?.[0];
  if (!body.data || (first && Object.values(body.data as object).every((v) => v === null))) {
    const error = new HubRequestError(
      first?.message ?? `HTTP ${response.status}`,
      hubErrorCode(first?.extensions?.code, response.status),
      retryAfter,
    );
    if (error.code === "UNAUTHENTICATED") onUnauthenticated?.(error);
    throw error;
  }
  return body.data;
}
