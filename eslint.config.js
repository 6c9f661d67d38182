// @ts-check
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * One lint configuration for the whole tree (server, console, tests, benchmarks). Formatting is
 * prettier's (`npm run check:format`); these rules catch what a formatter cannot: unused code,
 * lines prettier cannot break (long strings, comments, SQL), and functions too long to read.
 * The layer rule (what may import what) is `npm run check:layers`.
 */
export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "data/",
      "migrations/",
      "schema/",
      "coverage/",
      ".tmp/",
      ".scratch/",
      "bench/results/",
      "**/generated.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { "@stylistic": stylistic },
    rules: {
      "@stylistic/max-len": ["error", { code: 120, tabWidth: 2, ignoreUrls: true }],
      "max-lines-per-function": ["error", { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["src/console/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Test bodies are long lists of cases by design; the limit is for the code under test.
    files: ["tests/**/*.ts"],
    rules: { "max-lines-per-function": "off" },
  },
);
