import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { generate } from "@graphql-codegen/cli";
import codegenConfig from "../../codegen.ts";
import drizzleConfig from "../../drizzle.config.ts";
import { schemaFiles } from "../gateway/schema-files.ts";
import { withColumnsSection } from "../ingest/columns-doc.ts";

/**
 * The generated files, written or checked in one place:
 *
 *   npm run gen               every generated file (schema, typed operations, README tables, migrations)
 *   npm run gen:schema        schema/<subgraph>.graphql and schema/supergraph.graphql
 *   npm run gen:docs          README.md's "Department files: columns" section
 *   npm run check:generated   fails, naming the files, when any of them is stale
 *
 * Typed operations come from graphql-codegen (codegen.ts) and migrations from drizzle-kit
 * (drizzle.config.ts); the check runs both into memory or a temporary folder, never over the tree.
 */
const PARTS = ["schema", "codegen", "docs", "migrations"] as const;
type Part = (typeof PARTS)[number];

const root = process.cwd();

async function expectedFiles(part: Exclude<Part, "migrations">): Promise<Map<string, string>> {
  switch (part) {
    case "schema":
      return schemaFiles();
    case "codegen": {
      const outputs = await generate({ ...codegenConfig, cwd: root, silent: true }, false);
      return new Map(outputs.map((o: { filename: string; content: string }) => [o.filename, o.content]));
    }
    case "docs": {
      const readme = readFileSync(path.join(root, "README.md"), "utf8");
      return new Map([["README.md", withColumnsSection(readme)]]);
    }
    default: {
      const _: never = part;
      return _;
    }
  }
}

/** The migrations drizzle-kit would add for the current tables, generated into a copy of the folder. */
function newMigrations(): string[] {
  // Under the project (.tmp/ is ignored): drizzle-kit reads `out` relative to the working directory.
  mkdirSync(path.join(root, ".tmp"), { recursive: true });
  const tmp = mkdtempSync(path.join(root, ".tmp", "migrations-"));
  try {
    const out = path.join(tmp, "migrations");
    cpSync(path.join(root, drizzleConfig.out ?? "migrations"), out, { recursive: true });
    const config = path.join(tmp, "drizzle.config.json");
    writeFileSync(config, JSON.stringify({ ...drizzleConfig, out: path.relative(root, out) }));
    const before = new Set(readdirSync(out));
    execFileSync(path.join(root, "node_modules/.bin/drizzle-kit"), ["generate", "--config", config], {
      cwd: root,
      stdio: "pipe",
    });
    return readdirSync(out).filter((f) => !before.has(f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { check: { type: "boolean", default: false } },
  });
  const asked = positionals.length === 0 || positionals.includes("all") ? [...PARTS] : positionals;
  for (const part of asked) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`unknown part ${part}`);
  const stale: string[] = [];
  for (const part of asked as Part[]) {
    if (part === "migrations") {
      if (values.check) stale.push(...newMigrations().map((f) => `migrations/${f} (run \`npm run gen:migrations\`)`));
      else execFileSync(path.join(root, "node_modules/.bin/drizzle-kit"), ["generate"], { stdio: "inherit" });
      continue;
    }
    for (const [file, content] of await expectedFiles(part)) {
      const full = path.resolve(root, file);
      const current = existsSync(full) ? readFileSync(full, "utf8") : null;
      if (current === content) continue;
      if (values.check) stale.push(`${path.relative(root, full)} (run \`npm run gen:${part}\`)`);
      else {
        writeFileSync(full, content);
        console.log(`wrote ${path.relative(root, full)}`);
      }
    }
  }
  if (stale.length > 0) {
    console.error(`stale generated files; regenerate and commit them:\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
