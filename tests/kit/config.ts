import { loadConfig } from "../../src/config/index.ts";
import { ConfigError } from "../../src/errors.ts";

/** The problems `loadConfig` reports for an environment (empty when it loads). */
export function configProblemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/project", () => {});
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
