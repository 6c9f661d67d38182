import { desc } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { coverageSnapshots } from "../db/tables/coverage.ts";
import type { IsoDate } from "../domain/dates.ts";
import { InputError } from "../errors.ts";
import { defaultAsOf } from "./as-of.ts";

/** Dates named in an error: the newest ones, enough to choose from without a page of them. */
const DATES_NAMED = 12;

/** The dates whose snapshot exists, newest first. */
export async function builtSnapshotDates(db: Db): Promise<IsoDate[]> {
  const rows = await db
    .select({ asOf: coverageSnapshots.asOf })
    .from(coverageSnapshots)
    .orderBy(desc(coverageSnapshots.asOf));
  return rows.map((r) => r.asOf);
}

/**
 * The snapshot a list or a statistic is answered from. A read never builds one (snapshots are
 * built by the daily job, `npm run coverage`, and kept current by ingestion), so:
 *
 * - a date asked must have its snapshot, else a BAD_USER_INPUT error names the dates that do
 *   and the command that builds one;
 * - no date asked means today in China when today's snapshot is built, else the newest one
 *   before today (the answer's `asOf` says which): the offices open before the daily job ends.
 *   With none up to today, the same error.
 *
 *   await snapshotDateFor(db, null, "2026-12-07") // "2026-12-06" while today's job runs
 */
export async function snapshotDateFor(
  db: Db,
  asked: IsoDate | null | undefined,
  today: IsoDate = defaultAsOf(),
): Promise<IsoDate> {
  const dates = await builtSnapshotDates(db);
  if (asked) {
    if (dates.includes(asked)) return asked;
    throw notBuilt(`no coverage snapshot exists for ${asked}`, dates, asked);
  }
  const newest = dates.find((d) => d <= today);
  if (newest) return newest;
  throw notBuilt(`no coverage snapshot exists for today (${today}) or before`, dates, today);
}

function notBuilt(what: string, dates: readonly IsoDate[], date: IsoDate): InputError {
  const named =
    dates.length === 0
      ? "none has been built yet"
      : `snapshots exist for ${dates.slice(0, DATES_NAMED).join(", ")}` +
        (dates.length > DATES_NAMED ? ` and ${dates.length - DATES_NAMED} earlier dates` : "");
  return new InputError(
    "asOf",
    `${what} (${named}); a question never builds one: build it with \`npm run coverage -- --as-of ${date}\``,
  );
}
