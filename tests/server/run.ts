import type { GatewayServer } from "../../src/gateway/gateway-server.ts";
import { gatewayContextFrom } from "../../src/gateway/gateway-server.ts";

export interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Runs an operation through the gateway's Apollo pipeline in-process, keeping the HTTP status it would answer with. */
export async function runOnGateway(
  gateway: GatewayServer,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const h = new Headers(headers);
  const response = await gateway.apollo.executeOperation(
    { query, variables },
    { contextValue: gatewayContextFrom({ get: (n) => h.get(n) }) },
  );
  if (response.body.kind !== "single") throw new Error("incremental delivery is not used by the hub");
  return { status: response.http.status ?? 200, ...(response.body.singleResult as Omit<Answer, "status">) };
}
