import { ApolloGateway, type GraphQLDataSource } from "@apollo/gateway";
import type { AuthConfig, HardeningConfig } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../graphql/subgraph.ts";
import { ForwardingRemoteDataSource, InProcessSubgraphDataSource } from "./data-sources.ts";
import { SUBGRAPHS } from "./subgraphs.ts";

/** Where each subgraph is: in this process (on this database) or at a URL. */
export type SubgraphLocations =
  { kind: "in-process"; db: Db } | { kind: "remote"; urls: Readonly<Record<SubgraphName, string>> };

/**
 * An Apollo Gateway on the checked-in supergraph: the query planner fetches from the subgraphs
 * in this process, or over HTTP from each department's own service (signing its requests with
 * `gatewaySecret`, over mutual TLS with `gatewayTls`).
 */
export async function createGateway(
  supergraphSdl: string,
  locations: SubgraphLocations,
  auth: AuthConfig,
  { gatewaySecret, gatewayTls }: Pick<HardeningConfig, "gatewaySecret" | "gatewayTls"> = {
    gatewaySecret: null,
    gatewayTls: null,
  },
): Promise<ApolloGateway> {
  const local = new Map<string, GraphQLDataSource>();
  if (locations.kind === "in-process") {
    for (const name of SUBGRAPH_NAMES) {
      const module = SUBGRAPHS[name];
      local.set(name, new InProcessSubgraphDataSource(await module.buildSchema(), module, locations.db, auth));
    }
  }
  // @apollo/gateway reports host metrics to Apollo every hour, and probes the cloud metadata
  // addresses (169.254.169.254, metadata.google.internal, …) as it is built, unless this is set:
  // nothing about the hub may leave it. Read in the constructor, so set before it.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      if (locations.kind === "in-process") {
        const source = local.get(name);
        if (!source) throw new Error(`the supergraph names a subgraph "${name}" this build does not have`);
        return source;
      }
      const url = locations.urls[name as SubgraphName];
      if (!url) throw new Error(`no URL for subgraph "${name}": pass --remote ${name}=http://host:port/graphql`);
      return new ForwardingRemoteDataSource({ url, gatewaySecret, tls: gatewayTls });
    },
  });
}
