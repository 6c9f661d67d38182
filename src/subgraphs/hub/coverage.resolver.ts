import { sql, type SQL } from "drizzle-orm";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { defaultAsOf } from "../../coverage/as-of.ts";
import { roundAtoms } from "../../coverage/controlled-rounding.ts";
import { AGE_BAND_SQL } from "../../coverage/rollup.ts";
import { snapshotDateFor } from "../../coverage/snapshot-dates.ts";
import { disclosureOf, type StatisticsDimension } from "../../coverage/statistics-disclosure.ts";
import { countsOfAtoms, figuresOf, totalOf, type GroupCounts, type GroupFigures } from "../../coverage/summary.ts";
import { regionPrefixOf, withinRegion } from "../../db/region.ts";
import { addDays, daysBetween, type IsoDate } from "../../domain/dates.ts";
import { lookupDivision } from "../../domain/division-codes.ts";
import {
  NEWBORN_WINDOW_DAYS_DEFAULT,
  TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR,
  TARGET_OVERALL_COVERAGE,
} from "../../domain/insurance-policy.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { badInput, parseChildId } from "../../graphql/errors.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Child } from "./child.type.ts";
import { atomCounts, groupCounts, type CoverageRow } from "./coverage.queries.ts";
import {
  ChildCoverage,
  CoverageGapConnection,
  CoverageGapFilter,
  CoverageGroup,
  CoverageGroupBy,
  CoverageSummary,
  HubSchool,
  type CoverageGap,
} from "./coverage.type.ts";
import type { HubLoaders } from "./loaders.ts";
import { statisticsByRegion, statisticsScope } from "./row-checks.ts";

type Context = SubgraphContext<HubLoaders>;

const SCHOOL_CODE = /^\d{10}$/;
const MAX_WATCH_DAYS = 366;

/**
 * The snapshot a list or a statistic is answered from: the date asked, which must have been
 * built, else today's or the newest before it (coverage/snapshot-dates.ts). Never builds one.
 */
function snapshotDate(ctx: Context, asOf: IsoDate | null | undefined): Promise<IsoDate> {
  return snapshotDateFor(ctx.db, asOf);
}

export function toCoverage(row: CoverageRow): ChildCoverage {
  return {
    asOf: row.asOf,
    coverageYear: row.coverageYear,
    status: row.status,
    reasons: row.reasons,
    deadline: row.deadline,
    daysLeft: row.deadline ? daysBetween(row.asOf, row.deadline) : null,
    codeWindowEndsOn: row.codeWindowEndsOn,
    waitingPeriodMonths: row.waitingPeriodMonths,
    responsibleActor: row.responsibleActor,
    responsibleCode: row.responsibleCode,
    action: row.action,
  };
}

function toGap(row: CoverageRow): CoverageGap {
  return { child: { id: String(row.childId) }, coverage: toCoverage(row) };
}

function toGroup(figures: GroupFigures, label: string | null): CoverageGroup {
  return { ...figures, label };
}

