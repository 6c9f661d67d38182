import { educationSubgraph } from "../subgraphs/education/index.ts";
import { healthSubgraph } from "../subgraphs/health/index.ts";
import { householdSubgraph } from "../subgraphs/household/index.ts";
import { hubSubgraph } from "../subgraphs/hub/index.ts";
import { insuranceSubgraph } from "../subgraphs/insurance/index.ts";
import type { SubgraphModule, SubgraphName } from "../graphql/subgraph.ts";

/** Every subgraph of the hub, by name: the one list the gateway, `npm run schema` and tests use. */
export const SUBGRAPHS: Readonly<Record<SubgraphName, SubgraphModule<never>>> = {
  household: householdSubgraph as SubgraphModule<never>,
  health: healthSubgraph as SubgraphModule<never>,
  education: educationSubgraph as SubgraphModule<never>,
  insurance: insuranceSubgraph as SubgraphModule<never>,
  hub: hubSubgraph as SubgraphModule<never>,
};
