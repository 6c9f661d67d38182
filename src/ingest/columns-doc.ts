import type { RecordKind } from "./kind.ts";
import { RECORD_KINDS } from "./kinds/index.ts";

export const COLUMNS_HEADING = "## Department files: columns";

/** Where a kind's sample file lives (written by the exporter from a tiny province). */
export function sampleFilePath(kind: RecordKind): string {
  return `tests/fixtures/${kind.department}/${kind.name}.csv`;
}

/**
 * The README section documenting every department file, column by column, generated from
 * RECORD_KINDS so the documentation cannot drift from what the importer checks (a test fails
 * when README.md differs; `npm run docs` rewrites it). Starts with its heading, ends with a newline.
 *
 *   columnsMarkdown() // "## Department files: columns\n\nDepartments send …\n\n### `household.household` …"
 */
export function columnsMarkdown(kinds: readonly RecordKind[] = RECORD_KINDS): string {
  const parts = [
    COLUMNS_HEADING,
    [
      "Departments send one file per kind of record, named after the kind (`household.person.csv`,",
      "or `.ndjson`): CSV with a header row of the column names below (any order; RFC 4180 quoting;",
      "UTF-8), or NDJSON with one object per line keyed by the same names. Every value is text; an",
      "empty value is absent. A column not listed is refused, so a misspelt header cannot drop data.",
      "Each kind is keyed by the department's own `record_id`: sending a record again updates it, and",
      "sending the same file twice changes nothing. `npx tsx src/bin/export.ts --dir out/` writes",
      "the seeded province in this format; the samples below come from it.",
      "",
      "<!-- Generated from src/ingest/kinds by `npm run gen:docs`; edit the kinds, not this section. -->",
    ].join("\n"),
  ];
  for (const kind of kinds) parts.push(kindMarkdown(kind));
  return `${parts.join("\n\n")}\n`;
}

function kindMarkdown(kind: RecordKind): string {
  const facts = [`Sample: [${sampleFilePath(kind)}](${sampleFilePath(kind)}).`];
  if (kind.linkSource) facts.unshift(`Describes a child: linked to the master child index as \`${kind.linkSource}\`.`);
  const rows = kind.columns.map((c) => {
    const example = c.example === "" ? "" : `\`${cell(c.example)}\``;
    return `| \`${c.name}\` | ${c.required ? "yes" : ""} | ${cell(c.description)} | ${example} |`;
  });
  return [
    `### \`${kind.name}\``,
    "",
    `${kind.description} ${facts.join(" ")}`,
    "",
    "| Column | Required | Contents | Example |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * README text with the columns section replaced by `section` (from its heading to the next
 * level-2 heading), or appended when it has none. Everything else is left byte for byte.
 */
export function withColumnsSection(readme: string, section: string = columnsMarkdown()): string {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l.trimEnd() === COLUMNS_HEADING);
  if (start === -1) return `${readme.trimEnd()}\n\n${section}`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end === -1) end = lines.length;
  const before = lines.slice(0, start).join("\n");
  const after = lines.slice(end).join("\n");
  return end === lines.length ? `${before}\n${section}` : `${before}\n${section}\n${after}`;
}
