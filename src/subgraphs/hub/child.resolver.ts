import { Arg, Ctx, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { parseIdNumber } from "../../domain/id-number.ts";
import { parseBirthCertificateNumber, parseStudentNumber } from "../../domain/identifiers.ts";
import { regionPrefixOf } from "../../db/region.ts";
import { Connection } from "../../graphql/connection.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import { badInput, parseChildId } from "../../graphql/errors.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { Child, ChildSource, Sex } from "./child.type.ts";
import type { HubLoaders } from "./loaders.ts";

type Context = SubgraphContext<HubLoaders>;

@ObjectType("ChildConnection")
class ChildConnection extends Connection("Child", Child) {}

@Resolver(() => Child)
export class ChildResolver {
  @Query(() => Child, { nullable: true, description: "A child by master id; null when there is no such child." })
  async child(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Child | null> {
    return ctx.loaders.child(parseChildId(id, "id"));
  }

  @Query(() => Child, { nullable: true, description: "A child by resident ID number (18 characters, GB 11643)." })
  async childByIdNumber(@Arg("idNumber", () => String) idNumber: string, @Ctx() ctx: Context): Promise<Child | null> {
    const parsed = parseIdNumber(idNumber);
    if (!parsed.ok) throw badInput("idNumber", parsed.problem.message);
    return ctx.loaders.childByIdentifier("idNumber", parsed.value.idNumber);
  }

  @Query(() => Child, {
    nullable: true,
    description: "A child by birth medical certificate number (one letter and 9 digits).",
  })
  async childByBirthCertificateNumber(
    @Arg("certificateNumber", () => String) certificateNumber: string,
    @Ctx() ctx: Context,
  ): Promise<Child | null> {
    const parsed = parseBirthCertificateNumber(certificateNumber);
    if (!parsed.ok) throw badInput("certificateNumber", parsed.problem.message);
    return ctx.loaders.childByIdentifier("birthCertificateNumber", parsed.value);
  }

  @Query(() => Child, {
    nullable: true,
    description: "A child by student number (G + ID number, J + code, or a temporary L number).",
  })
  async childByStudentNumber(
    @Arg("studentNumber", () => String) studentNumber: string,
    @Ctx() ctx: Context,
  ): Promise<Child | null> {
    const parsed = parseStudentNumber(studentNumber);
    if (!parsed.ok) throw badInput("studentNumber", parsed.problem.message);
    return ctx.loaders.childByIdentifier("studentNumber", studentNumber.trim().toUpperCase());
  }

  @Query(() => ChildConnection, {
    nullable: true,
    description: 'Children known to a region\'s departments, by division code or prefix ("33", "3301", "330106").',
  })
  async childrenInRegion(
    @Arg("region", () => String) region: string,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ChildConnection> {
    const page = pageArgs(first, after);
    const prefix = regionPrefixOf(region);
    const afterId = page.after === null ? null : parseChildId(page.after, "after");
    // Only children inside the viewer's rows: the loader reads under them.
    const ids = await ctx.loaders.childrenInRegion(prefix, afterId, page.limit);
    return toPage(
      ids,
      page.limit,
      (id) => id,
      (id) => ({ id: String(id) }),
    );
  }

  @FieldResolver(() => String, { nullable: true })
  async name(@Root() child: Child, @Ctx() ctx: Context) {
    return (await ctx.loaders.identity.load(Number(child.id))).name;
  }

  @FieldResolver(() => Sex, { nullable: true })
  async sex(@Root() child: Child, @Ctx() ctx: Context) {
    return (await ctx.loaders.identity.load(Number(child.id))).sex;
  }

  @FieldResolver(() => DateScalar, { nullable: true })
  async birthDate(@Root() child: Child, @Ctx() ctx: Context) {
    return (await ctx.loaders.identity.load(Number(child.id))).birthDate;
  }

  @FieldResolver(() => String, { nullable: true })
  async idNumber(@Root() child: Child, @Ctx() ctx: Context) {
    return (await ctx.loaders.identity.load(Number(child.id))).idNumber;
  }

  @FieldResolver(() => String, { nullable: true })
  async residenceRegionCode(@Root() child: Child, @Ctx() ctx: Context) {
    return (await ctx.loaders.identity.load(Number(child.id))).residenceRegionCode;
  }

  @FieldResolver(() => [ChildSource], { nullable: true })
  async sources(@Root() child: Child, @Ctx() ctx: Context): Promise<ChildSource[]> {
    const rows = await ctx.loaders.sources.load(Number(child.id));
    return rows.map((r) => ({
      source: r.source as ChildSource["source"],
      recordId: r.recordId,
      rule: r.rule,
      score: r.score,
      linkedAt: r.linkedAt.toISOString(),
    }));
  }
}
