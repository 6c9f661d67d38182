import { sql, type SQL } from "drizzle-orm";
import { assessChildren, type StatusRow } from "../../coverage/assess.ts";
import type { Atom } from "../../coverage/controlled-rounding.ts";
import { loadCoveragePolicy } from "../../coverage/load-policy.ts";
import { classOf, type GroupCounts } from "../../coverage/summary.ts";
import { queryRows, textArrayOf, type Db } from "../../db/client.ts";
import { withinRegion } from "../../db/region.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { COVERAGE_STATUSES } from "../../domain/coverage-terms.ts";
import { GAP_SQL, placeUnknownSql, REASON_GROUP_SQL } from "../../coverage/rollup.ts";

/** A snapshot row as the resolvers need it. */
export interface CoverageRow {
  childId: number;
  asOf: IsoDate;
  coverageYear: number;
  status: string;
  reasons: string[];
  deadline: IsoDate | null;
  codeWindowEndsOn: IsoDate | null;
  waitingPeriodMonths: number | null;
  responsibleActor: string | null;
  responsibleCode: string | null;
  action: string | null;
  /** The needy category coverage knows (eligibility, or assistance paid), with or without an enrollment. */
  needyCategory: string | null;
}

const COLUMNS = sql`child_id, as_of::text, coverage_year, status, reasons, deadline::text, code_window_ends_on::text,
  waiting_period_months, responsible_actor, responsible_code, action, needy_category`;

type RawRow = {
  child_id: number | string;
  as_of: string;
  coverage_year: number;
  status: string;
  reasons: string[] | string;
  deadline: string | null;
  code_window_ends_on: string | null;
  waiting_period_months: number | null;
  responsible_actor: string | null;
  responsible_code: string | null;
  action: string | null;
  needy_category: string | null;
};

function toRow(r: RawRow): CoverageRow {
  return {
    childId: Number(r.child_id),
    asOf: r.as_of,
    coverageYear: r.coverage_year,
    status: r.status,
    reasons: textArrayOf(r.reasons),
    deadline: r.deadline,
    codeWindowEndsOn: r.code_window_ends_on,
    waitingPeriodMonths: r.waiting_period_months,
    responsibleActor: r.responsible_actor,
    responsibleCode: r.responsible_code,
    action: r.action,
    needyCategory: r.needy_category,
  };
}

/**
 * These children's coverage as of a date: their rows of that date's snapshot (one statement),
 * or, when no snapshot of the date exists, assessed from their linked records without storing
 * anything (issue #18, finding 6: a read never builds a snapshot). A child missing from the
 * answer is not a child on that date.
 */
export async function coverageOf(db: Db, asOf: IsoDate, childIds: readonly number[]): Promise<CoverageRow[]> {
  if (childIds.length === 0) return [];
  const rows = await queryRows<RawRow>(
    db,
    sql`select ${COLUMNS} from hub.coverage_status
      where as_of = ${asOf} and child_id = any(${sql.param([...childIds])}::bigint[])`,
  );
  // Rows exist only in a snapshot that exists: any row settles it, none asks.
  if (rows.length > 0 || (await snapshotExists(db, asOf))) return rows.map(toRow);
  const assessed = await assessChildren(db, childIds, asOf, await loadCoveragePolicy(db));
  return [...assessed.values()].map(fromStatusRow);
}

async function snapshotExists(db: Db, asOf: IsoDate): Promise<boolean> {
  const rows = await queryRows(db, sql`select 1 from hub.coverage_snapshots where as_of = ${asOf}`);
  return rows.length > 0;
}

function fromStatusRow(r: StatusRow): CoverageRow {
  return {
    childId: r.childId,
    asOf: r.asOf,
    coverageYear: r.coverageYear,
    status: r.status,
    reasons: r.reasons,
    deadline: r.deadline ?? null,
    codeWindowEndsOn: r.codeWindowEndsOn ?? null,
    waitingPeriodMonths: r.waitingPeriodMonths ?? null,
    responsibleActor: r.responsibleActor ?? null,
    responsibleCode: r.responsibleCode ?? null,
    action: r.action ?? null,
    needyCategory: r.needyCategory ?? null,
  };
}

export interface GapQuery {
  asOf: IsoDate;
  region: string | null;
  school: string | null;
  status: string | null;
  reason: string | null;
  leadingReason: string | null;
  bornAfter: IsoDate | null;
  bornBefore: IsoDate | null;
  hukouType: string | null;
  /** true: only the children the province cannot place; false: only placed ones (needs `province`). */
  placeUnknown: boolean | null;
  /**
   * The hub's province (2-digit prefix), when the question needs it: a `region` that is the whole
   * province lists the children it cannot place too, and `placeUnknown` is relative to it.
   */
  province: string | null;
  after: GapPosition | null;
  limit: number;
  /** The viewer's row scope over `s.child_id` (the snapshot row's alias is `s`). */
  inScope: SQL;
}

