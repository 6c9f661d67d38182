import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { COLUMNS_HEADING, columnsMarkdown, sampleFilePath, withColumnsSection } from "../../src/ingest/columns-doc.ts";
import { parseRow } from "../../src/ingest/kind.ts";
import { RECORD_KINDS } from "../../src/ingest/kinds/index.ts";

const readme = readFileSync("README.md", "utf8");

describe("the README's department file columns", () => {
  it("are exactly what the record kinds generate (run `npm run gen:docs` after changing a kind)", () => {
    expect(readme.includes(`\n${COLUMNS_HEADING}\n`), `README.md has no "${COLUMNS_HEADING}" section`).toBe(true);
    expect(withColumnsSection(readme), "README.md is stale: run npm run gen:docs").toBe(readme);
  });

  it("list every column of every kind", () => {
    const markdown = columnsMarkdown();
    for (const kind of RECORD_KINDS) {
      expect(markdown).toContain(`### \`${kind.name}\``);
      for (const column of kind.columns) expect(markdown).toContain(`| \`${column.name}\` |`);
    }
  });

  it("escape the pipes of enumerations so a table cell stays one cell", () => {
    expect(columnsMarkdown()).toContain("KINDERGARTEN \\| PRIMARY");
  });
});

describe("rewriting the README section", () => {
  it("replaces the section up to the next level-2 heading and leaves the rest alone", () => {
    const before = `# Title\n\nIntro.\n\n${COLUMNS_HEADING}\n\nold text\n\n### old kind\n\n## Next\n\nkept\n`;
    expect(withColumnsSection(before, `${COLUMNS_HEADING}\n\nnew\n`)).toBe(
      `# Title\n\nIntro.\n\n${COLUMNS_HEADING}\n\nnew\n\n## Next\n\nkept\n`,
    );
  });

  it("appends the section when the README has none, and changes nothing the second time", () => {
    const once = withColumnsSection("# Title\n\nIntro.\n", `${COLUMNS_HEADING}\n\nnew\n`);
    expect(once).toBe(`# Title\n\nIntro.\n\n${COLUMNS_HEADING}\n\nnew\n`);
    expect(withColumnsSection(once, `${COLUMNS_HEADING}\n\nnew\n`)).toBe(once);
  });
});

describe.each(RECORD_KINDS.map((k) => [k.name, k] as const))("the sample file of %s", (_, kind) => {
  it("exists where the README links it, has the kind's header, and every row parses", () => {
    const rows = parse(readFileSync(sampleFilePath(kind), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(kind.columns.map((c) => c.name));
    expect(rows.map((r) => parseRow(kind, r)).filter((p) => !p.ok)).toEqual([]);
  });
});
