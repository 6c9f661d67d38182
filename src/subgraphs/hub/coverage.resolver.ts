import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { defaultAsOf } from "../../coverage/as-of.ts";
import { newbornWindowDaysOn } from "../../coverage/load-policy.ts";
import { snapshotDateFor } from "../../coverage/snapshot-dates.ts";
import { figuresOf, leadingReasonOf, PLACE_UNKNOWN_LABEL, totalOf, type GroupFigures } from "../../coverage/summary.ts";
import { isGap, type CoverageStatus, type GapReason } from "../../domain/coverage-terms.ts";
import { regionPrefixOf } from "../../db/region.ts";
import { addDays, daysBetween, type IsoDate } from "../../domain/dates.ts";
import { lookupDivision } from "../../domain/division-codes.ts";
import { TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR, TARGET_OVERALL_COVERAGE } from "../../domain/insurance-policy.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { badInput } from "../../graphql/errors.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Child } from "./child.type.ts";
import { gapPositionOf, type CoverageRow, type GapPosition } from "./coverage.queries.ts";
import { hubProvince, regionCounts, schoolCounts, schoolTotal } from "./coverage-summary.ts";
import {
  ChildCoverage,
  CoverageGapConnection,
  CoverageGapFilter,
  CoverageGroup,
  CoverageGroupBy,
  CoverageSummary,
  CoverageGap,
  HubSchool,
} from "./coverage.type.ts";
import { divisionName, responsibleName } from "./gap-names.ts";
import type { HubLoaders } from "./loaders.ts";

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
    leadingReason: isGap(row.status as CoverageStatus, row.reasons as GapReason[])
      ? leadingReasonOf(row.reasons)
      : null,
    deadline: row.deadline,
    daysLeft: row.deadline ? daysBetween(row.asOf, row.deadline) : null,
    codeWindowEndsOn: row.codeWindowEndsOn,
    waitingPeriodMonths: row.waitingPeriodMonths,
    responsibleActor: row.responsibleActor,
    responsibleCode: row.responsibleCode,
    action: row.action,
    needyCategory: row.needyCategory,
  };
}

function toGap(row: CoverageRow): CoverageGap {
  return { child: { id: String(row.childId) }, coverage: toCoverage(row) };
}

/**
 * A gap's names for its codes (#22.3: the gap list named 居住地 and 责任单位 by code): each a
 * batched read per page (gap-names.ts, the identity loader), never a statement per row.
 */