/**
 * Where a gap stands in the urgency order of the gap lists: rank 0, a deadline still ahead
 * (soonest first); rank 1, a deadline missed (most recently missed first: the family is still
 * near the newborn's services and the 180-day code window); rank 2, no deadline (child id
 * order). Within a rank, the child id breaks ties. A cursor holds the whole position, so paging
 * stays exact even when the row it came from changes.
 */
export interface GapPosition {
  rank: 0 | 1 | 2;
  deadline: IsoDate | null;
  childId: number;
}

/** A gap row's position in the urgency order. */
export function gapPositionOf(row: CoverageRow): GapPosition {
  const rank = row.deadline === null ? 2 : row.deadline >= row.asOf ? 0 : 1;
  return { rank, deadline: row.deadline, childId: row.childId };
}

/** Each rank of the urgency order as its own indexed range: which rows, in which order, and after a position. */
const URGENCY: readonly { rows: (asOf: IsoDate) => SQL; order: SQL; after: (p: GapPosition) => SQL }[] = [
  {
    rows: (asOf) => sql`deadline >= ${asOf}`,
    order: sql`deadline, child_id`,
    after: (p) => sql`(deadline, child_id) > (${p.deadline}::date, ${p.childId})`,
  },
  {
    rows: (asOf) => sql`deadline < ${asOf}`,
    order: sql`deadline desc, child_id`,
    after: (p) => sql`(deadline < ${p.deadline}::date or (deadline = ${p.deadline}::date and child_id > ${p.childId}))`,
  },
  { rows: () => sql`deadline is null`, order: sql`child_id`, after: (p) => sql`child_id > ${p.childId}` },
];

/** What a gap list lists, whatever the page: the filters and the viewer's rows. */
function gapConditions(q: GapQuery): SQL[] {
  const conditions: SQL[] = [sql`as_of = ${q.asOf}`, GAP_SQL, q.inScope];
  if (q.region) conditions.push(residenceIn(q.region, q.province));
  if (q.placeUnknown !== null) conditions.push(placeCondition(q.placeUnknown, q.province));
  if (q.school) conditions.push(sql`school_code = ${q.school}`);
  if (q.status) conditions.push(sql`status = ${q.status}`);
  if (q.reason) conditions.push(sql`${q.reason} = any(reasons)`);
  if (q.leadingReason) conditions.push(sql`${REASON_GROUP_SQL} = ${q.leadingReason}`);
  if (q.bornAfter) conditions.push(sql`birth_date >= ${q.bornAfter}`);
  if (q.bornBefore) conditions.push(sql`birth_date <= ${q.bornBefore}`);
  if (q.hukouType) conditions.push(sql`hukou_type = ${q.hukouType}`);
  return conditions;
}

/**
 * Children whose residence lies in the region; for the hub's whole province, with the children it
 * cannot place (they are the province's, counted in its place-unknown group).
 */
function residenceIn(region: string, province: string | null): SQL {
  const within = withinRegion(sql.raw("residence_region_code"), region);
  return province !== null && region === province ? sql`(${within} or ${placeUnknownSql(province)})` : within;
}

function placeCondition(unknown: boolean, province: string | null): SQL {
  if (province === null) throw new Error("coverage lists: placeUnknown needs the hub's province");
  return unknown ? placeUnknownSql(province) : sql`not ${placeUnknownSql(province)}`;
}

/**
 * A page of gaps in urgency order (GapPosition), `limit + 1` of them: each rank read as its own
 * range (at most three statements, each an ordered, limited scan), from the cursor's rank on.
 */
export async function gaps(db: Db, q: GapQuery): Promise<CoverageRow[]> {
  const conditions = gapConditions(q);
  const rows: CoverageRow[] = [];
  for (let rank = q.after?.rank ?? 0; rank < URGENCY.length && rows.length <= q.limit; rank++) {
    const range = URGENCY[rank]!;
    const where = [...conditions, range.rows(q.asOf)];
    if (q.after && q.after.rank === rank) where.push(range.after(q.after));
    const found = await queryRows<RawRow>(
      db,
      sql`select ${COLUMNS} from hub.coverage_status s where ${sql.join(where, sql` and `)}
        order by ${range.order} limit ${q.limit + 1 - rows.length}`,
    );
    rows.push(...found.map(toRow));
  }
  return rows;
}

