import { sql, type SQL } from "drizzle-orm";
import { roundAtoms, roundWithin, type Atom } from "../../coverage/controlled-rounding.ts";
import { loadCoveragePolicy } from "../../coverage/load-policy.ts";
import { AGE_BAND_SQL, placeUnknownSql, REASON_GROUP_SQL } from "../../coverage/rollup.ts";
import {
  disclosureOf,
  placeUnknownDisclosureOf,
  type Disclosure,
  type StatisticsDimension,
} from "../../coverage/statistics-disclosure.ts";
import { countsOfAtoms, mergeCounts, type GroupCounts } from "../../coverage/summary.ts";
import { withinRegion } from "../../db/region.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { regionPrefix } from "../../domain/division-codes.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { atomCounts, groupCounts } from "./coverage.queries.ts";
import { CoverageGroupBy } from "./coverage.type.ts";
import type { HubLoaders } from "./loaders.ts";
import { statisticsByRegion, statisticsScope } from "./row-checks.ts";

type Context = SubgraphContext<HubLoaders>;
type Source = "rollup" | "rows";

/*
 * The figures of coverageSummary and School.coverage: which children a question counts, grouped
 * how, and published under which control (statistics-disclosure.ts: exact, or controlled rounding).
 */

const RESIDENCE = sql.raw("residence_region_code");

/** A set of children a summary counts, and how its figures are published. */
interface Part {
  where: SQL;
  key: SQL;
  disclosure: Disclosure;
  /** What stands for the county in the rounding's atoms. */
  county: SQL;
}

/**
 * Counts per group of a region's children (prefix `region`) in the viewer's statistics scope.
 * A question about the hub's whole province also counts the children it cannot place (no
 * residence, or one outside the province) — by REGION as the group with key null — under the
 * place-unknown disclosure; nothing is dropped. Placed children outside the province are no
 * region's but the province's place-unknown group, so every child is counted in exactly one.
 */
export async function regionCounts(
  ctx: Context,
  date: IsoDate,
  region: string,
  groupBy: CoverageGroupBy,
): Promise<GroupCounts[]> {
  const role = ctx.viewer.role;
  // The rollup has counties, not schools, reasons or doctors: by those, or for a school's or a doctor's own figures,
  // count the rows.
  const byRows = groupBy === CoverageGroupBy.SCHOOL || groupBy === CoverageGroupBy.REASON || !statisticsByRegion(ctx);
  const source: Source = byRows ? "rows" : "rollup";
  const key = groupKey(groupBy, region, source);
  const province = await hubProvince(ctx);
  const inProvince = province === null ? sql`true` : withinRegion(RESIDENCE, province);
  const parts: Part[] = [
    {
      where: sql`${withinRegion(RESIDENCE, region)} and ${inProvince} and ${statisticsScope(ctx)}`,
      key,
      disclosure: disclosureOf(role, dimensionOf(groupBy)),
      county: RESIDENCE,
    },
  ];
  const unknownScope = province === region ? placeUnknownScope(ctx, province) : null;
  if (province !== null && unknownScope !== null)
    parts.push({
      where: sql`${placeUnknownSql(province)} and ${unknownScope}`,
      key: groupBy === CoverageGroupBy.REGION ? sql`null::text` : key,
      disclosure: placeUnknownDisclosureOf(role, dimensionOf(groupBy)),
      county: sql`null::text`,
    });
  return countParts(ctx, date, source, parts);
}

/**
 * Counts per group of a school's current students in the viewer's statistics scope. Exact where
 * the role has both the school's figures and the grouping exact; otherwise the school's own
 * figures are rounded as School.coverage and coverageSummary by SCHOOL round them (its students'
 * counties come whole), and then split into the groups by the same rounding (roundWithin), so
 * the breakdown adds up to the school's published figures rather than being a second look at them.
 */
export async function schoolCounts(
  ctx: Context,
  date: IsoDate,
  school: string,
  groupBy: CoverageGroupBy,
): Promise<GroupCounts[]> {
  const scope = statisticsScope(ctx);
  const key = groupBy === CoverageGroupBy.REGION ? RESIDENCE : groupKey(groupBy, "", "rows");
  const students = sql`school_code = ${school} and ${scope}`;
  const role = ctx.viewer.role;
  if (disclosureOf(role, "SCHOOL") === "exact" && disclosureOf(role, dimensionOf(groupBy)) === "exact")
    return groupCounts(ctx.db, date, key, students, "rows");
  const schoolAtoms = roundAtoms(await schoolAtomsOf(ctx, date, school)).filter((a) => a.group === school);
  const parts = await atomCounts(ctx.db, date, key, students, "rows");
  return countsOfAtoms(roundWithin(schoolAtoms, parts));
}

