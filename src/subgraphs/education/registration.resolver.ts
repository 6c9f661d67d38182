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
    description: "The latest registration under a student number (G + ID number, J + code, or a temporary L number); null when unknown.",
  })
  async studentRegistration(@Arg("studentNumber", () => String) studentNumber: string, @Ctx() ctx: Context): Promise<StudentRegistration | null> {
    const parsed = parseStudentNumber(studentNumber);
    if (!parsed.ok) throw badInput("studentNumber", parsed.problem.message);
    // Stored as the parser reads it: ASCII, upper case, no surrounding spaces.
    const row = await ctx.loaders.registrationByStudentNumber.load(studentNumber.normalize("NFKC").trim().toUpperCase());
    return row ? toRegistration(row) : null;
  }

  @FieldResolver(() => School, { nullable: true })
  async school(@Root() registration: StudentRegistration, @Ctx() ctx: Context): Promise<School | null> {
    const row = await ctx.loaders.school.load(registration.schoolCode);
    return row ? toSchool(row) : null;
  }

  @FieldResolver(() => EducationChild, { nullable: true, description: "The master child this registration is linked to; null while unlinked." })
  async child(@Root() registration: StudentRegistration, @Ctx() ctx: Context): Promise<EducationChild | null> {
    const childId = await ctx.loaders.childIdByRecord.load(registration.recordId);
    return childId === null ? null : { id: String(childId) };
  }
}