/** How many children a gap list lists over all its pages (its totalCount). */
export async function countGaps(db: Db, q: Omit<GapQuery, "after" | "limit">): Promise<number> {
  const conditions = gapConditions({ ...q, after: null, limit: 0 });
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from hub.coverage_status s where ${sql.join(conditions, sql` and `)}`,
  );
  return Number(row?.n ?? 0);
}

export interface WatchlistQuery {
  asOf: IsoDate;
  region: string | null;
  /** The hub's province (2-digit prefix) when `region` is it: its place-unknown newborns are on its list. */
  province: string | null;
  lastDay: IsoDate;
  after: { deadline: IsoDate; childId: number } | null;
  limit: number;
  inScope: SQL;
}

function watchConditions(q: Omit<WatchlistQuery, "after" | "limit">): SQL[] {
  const conditions: SQL[] = [
    sql`as_of = ${q.asOf}`,
    sql`status = 'NEWBORN_IN_WINDOW'`,
    sql`deadline <= ${q.lastDay}`,
    q.inScope,
  ];
  if (q.region) conditions.push(residenceIn(q.region, q.province));
  return conditions;
}

/** Newborns still in their window whose deadline falls within `withinDays` of the as-of date, soonest first. */
export async function watchlist(db: Db, q: WatchlistQuery): Promise<CoverageRow[]> {
  const conditions = watchConditions(q);
  if (q.after) conditions.push(sql`(deadline, child_id) > (${q.after.deadline}::date, ${q.after.childId})`);
  const rows = await queryRows<RawRow>(
    db,
    sql`select ${COLUMNS} from hub.coverage_status s where ${sql.join(conditions, sql` and `)}
      order by deadline, child_id limit ${q.limit + 1}`,
  );
  return rows.map(toRow);
}

/** How many newborns the watchlist lists over all its pages (its totalCount). */
export async function countWatchlist(db: Db, q: Omit<WatchlistQuery, "after" | "limit">): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from hub.coverage_status s where ${sql.join(watchConditions(q), sql` and `)}`,
  );
  return Number(row?.n ?? 0);
}

/**
 * One aggregate statement over a snapshot: counts per group of `key` (a SQL expression over
 * the row), for the children matching `where`. From the rollup (`hub.coverage_rollup`, a few
 * thousand rows for a province) when the grouping and the filter only use its columns, else
 * from the snapshot rows themselves (by school, by doctor).
 */
export async function groupCounts(
  db: Db,
  asOf: IsoDate,
  key: SQL,
  where: SQL,
  source: "rollup" | "rows",
): Promise<GroupCounts[]> {
  const n = source === "rollup" ? sql`children` : sql`1`;
  const table = source === "rollup" ? sql`hub.coverage_rollup` : sql`hub.coverage_status`;
  const newborn = source === "rollup" ? sql`newborn` : sql`extract(year from birth_date)::int = coverage_year`;
  const count = (condition: SQL | null) =>
    condition === null
      ? sql`coalesce(sum(${n}), 0)::int`
      : sql`coalesce(sum(${n}) filter (where ${condition}), 0)::int`;
  const statusColumns = sql.join(
    COVERAGE_STATUSES.map((s) => sql`${count(sql`status = ${s}`)} as ${sql.raw(`"s_${s}"`)}`),
    sql`, `,
  );
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${key} as key, ${count(null)} as children,
          ${count(sql`status in ('INSURED', 'DUPLICATE')`)} as insured,
          ${count(newborn)} as newborns,
          ${count(sql`${newborn} and status in ('INSURED', 'DUPLICATE')`)} as newborns_insured,
          ${count(sql`insured_within_window`)} as newborns_within_window,
          ${statusColumns}
        from ${table} where as_of = ${asOf} and ${where}
        group by 1 order by 1 nulls last`,
  );
  return rows.map((r) => ({
    key: r.key === null ? null : String(r.key).trim(),
    children: Number(r.children),
    insured: Number(r.insured),
    newborns: Number(r.newborns),
    newbornsInsured: Number(r.newborns_insured),
    newbornsInsuredWithinWindow: Number(r.newborns_within_window),
    byStatus: Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, Number(r[`s_${s}`])])),
  }));
}

/**
 * The atoms of protected statistics (controlled-rounding.ts): children per county, group and
 * class, for the children matching `where`, from the rollup or the snapshot rows as for
 * groupCounts. Every county the filter reaches comes whole, which the rounding needs. `county`
 * is the residence, or what stands for it (null: the place-unknown group as one county).
 */
export async function atomCounts(
  db: Db,
  asOf: IsoDate,
  key: SQL,
  where: SQL,
  source: "rollup" | "rows",
  county: SQL = sql`residence_region_code`,
): Promise<Atom[]> {
  const n = source === "rollup" ? sql`sum(children)` : sql`count(*)`;
  const table = source === "rollup" ? sql`hub.coverage_rollup` : sql`hub.coverage_status`;
  const newborn = source === "rollup" ? sql`newborn` : sql`extract(year from birth_date)::int = coverage_year`;
  const rows = await queryRows<{
    county: string | null;
    key: unknown;
    status: string;
    newborn: boolean;
    within_window: boolean;
    children: number | string;
  }>(
    db,
    sql`select ${county} as county, ${key} as key, status, ${newborn} as newborn,
          insured_within_window as within_window, ${n}::int as children
        from ${table} where as_of = ${asOf} and ${where}
        group by 1, 2, 3, 4, 5`,
  );
  return rows.map((r) => ({
    county: r.county === null ? null : String(r.county).trim(),
    group: r.key === null ? null : String(r.key).trim(),
    klass: classOf(r.status, r.newborn, r.within_window),
    children: Number(r.children),
  }));
}
