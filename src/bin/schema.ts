import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildAllSchemas } from "../gateway/compose.ts";

/**
 * `npm run schema`: writes schema/<subgraph>.graphql and the composed schema/supergraph.graphql.
 * `npm run schema -- --check`: fails when a checked-in file differs from what the code produces.
 */
async function main() {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const { subgraphs, supergraph } = await buildAllSchemas();
  const files = new Map<string, string>(
    subgraphs.map((s) => [path.join("schema", `${s.name}.graphql`), `${s.sdl.trim()}\n`]),
  );
  files.set(path.join("schema", "supergraph.graphql"), `${supergraph.trim()}\n`);
  const stale: string[] = [];
  for (const [file, content] of files) {
    if (values.check) {
      let current = "";
      try {
        current = readFileSync(file, "utf8");
      } catch {
        /* missing counts as stale */
      }
      if (current !== content) stale.push(file);
    } else {
      writeFileSync(file, content);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length > 0) {
    console.error(`stale generated schema files (run \`npm run schema\` and commit them):\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
