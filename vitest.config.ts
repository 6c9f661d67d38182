import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite would load graphql's ESM build while the CommonJS Apollo packages load the CJS one:
    // two copies of graphql ("another module or realm"). Pin the root import to one file.
    alias: [{ find: /^graphql$/, replacement: safeResolve("graphql") }],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/kit/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});

function safeResolve(id: string): string {
  try {
    return require.resolve(id);
  } catch {
    return id; // not installed yet: nothing to dedupe
  }
}
