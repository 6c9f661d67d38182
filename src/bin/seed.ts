import { parseArgs } from "node:util";
import { loadConfig, redactUrl } from "../config/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { countRecords } from "../db/counts.ts";
import { dropEverything, openMigratedDatabase } from "../db/open.ts";
import { isValidIsoDate } from "../domain/dates.ts";
import { generateProvince } from "../generator/index.ts";
import { createProgress } from "../terminal/progress.ts";
import { linkAndAssess } from "./demo.ts";

const USAGE = `usage: npm run seed -- [--children N] [--seed S] [--as-of YYYY-MM-DD] [--reset] [--no-link]
       npm run seed -- --link [--as-of YYYY-MM-DD]

  writes a synthetic province, links its records into children and assesses their coverage as of
  --as-of (default today in China), so \`npm start\` serves it as it is
  --reset    drop everything first
  --no-link  write the records only (then \`npm run seed -- --link\` links and assesses them)
  --link     write nothing: link and assess the records already in the database (after an
             interrupted first start, or files imported into an unlinked database)`;

async function main() {
  const { values } = parseArgs({
    options: {
      children: { type: "string", default: "3000" },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string" },
      reset: { type: "boolean", default: false },
      link: { type: "boolean", default: false },
      "no-link": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const children = Number(values.children);
  const seed = Number(values.seed);
  // Today in China: the date the console's coverage is judged on (npm start and npm run coverage agree).
  const asOf = values["as-of"] ?? defaultAsOf();
  const problems = [
    !Number.isInteger(children) || children < 1
      ? `--children must be a whole number of at least 1, but got "${values.children}"`
      : null,
    !Number.isInteger(seed) ? `--seed must be a whole number, but got "${values.seed}"` : null,
    !isValidIsoDate(asOf) ? `--as-of must be a date like 2026-06-30, but got "${asOf}"` : null,
    values.link && (values.reset || values["no-link"])
      ? "--link writes nothing: it cannot go with --reset or --no-link"
      : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);

  const config = loadConfig();
  let database = await openMigratedDatabase(config);
  try {
    if (values.link) {
      const existing = await countRecords(database.db);
      if (existing.persons === 0 && existing.schools === 0)
        throw new Error("the database holds no records to link: run `npm run seed` (or import files) first");
      await linkAndAssess(database, asOf, "seed-link");
      return;
    }
    if (values.reset) {
      await dropEverything(database);
      await database.close();
      database = await openMigratedDatabase(config);
    }
    const existing = await countRecords(database.db);
    if (existing.persons! > 0 || existing.schools! > 0) {
      throw new Error(
        `the database already holds ${existing.persons} persons and ${existing.schools} schools; ` +
          "run with --reset to replace them" +
          (existing.children === 0 ? ", or with --link to link and assess them as they are" : ""),
      );
    }
    const where =
      config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
    console.log(
      `seeding ${children.toLocaleString("en-US")} children (seed ${seed}, as of ${asOf}) ` +
        `into ${config.database.kind} at ${where}`,
    );
    const progress = createProgress("children", children);
    const summary = await generateProvince(database.db, {
      children,
      seed,
      asOf,
      onProgress: (p) => progress.update(p.children, `${p.rows.toLocaleString("en-US")} rows`),
    });
    progress.done();
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    const seconds = (summary.milliseconds / 1000).toFixed(1);
    const rowsPerSecond = Math.round((rows / summary.milliseconds) * 1000).toLocaleString("en-US");
    console.log(`wrote ${rows.toLocaleString("en-US")} rows in ${seconds} s (${rowsPerSecond} rows/s)`);
    for (const [table, n] of Object.entries(summary.rows))
      console.log(`  ${table.padEnd(22)} ${n.toLocaleString("en-US").padStart(12)}`);
    if (values["no-link"]) {
      console.log("not linked (--no-link): `npm run seed -- --link` links and assesses them; until then no children");
      return;
    }
    await linkAndAssess(database, asOf, "seed");
    if (asOf !== defaultAsOf())
      console.log(`the console shows today's coverage: \`npm run coverage\` assesses it as of ${defaultAsOf()}`);
    console.log("next: `npm start`");
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