/** A school's figures as School.coverage publishes them: its group of the rounded SCHOOL grouping. */
export async function schoolTotal(ctx: Context, date: IsoDate, school: string): Promise<GroupCounts | undefined> {
  if (disclosureOf(ctx.viewer.role, "SCHOOL") === "exact") {
    const [counts] = await groupCounts(
      ctx.db,
      date,
      sql`school_code`,
      sql`school_code = ${school} and ${statisticsScope(ctx)}`,
      "rows",
    );
    return counts;
  }
  return countsOfAtoms(roundAtoms(await schoolAtomsOf(ctx, date, school))).find((c) => c.key === school);
}

/**
 * The atoms by school of every county a school's students live in, whole: the rounding of a
 * school's figures is its counties', as in coverageSummary by SCHOOL.
 */
async function schoolAtomsOf(ctx: Context, date: IsoDate, school: string): Promise<Atom[]> {
  const scope = statisticsScope(ctx);
  const counties = sql`coalesce(residence_region_code, '') in (
    select coalesce(residence_region_code, '') from hub.coverage_status
     where as_of = ${date} and school_code = ${school} and ${scope})`;
  return atomCounts(ctx.db, date, sql`school_code`, sql`${counties} and ${scope}`, "rows");
}

/** Exact parts counted as they are, protected ones as atoms rounded together; then one list of groups. */
async function countParts(ctx: Context, date: IsoDate, source: Source, parts: readonly Part[]): Promise<GroupCounts[]> {
  const exact: GroupCounts[][] = [];
  const atoms: Atom[] = [];
  for (const part of parts) {
    if (part.disclosure === "exact") exact.push(await groupCounts(ctx.db, date, part.key, part.where, source));
    else atoms.push(...(await atomCounts(ctx.db, date, part.key, part.where, source, part.county)));
  }
  return mergeCounts(...exact, countsOfAtoms(roundAtoms(atoms)));
}

/**
 * Whose place-unknown children a viewer's statistics count: a region's officers and analysts only
 * when their region is the whole province (the children it cannot place are the province's, no
 * smaller region's); a school's or a doctor's, their own students or patients; nobody else's.
 */
function placeUnknownScope(ctx: Context, province: string): SQL | null {
  switch (ctx.rows.statisticsBy) {
    case "region":
      return ctx.viewer.role !== "anonymous" && ctx.viewer.scope.region === province ? sql`true` : null;
    case "schools":
    case "doctor":
      return statisticsScope(ctx);
    case "none":
      return null;
    default: {
      const _: never = ctx.rows.statisticsBy;
      return _;
    }
  }
}

const provinces = new WeakMap<object, Promise<string | null>>();

/**
 * The hub's province as the coverage policy knows it (its 2-digit prefix), once per request; null
 * while it cannot be known (no school, vaccination site or hospital loaded yet: then nobody is
 * placed by one either, and no place-unknown group is counted).
 */
export function hubProvince(ctx: Context): Promise<string | null> {
  let province = provinces.get(ctx.loaders);
  if (!province) {
    province = loadCoveragePolicy(ctx.db).then(
      (policy) => regionPrefix(policy.provinceCode),
      () => null,
    );
    provinces.set(ctx.loaders, province);
  }
  return province;
}

/** The group key: one region level down, the school, the age band, the hukou type, the needy category, the reason. */
function groupKey(groupBy: CoverageGroupBy, prefix: string, source: Source): SQL {
  switch (groupBy) {
    case CoverageGroupBy.REGION:
      return prefix.length === 2 ? sql`left(residence_region_code, 4) || '00'` : RESIDENCE;
    case CoverageGroupBy.SCHOOL:
      return sql`school_code`;
    case CoverageGroupBy.AGE_BAND:
      return source === "rollup" ? sql`age_band` : AGE_BAND_SQL;
    case CoverageGroupBy.HUKOU_TYPE:
      return sql`hukou_type`;
    case CoverageGroupBy.NEEDY_CATEGORY:
      return sql`needy_category`;
    case CoverageGroupBy.REASON:
      return REASON_GROUP_SQL;
    default: {
      const _: never = groupBy;
      return _;
    }
  }
}

/** The dimension a grouping publishes, for the disclosure decision. */
export function dimensionOf(groupBy: CoverageGroupBy): StatisticsDimension {
  return groupBy;
}
