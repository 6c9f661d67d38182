import { GraphQLError } from "graphql";
import type { AuthConfig } from "../../config/index.ts";
import { ErrorCode } from "../../errors.ts";
import { AuthenticationError, verifyAuthorization } from "./tokens.ts";
import type { Viewer } from "./viewer.ts";

/**
 * `verifyAuthorization` for a GraphQL request: a refused token becomes a GraphQLError with
 * code UNAUTHENTICATED, the reason, tokens.ts's exact message and HTTP status 401 (Apollo Server
 * passes a GraphQLError thrown by a context function or a plugin through unchanged, where any
 * other error would become "Context creation failed" with status 500).
 */
export async function authenticate(header: string | null | undefined, config: AuthConfig): Promise<Viewer> {
  try {
    return await verifyAuthorization(header, config);
  } catch (error) {
    if (error instanceof AuthenticationError) throw unauthenticated(error);
    throw error;
  }
}

export function unauthenticated(error: AuthenticationError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, reason: error.reason, http: { status: 401 } },
  });
}
