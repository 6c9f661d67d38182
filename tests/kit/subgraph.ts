import { graphql, type ExecutionResult } from "graphql";
import type { Db } from "../../src/db/client.ts";
import { createSubgraphContext } from "../../src/graphql/context.ts";
import type { SubgraphModule } from "../../src/graphql/subgraph.ts";

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
  return graphql({ schema, source: query, variableValues: variables, contextValue: createSubgraphContext(module, db, { get: (n) => h.get(n) }) });
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
