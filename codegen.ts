import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents generated from the composed supergraph: `npm run gen:codegen`.
 *
 * - tests/operations/*.graphql → tests/operations/generated.ts (DocumentNodes the tests run).
 * - src/console/operations/*.graphql → src/console/operations/generated.ts, as typed strings
 *   (`documentMode: "string"`): the browser sends the text as it is, so the console bundles no
 *   GraphQL parser or printer.
 *
 * An operation that no longer fits the schema fails to type-check; a test fails when a
 * generated file is stale (tests/gateway/generated-files.test.ts).
 */
export const CODEGEN_OUTPUT = "tests/operations/generated.ts";
export const CONSOLE_CODEGEN_OUTPUT = "src/console/operations/generated.ts";

const typedConfig = {
  enumsAsTypes: true,
  useTypeImports: true,
  scalars: { Date: "string" },
  avoidOptionals: { field: true },
};

const config: CodegenConfig = {
  schema: "schema/supergraph.graphql",
  generates: {
    [CODEGEN_OUTPUT]: {
      documents: ["tests/operations/**/*.graphql"],
      plugins: ["typescript-operations", "typed-document-node"],
      config: typedConfig,
    },
    [CONSOLE_CODEGEN_OUTPUT]: {
      documents: ["src/console/operations/**/*.graphql"],
      plugins: ["typescript-operations", "typed-document-node"],
      config: { ...typedConfig, documentMode: "string" },
    },
  },
  // Quiet when it works, loud (and a non-zero exit) when an operation no longer fits the schema.
  errorsOnly: true,
};

export default config;
