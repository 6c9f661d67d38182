/**
 * graphql-codegen configuration: typed documents for the operations under tests/operations/,
 * generated from the composed supergraph. The supergraph arrives with the federated graph
 * (issue #3); until then there is nothing to generate.
 */
const config = {
  schema: "schema/supergraph.graphql",
  documents: ["tests/operations/**/*.graphql"],
  generates: {},
};

export default config;
