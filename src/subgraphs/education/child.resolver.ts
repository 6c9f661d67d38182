import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { EducationChild, StudentRegistration } from "./education.type.ts";
import type { EducationLoaders } from "./loaders.ts";
import { toRegistration } from "./mapping.ts";
import { childIdOrNull } from "../../graphql/errors.ts";
import type { RegistrationRow } from "./queries.ts";

type Context = SubgraphContext<EducationLoaders>;

/** Child.enrollment and Child.studentRegistrations, through the child's linked registrations. */
@Resolver(() => EducationChild)
export class EducationChildResolver {
  @FieldResolver(() => StudentRegistration, {
    nullable: true,
    description:
      "The current registration: the linked ENROLLED registration of the latest school year; " +
      "null when the child is not enrolled anywhere.",
  })
  async enrollment(@Root() child: EducationChild, @Ctx() ctx: Context): Promise<StudentRegistration | null> {
    // Newest school year first, so the first ENROLLED row is the current one.
    const current = (await registrationsOf(child, ctx)).find((r) => r.status === "ENROLLED");
    return current ? toRegistration(current) : null;
  }

  @FieldResolver(() => [StudentRegistration], {
    nullable: true,
    description:
      "Every registration linked to the child, newest school year first " +
      "(a promoted L number and its G number both appear).",
  })
  async studentRegistrations(@Root() child: EducationChild, @Ctx() ctx: Context): Promise<StudentRegistration[]> {
    return (await registrationsOf(child, ctx)).map(toRegistration);
  }
}

async function registrationsOf(child: EducationChild, ctx: Context): Promise<RegistrationRow[]> {
  const id = childIdOrNull(child.id);
  return id === null ? [] : ctx.loaders.registrationsByChild.load(id);
}
