import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withColumnsSection } from "../ingest/columns-doc.ts";

/** Rewrites README.md's "Department files: columns" section from the record kinds (tests/ingest/columns-doc.test.ts fails while it is stale). */
const path = join(process.cwd(), "README.md");
const before = readFileSync(path, "utf8");
const after = withColumnsSection(before);
if (after === before) console.log("README.md: the department file columns are up to date");
else {
  writeFileSync(path, after);
  console.log("README.md: rewrote the department file columns section");
}
