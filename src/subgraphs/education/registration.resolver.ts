import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { parseStudentNumber } from "../../domain/identifiers.ts";
import { badInput } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { EducationChild, School, StudentRegistration } from "./education.type.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toRegistration, toSchool } from "./mapping.ts";

type Context = SubgraphContext<EducationLoaders>;

@Resolver(() => StudentRegistration)
export class StudentRegistrationResolver {
  @Query(() => StudentRegistration, {
    nullable: true,
    description:
      "The latest registration under a student number (G + ID number, J + code, or a temporary L number); null when unknown or outside the viewer's schools or region.",
  })
  async studentRegistration(
    @Arg("studentNumber", () => String) studentNumber: string,
    @Ctx() ctx: Context,
  ): Promise<StudentRegistration | null> {
    const parsed = parseStudentNumber(studentNumber);
    if (!parsed.ok) throw badInput("studentNumber", parsed.problem.message);
    // Stored as the parser reads it: ASCII, upper case, no surrounding spaces.
    const row = await ctx.loaders.registrationByStudentNumber.load(
      studentNumber.normalize("NFKC").trim().toUpperCase(),
    );
    if (!row) return null;
    // A registration is placed by its school: outside the viewer's schools or region it is as
    // absent as an unknown number (a missing school has no region, so it is outside too).
    const school = await ctx.loaders.school.load(row.schoolCode);
    return ctx.rows.placeInScope({ schoolCode: row.schoolCode, regionCode: school?.regionCode })
      ? toRegistration(row)
      : null;
  }

  @FieldResolver(() => School, { nullable: true })
  async school(@Root() registration: StudentRegistration, @Ctx() ctx: Context): Promise<School | null> {
    const row = await ctx.loaders.school.load(registration.schoolCode);
    return row ? toSchool(row) : null;
  }

  @FieldResolver(() => EducationChild, {
    nullable: true,
    description: "The master child this registration is linked to; null while unlinked or outside the viewer's scope.",
  })
  async child(@Root() registration: StudentRegistration, @Ctx() ctx: Context): Promise<EducationChild | null> {
    // The registration came with its link; the scope check batches with the page's others.
    const childId = registration.childId;
    return childId !== undefined && (await ctx.rows.canSee(childId)) ? { id: String(childId) } : null;
  }
}