@Resolver(() => Child)
export class ChildCoverageResolver {
  @FieldResolver(() => ChildCoverage, {
    nullable: true,
    description:
      "The child's insurance status as of a date (default today in China); null for someone not a child on " +
      "that date. From the date's snapshot, or computed for the child when the date has none.",
  })
  async coverage(
    @Root() child: Child,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<ChildCoverage | null> {
    // Any date: one child's coverage is cheap to compute, so a date without a snapshot is
    // computed (batched by the loader) and nothing is stored.
    const date = asOf ?? defaultAsOf();
    const row = await ctx.loaders.coverage.load({ childId: Number(child.id), asOf: date });
    return row ? toCoverage(row) : null;
  }
}

@Resolver(() => CoverageSummary)
export class CoverageResolver {
  @Query(() => CoverageGapConnection, {
    nullable: true,
    description:
      "Children with a gap (any status but INSURED, or a needy child without subsidy), in child id order, from the " +
      "snapshot of `asOf` (which must have been built; without it today's, else the newest before it).",
  })
  async coverageGaps(
    @Arg("filter", () => CoverageGapFilter, { nullable: true }) filter: CoverageGapFilter | null,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageGapConnection> {
    const page = pageArgs(first, after);
    const f = filter ?? {};
    const region = f.region ? regionPrefixOf(f.region, "filter.region") : null;
    const school = f.school ? f.school.trim() : null;
    if (school !== null && !SCHOOL_CODE.test(school))
      throw badInput("filter.school", `must be a 10-digit school code, but got "${f.school}"`);
    if (f.bornAfter && f.bornBefore && f.bornAfter > f.bornBefore)
      throw badInput("filter.bornBefore", `must not be before bornAfter (${f.bornAfter}), but got ${f.bornBefore}`);
    const date = await snapshotDate(ctx, asOf);
    // Only children inside the viewer's rows: the loader reads under them.
    const rows = await ctx.loaders.coverageGaps({
      asOf: date,
      region,
      school,
      status: f.status ?? null,
      reason: f.reason ?? null,
      bornAfter: f.bornAfter ?? null,
      bornBefore: f.bornBefore ?? null,
      hukouType: f.hukouType ?? null,
      afterChildId: page.after === null ? null : parseChildId(page.after, "after"),
      limit: page.limit,
    });
    return toPage(rows, page.limit, (r) => r.childId, toGap);
  }

  @Query(() => CoverageGapConnection, {
    nullable: true,
    description:
      "Newborns not yet insured whose 90-day deadline falls within `withinDays` of the as-of date, soonest first, " +
      "from the snapshot of `asOf` (which must have been built; without it today's, else the newest before it).",
  })
  async newbornWatchlist(
    @Arg("region", () => String, { nullable: true }) region: string | null,
    @Arg("withinDays", () => Int, { nullable: true, defaultValue: 30 }) withinDays: number,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageGapConnection> {
    if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > MAX_WATCH_DAYS)
      throw badInput("withinDays", `must be a whole number of days from 0 to ${MAX_WATCH_DAYS}, but got ${withinDays}`);
    const page = pageArgs(first, after);
    const prefix = region ? regionPrefixOf(region) : null;
    const date = await snapshotDate(ctx, asOf);
    const rows = await ctx.loaders.newbornWatchlist({
      asOf: date,
      region: prefix,
      lastDay: addDays(date, withinDays),
      after: page.after === null ? null : watchCursor(page.after, after ?? ""),
      limit: page.limit,
    });
    return toPage(rows, page.limit, (r) => `${r.deadline}:${r.childId}`, toGap);
  }

  @Query(() => CoverageSummary, {
    nullable: true,
    description:
      "Coverage of a region's resident children against the policy targets, grouped. Exact where the role could " +
      "count the children itself (its rows, fields it reads); otherwise every count is rounded to a multiple of 5 " +
      "so that no cell of fewer than 5 children can be computed, and groups that round to 0 are left out.",
  })
  async coverageSummary(
    @Arg("region", () => String) region: string,
    @Arg("groupBy", () => CoverageGroupBy) groupBy: CoverageGroupBy,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageSummary> {
    const prefix = regionPrefixOf(region);
    const date = await snapshotDate(ctx, asOf);
    // The rollup has counties, not schools or doctors: by school, or for a school's or a doctor's own figures,
    // count the rows.
    const source = groupBy !== CoverageGroupBy.SCHOOL && statisticsByRegion(ctx) ? "rollup" : "rows";
    const where = sql`${withinRegion(sql.raw("residence_region_code"), prefix)} and ${statisticsScope(ctx)}`;
    const key = groupKey(groupBy, prefix, source);
    const counts =
      disclosureOf(ctx.viewer.role, dimensionOf(groupBy)) === "exact"
        ? await groupCounts(ctx.db, date, key, where, source)
        : countsOfAtoms(roundAtoms(await atomCounts(ctx.db, date, key, where, source)));
    return {
      asOf: date,
      coverageYear: Number(date.slice(0, 4)),
      region: prefix,
      groupBy,
      total: toGroup(
        figuresOf(totalOf(counts, prefix.padEnd(6, "0"))),
        lookupDivision(prefix.padEnd(6, "0"))?.name ?? null,
      ),
      groups: counts.map((c) =>
        toGroup(
          figuresOf(c),
          groupBy === CoverageGroupBy.REGION && c.key ? (lookupDivision(c.key)?.name ?? null) : null,
        ),
      ),
      targets: {
        overallInsuredRate: TARGET_OVERALL_COVERAGE,
        newbornInsuredRate: TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR,
        newbornWindowDays: NEWBORN_WINDOW_DAYS_DEFAULT,
      },
    };
  }
}

@Resolver(() => HubSchool)
export class SchoolCoverageResolver {
  @FieldResolver(() => CoverageGroup, {
    nullable: true,
    description:
      "Coverage of the school's current students as of a date (default today's snapshot, else the newest before " +
      "it); rounded to multiples of 5 as coverageSummary by SCHOOL is, for roles that get it rounded.",
  })
  async coverage(
    @Root() school: HubSchool,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageGroup | null> {
    const date = await snapshotDate(ctx, asOf);
    const scope = statisticsScope(ctx);
    let counts: GroupCounts | undefined;
    if (disclosureOf(ctx.viewer.role, "SCHOOL") === "exact") {
      [counts] = await groupCounts(
        ctx.db,
        date,
        sql`school_code`,
        sql`school_code = ${school.code} and ${scope}`,
        "rows",
      );
    } else {
      // The rounding of a school's figures is its county's, as in coverageSummary by SCHOOL: the counties its
      // students live in come whole.
      const counties = sql`coalesce(residence_region_code, '') in (
        select coalesce(residence_region_code, '') from hub.coverage_status
         where as_of = ${date} and school_code = ${school.code} and ${scope})`;
      const atoms = await atomCounts(ctx.db, date, sql`school_code`, sql`${counties} and ${scope}`, "rows");
      counts = countsOfAtoms(roundAtoms(atoms)).find((c) => c.key === school.code);
    }
    return toGroup(figuresOf(counts ?? totalOf([], school.code)), null);
  }
}

/** The dimension a grouping publishes, for the disclosure decision. */
function dimensionOf(groupBy: CoverageGroupBy): StatisticsDimension {
  return groupBy;
}

/** The group key: one region level down, the school, the age band, the hukou type, the needy category. */
function groupKey(groupBy: CoverageGroupBy, prefix: string, source: "rollup" | "rows"): SQL {
  switch (groupBy) {
    case CoverageGroupBy.REGION:
      return prefix.length === 2 ? sql`left(residence_region_code, 4) || '00'` : sql`residence_region_code`;
    case CoverageGroupBy.SCHOOL:
      return sql`school_code`;
    case CoverageGroupBy.AGE_BAND:
      return source === "rollup" ? sql`age_band` : AGE_BAND_SQL;
    case CoverageGroupBy.HUKOU_TYPE:
      return sql`hukou_type`;
    case CoverageGroupBy.NEEDY_CATEGORY:
      return sql`needy_category`;
  }
}

function watchCursor(key: string, cursor: string): { deadline: IsoDate; childId: number } {
  const match = /^(\d{4}-\d{2}-\d{2}):(\d{1,15})$/.exec(key);
  if (!match) throw badInput("after", `must be a cursor returned by newbornWatchlist, but got "${cursor}"`);
  return { deadline: match[1]!, childId: Number(match[2]) };
}
