import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives, type IResolvers } from "@graphql-tools/utils";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { applyPolicy } from "../access/fields/apply.ts";

/** The Federation 2 spec version every subgraph links: pinned here and nowhere else. */
export const FEDERATION_SPEC_URL = "https://specs.apollo.dev/federation/v2.7";
const FEDERATION_IMPORTS = ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"];

/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers, following type-graphql's
 * `examples/apollo-federation-2`: type-graphql builds the schema, its SDL (with the @key and
 * @shareable directives) goes to `buildSubgraphSchema`, and the resolvers come back as a map
 * merged with the entities' `__resolveReference`. Every subgraph is guarded here, in one place,
 * by the policy table's field rules (src/access/fields/apply.ts).
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, "skipCheck">,
  referenceResolvers: IResolvers = {},
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ ...options, skipCheck: true });
  const imports = FEDERATION_IMPORTS.map((d) => `"${d}"`).join(", ");
  const link = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: [${imports}])`;
  const typeDefs = parse(`${link}\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), ...(fields as Record<string, unknown>) };
  }
  return applyPolicy(buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }));
}
