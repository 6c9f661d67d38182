import { Arg, Ctx, FieldResolver, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Connection } from "../../graphql/connection.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { parseCodeCursor, parseDoctorCode, parseIdCursor } from "./arguments.ts";
import { FamilyDoctor, Patient } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";
import { doctorsInRegion } from "./queries.ts";
import { regionPrefixOf } from "../../db/region.ts";

type Context = SubgraphContext<HealthLoaders>;

@ObjectType("FamilyDoctorConnection")
export class FamilyDoctorConnection extends Connection("FamilyDoctor", FamilyDoctor) {}

@ObjectType("PatientConnection")
export class PatientConnection extends Connection("Patient", Patient) {}

@Resolver(() => FamilyDoctor)
export class FamilyDoctorResolver {
  @Query(() => FamilyDoctor, {
    nullable: true,
    description: 'A family doctor by code ("D3301060001"); null when unknown.',
  })
  async familyDoctor(@Arg("code", () => String) code: string, @Ctx() ctx: Context): Promise<FamilyDoctor | null> {
    return ctx.loaders.familyDoctor.load(parseDoctorCode(code, "code"));
  }

  @Query(() => FamilyDoctorConnection, {
    nullable: true,
    description: 'Family doctors of a region, by division code or prefix ("33", "3301", "330106"), in code order.',
  })
  async familyDoctors(
    @Arg("region", () => String) region: string,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<FamilyDoctorConnection> {
    const page = pageArgs(first, after);
    const prefix = regionPrefixOf(region);
    const afterCode = page.after === null ? null : parseCodeCursor(page.after, parseDoctorCode);
    const rows = await doctorsInRegion(ctx.db, prefix, afterCode, page.limit + 1);
    for (const doctor of rows) ctx.loaders.familyDoctor.prime(doctor.code, doctor);
    return toPage(
      rows,
      page.limit,
      (doctor) => doctor.code,
      (doctor) => doctor,
    );
  }

  @FieldResolver(() => PatientConnection, {
    nullable: true,
    description:
      "Children under the doctor's ACTIVE contracts, in contract order; null unless the doctor is within the " +
      "viewer's scope (the doctor themself, or a health officer of the doctor's region).",
  })
  async patients(
    @Root() doctor: FamilyDoctor,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<PatientConnection | null> {
    const page = pageArgs(first, after);
    const afterId = page.after === null ? 0 : parseIdCursor(page.after);
    // Null outside the viewer's scope, and only patients inside the viewer's rows: the loader reads under them.
    const rows = await ctx.loaders.patientsOfDoctor.load({ doctor, after: afterId, take: page.limit + 1 });
    if (rows === null) return null;
    return toPage(
      rows,
      page.limit,
      (r) => r.contract.id,
      (r): Patient => ({ contract: r.contract, childId: r.childId }),
    );
  }
}
