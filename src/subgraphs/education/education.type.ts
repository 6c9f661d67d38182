import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../../graphql/connection.ts";
import { DateScalar } from "../../graphql/scalars.ts";

/** The education subgraph's view of the shared child: its student registrations. */
@Directive('@key(fields: "id")')
@ObjectType("Child")
export class EducationChild {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "code")')
@ObjectType("School", { description: "A school as the education department registers it." })
export class School {
  @Field(() => String, { description: "学校标识码: 10 digits." })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description: "KINDERGARTEN, PRIMARY, JUNIOR_SECONDARY, SENIOR_SECONDARY, VOCATIONAL or SPECIAL.",
  })
  kind!: string;

  @Field(() => String, { description: "Division code of the county the school is in." })
  regionCode!: string;
}

@ObjectType("StudentRegistration", {
  description: "One student's registration (学籍) at a school for one school year.",
})
export class StudentRegistration {
  @Field(() => String, { description: "The education department's own id for the record." })
  recordId!: string;

  @Field(() => String, { description: "G + ID number, J + an ID-style code, or a temporary L number." })
  studentNumber!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "M or F, as the school recorded it." })
  sex!: string;

  @Field(() => DateScalar)
  birthDate!: string;

  @Field(() => Int)
  grade!: number;

  @Field(() => String)
  className!: string;

  @Field(() => Int, { description: "The calendar year the school year starts in: 2026 for 2026–2027." })
  schoolYear!: number;

  @Field(() => String, { description: "ENROLLED, TRANSFERRED_OUT, GRADUATED or SUSPENDED." })
  status!: string;

  @Field(() => String, { nullable: true })
  guardianPhone!: string | null;

  /** Not a GraphQL field: the school resolver loads the school by it. */
  schoolCode!: string;

  /**
   * Not a GraphQL field: the master child the registration is linked to (undefined while
   * unlinked). The audit log names it for every field read, and `child` answers from it.
   */
  childId?: number;
}

@ObjectType("StudentConnection", {
  description: "A school's enrolled students for one school year, by grade, class and registration.",
})
export class StudentConnection extends Connection("Student", StudentRegistration) {
  @Field(() => Int, {
    nullable: true,
    description:
      "The school year listed: the one asked for, else the school's latest (null when it has no registrations).",
  })
  schoolYear!: number | null;

  /**
   * Not a GraphQL field: what totalCount counts, the school listed (whose place decides whether
   * it answers) and the year as asked, so it shares `studentCount`'s batch.
   */
  roster!: { school: Pick<School, "code" | "regionCode">; schoolYear: number | null };
}

@ObjectType("SchoolConnection")
export class SchoolConnection extends Connection("School", School) {}
