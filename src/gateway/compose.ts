import { composeServices } from "@apollo/composition";
import { printSubgraphSchema } from "@apollo/subgraph";
import { parse, type GraphQLSchema } from "graphql";
import type { SubgraphName } from "../graphql/subgraph.ts";

export interface SubgraphSdl {
  name: SubgraphName;
  sdl: string;
}

/** The SDL a subgraph serves at `_service { sdl }`. */
export function subgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}

/**
 * Composes the subgraphs into a supergraph with @apollo/composition (no Rover, no network).
 * Composition errors are thrown together, each with its code.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: `http://${s.name}.subgraph.invalid/graphql`, typeDefs: parse(s.sdl) })),
  );
  if (result.errors && result.errors.length > 0) {
    const detail = result.errors
      .map((e) => `  - ${(e.extensions?.code as string | undefined) ?? "ERROR"}: ${e.message}`)
      .join("\n");
    throw new Error(`supergraph composition failed:\n${detail}`);
  }
  if (!result.supergraphSdl) throw new Error("supergraph composition produced no SDL");
  return result.supergraphSdl;
}

/** Every subgraph's SDL and the supergraph composed from them, as `npm run schema` writes them. */
export async function buildAllSchemas(): Promise<{ subgraphs: SubgraphSdl[]; supergraph: string }> {
  const { SUBGRAPHS } = await import("./subgraphs.ts");
  const subgraphs: SubgraphSdl[] = [];
  for (const module of Object.values(SUBGRAPHS))
    subgraphs.push({ name: module.name, sdl: subgraphSdl(await module.buildSchema()) });
  return { subgraphs, supergraph: composeSupergraph(subgraphs) };
}
