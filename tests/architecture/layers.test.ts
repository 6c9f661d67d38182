import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The architecture as data (docs/architecture.md): every folder of src/ has a layer, and a file
 * may import only from its own layer or below. Read from the import statements of the files
 * themselves, so a new back-import fails here whoever writes it.
 */
const root = path.resolve(import.meta.dirname, "../..");

/** Bottom to top. */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "log.ts", "domain"],
  ["config"],
  ["db"],
  ["access", "linkage", "coverage", "ingest", "followup", "generator", "observability"],
  ["graphql", "subgraphs"],
  ["server"],
  ["gateway"],
  ["bin", "terminal"],
];

/**
 * The documented exceptions (at most two; docs/architecture.md says why):
 * none today.
 */
const ALLOWED_BACK_IMPORTS: readonly string[] = [];

const DEPARTMENTS = ["household", "health", "education", "insurance"];

function layerOf(file: string): number {
  const top = path.relative(path.join(root, "src"), file).split(path.sep)[0]!;
  const index = LAYERS.findIndex((layer) => layer.includes(top));
  if (index < 0) throw new Error(`${file}: src/${top} has no layer in this test (nor in docs/architecture.md)`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']+)["']|\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), m[1] ?? m[2]!));
}

/** src/ without the browser console, which imports nothing of the server (checked below). */
const files = sourceFiles(path.join(root, "src")).filter((f) => !f.includes(`${path.sep}console${path.sep}`));
const rel = (file: string) => path.relative(root, file);

describe("layers: domain ← db ← access and the engines ← graphql and subgraphs ← server ← gateway ← bin", () => {
  it("finds every folder of src/ in a layer", () => {
    for (const file of files) expect(() => layerOf(file)).not.toThrow();
  });

  it("has no import from a higher layer than the importing file's", () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith(path.join(root, "src")) && layerOf(target) > layerOf(file))
        .map((target) => `${rel(file)} -> ${rel(target)}`),
    );
    expect(upward.filter((edge) => !ALLOWED_BACK_IMPORTS.includes(edge))).toEqual([]);
    expect(ALLOWED_BACK_IMPORTS.length).toBeLessThanOrEqual(2);
  });

  it("keeps departments apart: a department's subgraph imports no other department's subgraph or tables", () => {
    const crossings: string[] = [];
    for (const department of DEPARTMENTS) {
      const dir = path.join(root, "src", "subgraphs", department);
      for (const file of sourceFiles(dir)) {
        for (const target of importsOf(file)) {
          const other = DEPARTMENTS.find(
            (d) =>
              d !== department &&
              (target.startsWith(path.join(root, "src", "subgraphs", d) + path.sep) ||
                target === path.join(root, "src", "db", "tables", `${d}.ts`)),
          );
          if (other) crossings.push(`${rel(file)} -> ${rel(target)}`);
        }
      }
    }
    expect(crossings).toEqual([]);
  });

  it("keeps the console a browser app that imports nothing of the server", () => {
    const consoleFiles = sourceFiles(path.join(root, "src", "console"));
    const outside = consoleFiles.flatMap((file) =>
      importsOf(file)
        .filter((target) => !target.startsWith(path.join(root, "src", "console") + path.sep))
        .map((target) => `${rel(file)} -> ${rel(target)}`),
    );
    expect(outside).toEqual([]);
  });
});

describe("one home per source: department tables are named in src/db only", () => {
  /** Every department table's SQL name, read from the table definitions. */
  function departmentTables(): string[] {
    const names: string[] = [];
    for (const department of DEPARTMENTS) {
      const text = readFileSync(path.join(root, "src", "db", "tables", `${department}.ts`), "utf8");
      for (const m of text.matchAll(/Schema\.table\(\s*"([a-z_]+)"/g)) names.push(`${department}.${m[1]}`);
    }
    return names;
  }

  /** The code of a file without its comments (a comment may name a table; code may not). */
  function codeOf(file: string): string {
    return (
      readFileSync(file, "utf8")
        // A record kind may share its table's name ("insurance.assistance_eligibility"): a kind is no table.
        .replace(/\bname: "[a-z]+\.[a-z_]+"/g, "")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/(^|[^:"'`])\/\/.*$/gm, "$1")
    );
  }

  it("finds the department tables (so the check below can fail)", () => {
    expect(departmentTables()).toEqual(expect.arrayContaining(["household.persons", "education.schools"]));
  });

  it("writes no department table's name by hand outside src/db (use the registry or the table objects)", () => {
    const tables = departmentTables();
    const outside = files
      .filter((file) => !file.startsWith(path.join(root, "src", "db") + path.sep))
      .flatMap((file) => {
        const code = codeOf(file);
        return tables
          .filter((t) => new RegExp(`\\b${t.replace(".", "\\.")}\\b`).test(code))
          .map((t) => `${rel(file)}: ${t}`);
      });
    expect(outside).toEqual([]);
  });
});
