import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { validateDivisionCode } from "../../domain/division-codes.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { badInput } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { checkCoverageYear } from "./arguments.ts";
import { CoordinationArea, CoordinationAreaConnection, EnrollmentConnection } from "./insurance.type.ts";
import type { InsuranceLoaders } from "./loaders.ts";
import { toArea, toEnrollment } from "./mapping.ts";
import { areasAfter } from "./queries.ts";

type Context = SubgraphContext<InsuranceLoaders>;

@Resolver(() => CoordinationArea)
export class CoordinationAreaResolver {
  @Query(() => CoordinationArea, {
    nullable: true,
    description: "A coordination area by its 6-digit division code; null when there is no such area.",
  })
  async coordinationArea(
    @Arg("code", () => String) code: string,
    @Ctx() ctx: Context,
  ): Promise<CoordinationArea | null> {
    const checked = validateDivisionCode(code);
    if (!checked.ok) throw badInput("code", checked.message);
    const row = await ctx.loaders.area.load(checked.value.code);
    return row ? toArea(row) : null;
  }

  @Query(() => CoordinationAreaConnection, { nullable: true, description: "Every coordination area, in code order." })
  async coordinationAreas(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoordinationAreaConnection> {
    const page = pageArgs(first, after);
    if (page.after !== null && !/^\d{6}$/.test(page.after))
      throw badInput("after", `must be a cursor returned by coordinationAreas, but got "${after}"`);
    const rows = await areasAfter(ctx.db, page.after, page.limit + 1);
    return toPage(rows, page.limit, (a) => a.areaCode, toArea);
  }

  @FieldResolver(() => EnrollmentConnection, {
    nullable: true,
    description:
      "The area's enrollments for a coverage year, every status, in record order; " +
      "null unless the area is within the viewer's region.",
  })
  async enrollments(
    @Root() area: CoordinationArea,
    @Arg("coverageYear", () => Int) coverageYear: number,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<EnrollmentConnection | null> {
    const year = checkCoverageYear(coverageYear);
    const page = pageArgs(first, after);
    const afterId = page.after === null ? 0 : Number(page.after);
    if (page.after !== null && (!/^\d+$/.test(page.after) || !Number.isSafeInteger(afterId))) {
      throw badInput("after", `must be a cursor returned by enrollments, but got "${after}"`);
    }
    // Null outside the viewer's region, and only enrollments inside the viewer's rows: the loader reads under them.
    const rows = await ctx.loaders.areaEnrollments.load({
      areaCode: area.code,
      coverageYear: year,
      afterId,
      limit: page.limit + 1,
    });
    return rows === null ? null : toPage(rows, page.limit, (e) => e.id, toEnrollment);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "ACTIVE enrollments in the area for a coverage year (paid or not); " +
      "null unless the area is within the viewer's region.",
  })
  async enrolledCount(
    @Root() area: CoordinationArea,
    @Arg("coverageYear", () => Int) coverageYear: number,
    @Ctx() ctx: Context,
  ): Promise<number | null> {
    const year = checkCoverageYear(coverageYear);
    return ctx.loaders.activeEnrollmentCount.load({ areaCode: area.code, coverageYear: year });
  }
}
