import { sql, type SQL } from "drizzle-orm";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { defaultAsOf } from "../../coverage/as-of.ts";
import { AGE_BAND_SQL } from "../../coverage/rollup.ts";
import { ensureSnapshot } from "../../coverage/store.ts";
import { figuresOf, totalOf, type GroupFigures } from "../../coverage/summary.ts";
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
import { groupCounts, type CoverageRow } from "./coverage.queries.ts";
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
import { statisticsByRegion, statisticsScope, suppressesSmallCells } from "./row-checks.ts";

type Context = SubgraphContext<HubLoaders>;

const SCHOOL_CODE = /^\d{10}$/;
const MAX_WATCH_DAYS = 366;

/** The snapshot a question is answered from: the date asked, else today in China; built on first use. */
async function snapshotDate(ctx: Context, asOf: IsoDate | null | undefined): Promise<IsoDate> {
  const date = asOf ?? defaultAsOf();
  await ensureSnapshot(ctx.db, date);
  return date;
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
      "The child's insurance status as of a date (default today); null for someone not a child on that date.",
  })
  async coverage(
    @Root() child: Child,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<ChildCoverage | null> {
    const date = await snapshotDate(ctx, asOf);
    const row = await ctx.loaders.coverage.load({ childId: Number(child.id), asOf: date });
    return row ? toCoverage(row) : null;
  }
}

@Resolver(() => CoverageSummary)
export class CoverageResolver {
  @Query(() => CoverageGapConnection, {
    nullable: true,
    description: "Children with a gap (any status but INSURED, or a needy child without subsidy), in child id order.",
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
      "Newborns not yet insured whose 90-day deadline falls within `withinDays` of the as-of date, soonest first.",
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
      "Coverage of a region's resident children against the policy targets, grouped; " +
      "small cells suppressed for roles without individual access.",
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
    const counts = await groupCounts(
      ctx.db,
      date,
      groupKey(groupBy, prefix, source),
      sql`${withinRegion(sql.raw("residence_region_code"), prefix)} and ${statisticsScope(ctx)}`,
      source,
    );
    const suppress = suppressesSmallCells(ctx);
    return {
      asOf: date,
      coverageYear: Number(date.slice(0, 4)),
      region: prefix,
      groupBy,
      total: toGroup(
        figuresOf(totalOf(counts, prefix.padEnd(6, "0")), suppress),
        lookupDivision(prefix.padEnd(6, "0"))?.name ?? null,
      ),
      groups: counts.map((c) =>
        toGroup(
          figuresOf(c, suppress),
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
    description: "Coverage of the school's current students as of a date (default today).",
  })
  async coverage(
    @Root() school: HubSchool,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageGroup | null> {
    const date = await snapshotDate(ctx, asOf);
    const [counts] = await groupCounts(
      ctx.db,
      date,
      sql`school_code`,
      sql`school_code = ${school.code} and ${statisticsScope(ctx)}`,
      "rows",
    );
    const figures = figuresOf(counts ?? totalOf([], school.code), suppressesSmallCells(ctx));
    return toGroup(figures, null);
  }
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
