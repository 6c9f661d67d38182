import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the operations under tests/operations/, generated from the composed
 * supergraph: `npm run gen:codegen`. Tests import them, so an operation that no longer fits the
 * schema fails to type-check; a test fails when the generated file is stale.
 */
export const CODEGEN_OUTPUT = "tests/operations/generated.ts";

const config: CodegenConfig = {
  schema: "schema/supergraph.graphql",
  documents: ["tests/operations/**/*.graphql"],
  generates: {
    [CODEGEN_OUTPUT]: {
      plugins: ["typescript-operations", "typed-document-node"],
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { Date: "string" }, avoidOptionals: { field: true } },
    },
  },
  // Quiet when it works, loud (and a non-zero exit) when an operation no longer fits the schema.
  errorsOnly: true,
};

export default config;
