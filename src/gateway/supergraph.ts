import { readFileSync } from "node:fs";
import path from "node:path";

/** The composed supergraph checked in under schema/ (written by `npm run schema`). */
export function readSupergraph(projectRoot: string = process.cwd()): string {
  const file = path.join(projectRoot, "schema", "supergraph.graphql");
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${file}: run \`npm run schema\` to compose it`, { cause: error });
  }
}
