import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { regionPrefixOf } from "../../db/region.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { badInput } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { School, SchoolConnection, StudentConnection } from "./education.type.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toRegistration, toSchool } from "./mapping.ts";
import { schoolsInRegion, type RosterPosition } from "./queries.ts";

type Context = SubgraphContext<EducationLoaders>;

const SCHOOL_CODE = /^\d{10}$/;

@Resolver(() => School)
export class SchoolResolver {
  @Query(() => School, {
    nullable: true,
    description: "A school by its 10-digit code (学校标识码); null when unknown.",
  })
  async school(@Arg("code", () => String) code: string, @Ctx() ctx: Context): Promise<School | null> {
    const value = code.trim();
    if (!SCHOOL_CODE.test(value)) throw badInput("code", `must be a 10-digit school code, but got "${code}"`);
    const row = await ctx.loaders.school.load(value);
    return row ? toSchool(row) : null;
  }

  @Query(() => SchoolConnection, {
    nullable: true,
    description: 'Schools of a region, by division code or prefix ("33", "3301", "330106"), in code order.',
  })
  async schools(
    @Arg("region", () => String) region: string,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<SchoolConnection> {
    const page = pageArgs(first, after);
    if (page.after !== null && !SCHOOL_CODE.test(page.after))
      throw badInput("after", `must be a cursor returned by schools, but got "${after}"`);
    const rows = await schoolsInRegion(ctx.db, regionPrefixOf(region), page.after, page.limit);
    // Their students' `school` fields then load these schools from the cache, not in another statement.
    for (const row of rows) ctx.loaders.school.prime(row.schoolCode, row);
    return toPage(rows, page.limit, (s) => s.schoolCode, toSchool);
  }

  @FieldResolver(() => StudentConnection, {
    nullable: true,
    description:
      "The school's enrolled students for a school year (default: the latest the school has registrations for), " +
      "by grade, class and registration; null outside the viewer's schools or region.",
  })
  async students(
    @Root() school: School,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("schoolYear", () => Int, { nullable: true }) schoolYear: number | null,
    @Ctx() ctx: Context,
  ): Promise<StudentConnection | null> {
    const page = pageArgs(first, after);
    const position = page.after === null ? null : decodeRosterPosition(page.after, after ?? "");
    // Null for a school outside the viewer's scope, and only students inside the viewer's rows: the loader reads
    // under them.
    const roster = await ctx.loaders.roster.load({
      school,
      schoolYear: schoolYear ?? null,
      after: position,
      limit: page.limit,
    });
    if (roster === null) return null;
    const connection = toPage(roster.rows, page.limit, (r) => encodeRosterPosition(r), toRegistration);
    return { ...connection, schoolYear: roster.schoolYear, roster: { school, schoolYear: schoolYear ?? null } };
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Enrolled students for a school year (default: the school's latest); " +
      "null outside the viewer's schools or region.",
  })
  async studentCount(
    @Root() school: School,
    @Arg("schoolYear", () => Int, { nullable: true }) schoolYear: number | null,
    @Ctx() ctx: Context,
  ): Promise<number | null> {
    return ctx.loaders.studentCount.load({ school, schoolYear: schoolYear ?? null });
  }
}

/** The roster's sort key in a cursor: class names may hold any character, so they go last. */
function encodeRosterPosition(p: RosterPosition): string {
  return `${p.grade}:${p.id}:${p.className}`;
}

function decodeRosterPosition(key: string, cursor: string): RosterPosition {
  const match = /^(-?\d{1,9}):(\d{1,15}):(.*)$/s.exec(key);
  if (!match) throw badInput("after", `must be a cursor returned by students, but got "${cursor}"`);
  return { grade: Number(match[1]), id: Number(match[2]), className: match[3] ?? "" };
}

@Resolver(() => StudentConnection)
export class StudentConnectionResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: "Enrolled students of the school year listed, over all pages.",
  })
  async totalCount(@Root() connection: StudentConnection, @Ctx() ctx: Context): Promise<number | null> {
    // Counted under the viewer's rows like `studentCount`, with which it shares a batch.
    return ctx.loaders.studentCount.load(connection.roster);
  }
}
