import { graphql, GraphQLError, type ExecutionResult } from "graphql";
import type { Db } from "../../src/db/client.ts";
import { createSubgraphContext, finishAudit } from "../../src/graphql/context.ts";
import type { SubgraphModule } from "../../src/graphql/subgraph.ts";
import { testAuth } from "./auth.ts";

/**
 * Runs an operation against one subgraph directly (no gateway), with the context its HTTP
 * server would build from these headers: how tests reach `_entities` and subgraph-only paths.
 */
export async function executeSubgraph<L>(
  module: SubgraphModule<L>,
  db: Db,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<ExecutionResult> {
  const schema = await schemaOf(module);
  const h = new Headers(headers);
  let contextValue;
  try {
    contextValue = await createSubgraphContext(module, db, { get: (n) => h.get(n) }, testAuth);
  } catch (error) {
    // As the subgraph's HTTP server answers a refused token: an error response.
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  return finishAudit(
    contextValue.audit,
    await graphql({ schema, source: query, variableValues: variables, contextValue }),
  );
}

const schemas = new Map<string, ReturnType<SubgraphModule["buildSchema"]>>();
function schemaOf(module: SubgraphModule<unknown>) {
  let schema = schemas.get(module.name);
  if (!schema) {
    schema = module.buildSchema();
    schemas.set(module.name, schema);
  }
  return schema;
}
