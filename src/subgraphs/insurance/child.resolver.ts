import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { childIdOrNull } from "../../graphql/errors.ts";
import { checkCoverageYear } from "./arguments.ts";
import { AssistanceEligibility, ChildInsurance, Enrollment, InsuranceChild } from "./insurance.type.ts";
import type { InsuranceLoaders } from "./loaders.ts";
import { toAssistance, toEnrollment } from "./mapping.ts";

type Context = SubgraphContext<InsuranceLoaders>;

/** Child.insurance, through the child's linked enrollment records. */
@Resolver(() => InsuranceChild)
export class InsuranceChildResolver {
  @FieldResolver(() => ChildInsurance, {
    nullable: true,
    description: "Medical insurance's records of the child; null when no enrollment is linked to it.",
  })
  async insurance(@Root() child: InsuranceChild, @Ctx() ctx: Context): Promise<ChildInsurance | null> {
    const childId = childIdOrNull(child.id);
    if (childId === null) return null;
    const rows = await ctx.loaders.enrollmentsByChild.load(childId);
    return rows.length === 0
      ? null
      : { records: rows.map(toEnrollment), shown: rows.filter((r) => r.shown).map(toEnrollment) };
  }
}

@Resolver(() => ChildInsurance)
export class ChildInsuranceResolver {
  @FieldResolver(() => [Enrollment], {
    nullable: true,
    description: "Newest coverage year first; only that year's when coverageYear is given.",
  })
  enrollments(
    @Root() insurance: ChildInsurance,
    @Arg("coverageYear", () => Int, { nullable: true }) coverageYear: number | null,
  ): Enrollment[] {
    if (coverageYear === null || coverageYear === undefined) return insurance.shown;
    const year = checkCoverageYear(coverageYear);
    return insurance.shown.filter((e) => e.coverageYear === year);
  }

  // The status is the child's, from every enrollment whatever the area: what every department reads.
  @FieldResolver(() => Boolean, { description: "Whether an ACTIVE enrollment for the year has its contribution paid." })
  insuredFor(@Root() insurance: ChildInsurance, @Arg("coverageYear", () => Int) coverageYear: number): boolean {
    const year = checkCoverageYear(coverageYear);
    return insurance.records.some((e) => e.coverageYear === year && e.status === "ACTIVE" && e.paidOn !== null);
  }

  @FieldResolver(() => [AssistanceEligibility], {
    nullable: true,
    description: "Medical-assistance entitlements for the ID numbers on the child's enrollments.",
  })
  async assistanceEligibility(
    @Root() insurance: ChildInsurance,
    @Ctx() ctx: Context,
  ): Promise<AssistanceEligibility[]> {
    const idNumbers = [...new Set(insurance.shown.flatMap((e) => (e.idNumber ? [e.idNumber] : [])))];
    const found = await ctx.loaders.assistanceByIdNumber.loadMany(idNumbers);
    return found.flatMap((rows) => {
      if (rows instanceof Error) throw rows;
      return rows.map(toAssistance);
    });
  }
}
