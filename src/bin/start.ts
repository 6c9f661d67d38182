import { loadConfig, redactUrl } from "../config/index.ts";
import { countRecords } from "../db/counts.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { generateProvince } from "../generator/index.ts";
import { createProgress } from "../terminal/progress.ts";

/** Children in the demo province `npm start` seeds into an empty database. */
const DEMO_CHILDREN = 3_000;
const DEMO_SEED = 20_240_101;

async function main() {
  const config = loadConfig();
  const where = config.database.kind === "postgres" ? redactUrl(config.database.url) : (config.database.dataDir ?? "memory");
  console.log(`database: ${config.database.kind} (${where}); migrating…`);
  const database = await openMigratedDatabase(config);
  try {
    const before = await countRecords(database.db);
    if (before.persons === 0 && before.schools === 0) {
      const asOf = new Date().toISOString().slice(0, 10);
      console.log(`empty database: seeding a demo province of ${DEMO_CHILDREN.toLocaleString("en-US")} children as of ${asOf}`);
      const progress = createProgress("children", DEMO_CHILDREN);
      await generateProvince(database.db, { children: DEMO_CHILDREN, seed: DEMO_SEED, asOf, onProgress: (p) => progress.update(p.children) });
      progress.done();
    }
    const counts = await countRecords(database.db);
    console.log("loaded:");
    for (const [table, n] of Object.entries(counts)) console.log(`  ${table.padEnd(22)} ${n.toLocaleString("en-US").padStart(10)}`);
    // The federated graph (gateway and subgraphs) is served from here once it exists (issue #3).
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
