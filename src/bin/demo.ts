import type { Database } from "../db/client.ts";
import { countRecords } from "../db/counts.ts";
import { generateProvince } from "../generator/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { buildSnapshot } from "../coverage/store.ts";
import type { IsoDate } from "../domain/dates.ts";
import { linkAll } from "../linkage/index.ts";
import { hubMetrics } from "../observability/metrics.ts";
import { createProgress } from "../terminal/progress.ts";

/** Children in the demo province `npm start` seeds into an empty database. */
export const DEMO_CHILDREN = 3_000;
export const DEMO_SEED = 20_240_101;

const number = (n: number) => n.toLocaleString("en-US");

/**
 * Seeds the demo province, links its records and assesses its coverage when the database is
 * empty; otherwise leaves it alone. Whether a database that holds records but no children needs
 * recovering is `unlinkedRecords`'s to say, before this is called.
 */
export async function seedDemoProvince(database: Database): Promise<void> {
  const before = await countRecords(database.db);
  if (before.persons !== 0 || before.schools !== 0) return;
  // Today in China: the date the coverage snapshot is judged on too.
  const asOf = defaultAsOf();
  console.log(`empty database: seeding a demo province of ${number(DEMO_CHILDREN)} children as of ${asOf}`);
  const progress = createProgress("children", DEMO_CHILDREN);
  await generateProvince(database.db, {
    children: DEMO_CHILDREN,
    seed: DEMO_SEED,
    asOf,
    onProgress: (p) => progress.update(p.children),
  });
  progress.done();
  await linkAndAssess(database, asOf, "demo-seed");
}

/**
 * What makes department records usable: links them into children (the master child index) and
 * assesses every child's coverage as of `asOf` (the snapshot the console and the gap lists read).
 * `npm start` does it after seeding the demo, `npm run seed` after writing a province, and
 * `npm run seed -- --link` for records already in the database.
 */
export async function linkAndAssess(database: Database, asOf: IsoDate, actor: string): Promise<void> {
  const linked = await linkAll(database.db, { actor });
  console.log(
    `linked the departments' records into ${number(linked.children)} children ` +
      `(${number(linked.reviewsOpened)} pairs left for review)`,
  );
  const assessed = await hubMetrics.timeSnapshotBuild(() => buildSnapshot(database.db, asOf));
  console.log(`assessed the coverage of ${number(assessed)} children as of ${asOf}`);
}

/**
 * Why a database that holds department records has no children, with how to recover, or null
 * when there is nothing to recover (empty, or linked). The usual cause: the first `npm start`
 * was stopped (Ctrl-C) while it seeded, after the records were written and before they were
 * linked; or files were imported into a database nobody linked.
 *
 *   unlinkedRecords({ persons: 812, schools: 40, children: 0, … })
 *   // "the database holds 812 persons and 40 schools but no children: …"
 */
export function unlinkedRecords(counts: Readonly<Record<string, number>>): string | null {
  const persons = counts.persons ?? 0;
  const schools = counts.schools ?? 0;
  if ((persons === 0 && schools === 0) || (counts.children ?? 0) > 0) return null;
  return (
    `the database holds ${number(persons)} persons and ${number(schools)} schools but no children: ` +
    "its records were never linked (was the first start stopped while it seeded the demo?). To recover, stop " +
    "the hub and either link and assess what is there with `npm run seed -- --link`, or start over with a " +
    "fresh demo province: `npm run seed -- --reset`, then `npm start`"
  );
}