@Resolver(() => CoverageGap)
export class CoverageGapResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name of the child's residence (Child.residenceRegionCode) as GB/T 2260 has it, e.g. 西湖区; null when " +
      "the hub cannot place the child.",
  })
  async residenceRegionName(@Root() gap: CoverageGap, @Ctx() ctx: Context): Promise<string | null> {
    return divisionName((await ctx.loaders.identity.load(Number(gap.child.id))).residenceRegionCode);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name of who should act (ChildCoverage.responsibleCode): the school's name; the family doctor's health " +
      "centre and name; for the insurance office, medical assistance and household registration, the division " +
      "whose office acts (e.g. 西湖区). Null without a gap, or where the caller may not read that unit's name.",
  })
  async responsibleName(@Root() gap: CoverageGap, @Ctx() ctx: Context): Promise<string | null> {
    return responsibleName(ctx, gap.coverage.responsibleActor, gap.coverage.responsibleCode);
  }
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
      "Children with a gap (any status but INSURED, or an insured child still owed a subsidy) from the snapshot of " +
      "`asOf` (which must have been built; without it today's, else the newest before it), most urgent first: " +
      "deadlines still ahead (soonest first), then deadlines missed (most recently first), then the rest in child " +
      "id order; the child id breaks ties. A cursor holds its whole position in that order: the next page goes on " +
      "right after it.",
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
    const placeUnknown = f.placeUnknown ?? null;
    const date = await snapshotDate(ctx, asOf);
    const province = (region !== null && region.length === 2) || placeUnknown !== null ? await hubProvince(ctx) : null;
    if (placeUnknown !== null && province === null)
      throw badInput("filter.placeUnknown", "needs the hub's province, which is not known before its institutions");
    const query = {
      asOf: date,
      region,
      school,
      status: f.status ?? null,
      reason: f.reason ?? null,
      leadingReason: f.leadingReason ?? null,
      bornAfter: f.bornAfter ?? null,
      bornBefore: f.bornBefore ?? null,
      hukouType: f.hukouType ?? null,
      placeUnknown,
      province,
    };
    // Only children inside the viewer's rows: the loader reads (and counts) under them.
    const rows = await ctx.loaders.coverageGaps({
      ...query,
      after: page.after === null ? null : gapCursor(page.after, after ?? ""),
      limit: page.limit,
    });
    return {
      ...toPage(rows, page.limit, (r) => gapCursorKey(gapPositionOf(r)), toGap),
      count: () => ctx.loaders.countCoverageGaps(query),
    };
  }

  @Query(() => CoverageGapConnection, {
    nullable: true,
    description:
      "Newborns not yet insured whose deadline falls within `withinDays` of the as-of date, soonest first (then by " +
      "child id), from the snapshot of `asOf` (which must have been built; without it today's, else the newest " +
      "before it). The hub's whole province as `region` lists the newborns it cannot place too.",
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
    const province = prefix !== null && prefix.length === 2 ? await hubProvince(ctx) : null;
    const query = { asOf: date, region: prefix, province, lastDay: addDays(date, withinDays) };
    const rows = await ctx.loaders.newbornWatchlist({
      ...query,
      after: page.after === null ? null : watchCursor(page.after, after ?? ""),
      limit: page.limit,
    });
    return {
      ...toPage(rows, page.limit, (r) => `${r.deadline}:${r.childId}`, toGap),
      count: () => ctx.loaders.countNewbornWatchlist(query),
    };
  }

  @Query(() => CoverageSummary, {
    nullable: true,
    description:
      "Coverage of a region's resident children, or of a school's students (give one of `region` and `school`), " +
      "against the policy targets, grouped: by REASON, why they are uninsured. Exact where the role could count the " +
      "children itself (its rows, fields it reads); otherwise every count is rounded to a multiple of 5 so that no " +
      "cell of fewer than 5 children can be computed, and groups that round to 0 are left out. The hub's whole " +
      "province counts the children it cannot place too (by REGION: the group with key null).",
  })
  async coverageSummary(
    @Arg("region", () => String, { nullable: true }) region: string | null,
    @Arg("school", () => String, { nullable: true, description: "A 10-digit school code: its students." })
    school: string | null,
    @Arg("groupBy", () => CoverageGroupBy) groupBy: CoverageGroupBy,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageSummary> {
    // type-graphql leaves an argument the client omitted undefined, not null.
    if ((region == null) === (school == null))
      throw badInput(region == null ? "region" : "school", "give either a region or a school, not both nor neither");
    const prefix = region == null ? null : regionPrefixOf(region);
    const schoolCode = school == null ? null : school.trim();
    if (schoolCode !== null && !SCHOOL_CODE.test(schoolCode))
      throw badInput("school", `must be a 10-digit school code, but got "${school}"`);
    const date = await snapshotDate(ctx, asOf);
    const counts =
      prefix !== null
        ? await regionCounts(ctx, date, prefix, groupBy)
        : await schoolCounts(ctx, date, schoolCode!, groupBy);
    const totalKey = prefix !== null ? prefix.padEnd(6, "0") : schoolCode;
    return {
      asOf: date,
      coverageYear: Number(date.slice(0, 4)),
      region: prefix,
      school: schoolCode,
      groupBy,
      total: toGroup(figuresOf(totalOf(counts, totalKey)), prefix !== null ? regionLabel(prefix.padEnd(6, "0")) : null),
      groups: counts.map((c) => toGroup(figuresOf(c), groupBy === CoverageGroupBy.REGION ? regionLabel(c.key) : null)),
      targets: {
        overallInsuredRate: TARGET_OVERALL_COVERAGE,
        newbornInsuredRate: TARGET_NEWBORN_INSURED_IN_BIRTH_YEAR,
        newbornWindowDays: await newbornWindowDaysOn(ctx.db, date),
      },
    };
  }
}

@Resolver(() => CoverageGapConnection)
export class CoverageGapConnectionResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: "Children the list holds over all its pages (under the same filters and the caller's rows).",
  })
  async totalCount(@Root() connection: CoverageGapConnection): Promise<number | null> {
    return connection.count();
  }
}

@Resolver(() => HubSchool)
export class SchoolCoverageResolver {
  @FieldResolver(() => CoverageGroup, {
    nullable: true,
    description:
      "Coverage of the school's current students as of a date (default today's snapshot, else the newest before " +
      "it); rounded to multiples of 5 as coverageSummary by SCHOOL is, for roles that get it rounded. Its breakdown " +
      "(why its pupils are uninsured): coverageSummary(school: code, groupBy: REASON).",
  })
  async coverage(
    @Root() school: HubSchool,
    @Arg("asOf", () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageGroup | null> {
    const date = await snapshotDate(ctx, asOf);
    const counts = await schoolTotal(ctx, date, school.code);
    return toGroup(figuresOf(counts ?? totalOf([], school.code)), null);
  }
}

/** A region group's name; the place-unknown group's label for the key null. */
function regionLabel(code: string | null): string | null {
  return code === null ? PLACE_UNKNOWN_LABEL : (lookupDivision(code)?.name ?? null);
}

/** A gap's position as a cursor key: rank, deadline (empty without one), child id. */
function gapCursorKey(p: GapPosition): string {
  return `${p.rank}:${p.deadline ?? ""}:${p.childId}`;
}

function gapCursor(key: string, cursor: string): GapPosition {
  const match = /^([012]):(\d{4}-\d{2}-\d{2})?:(\d{1,15})$/.exec(key);
  const rank = match ? (Number(match[1]) as GapPosition["rank"]) : null;
  if (!match || rank === null || (rank === 2) !== (match[2] === undefined))
    throw badInput("after", `must be a cursor returned by coverageGaps, but got "${cursor}"`);
  return { rank, deadline: match[2] ?? null, childId: Number(match[3]) };
}

function watchCursor(key: string, cursor: string): { deadline: IsoDate; childId: number } {
  const match = /^(\d{4}-\d{2}-\d{2}):(\d{1,15})$/.exec(key);
  if (!match) throw badInput("after", `must be a cursor returned by newbornWatchlist, but got "${cursor}"`);
  return { deadline: match[1]!, childId: Number(match[2]) };
}
