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
      "The latest registration under a student number (G + ID number, J + code, or a temporary L number); " +
      "null when unknown or outside the viewer's schools or region.",
  })
  async studentRegistration(
    @Arg("studentNumber", () => String) studentNumber: string,
    @Ctx() ctx: Context,
  ): Promise<StudentRegistration | null> {
    const parsed = parseStudentNumber(studentNumber);
    if (!parsed.ok) throw badInput("studentNumber", parsed.problem.message);
    // Stored as the parser reads it: ASCII, upper case, no surrounding spaces.
    // Read under the viewer's rows: outside the viewer's schools or region it is as absent as an unknown number.
    const row = await ctx.loaders.registrationByStudentNumber.load(
      studentNumber.normalize("NFKC").trim().toUpperCase(),
    );
    return row ? toRegistration(row) : null;
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
    // The registration came with its link; the child is handed out through the one lookup every
    // path uses (batched with the page's others).
    return ctx.loaders.child(registration.childId);
  }
}
