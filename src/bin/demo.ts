import type { Database } from "../db/client.ts";
import { countRecords } from "../db/counts.ts";
import { generateProvince } from "../generator/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { buildSnapshot } from "../coverage/store.ts";
import { linkAll } from "../linkage/index.ts";
import { hubMetrics } from "../observability/metrics.ts";
import { createProgress } from "../terminal/progress.ts";

/** Children in the demo province `npm start` seeds into an empty database. */
export const DEMO_CHILDREN = 3_000;
export const DEMO_SEED = 20_240_101;

/** Seeds the demo province and links its records when the database is empty; otherwise leaves it alone. */
export async function seedDemoProvince(database: Database): Promise<void> {
  const before = await countRecords(database.db);
  if (before.persons !== 0 || before.schools !== 0) return;
  // Today in China: the date the coverage snapshot is judged on too.
  const asOf = defaultAsOf();
  console.log(
    `empty database: seeding a demo province of ${DEMO_CHILDREN.toLocaleString("en-US")} children as of ${asOf}`,
  );
  const progress = createProgress("children", DEMO_CHILDREN);
  await generateProvince(database.db, {
    children: DEMO_CHILDREN,
    seed: DEMO_SEED,
    asOf,
    onProgress: (p) => progress.update(p.children),
  });
  progress.done();
  const linked = await linkAll(database.db, { actor: "demo-seed" });
  console.log(
    `linked the departments' records into ${linked.children.toLocaleString("en-US")} children ` +
      `(${linked.reviewsOpened.toLocaleString("en-US")} pairs left for review)`,
  );
  const assessed = await hubMetrics.timeSnapshotBuild(() => buildSnapshot(database.db, asOf));
  console.log(`assessed the coverage of ${assessed.toLocaleString("en-US")} children as of ${asOf}`);
}
