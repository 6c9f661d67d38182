import { Arg, Ctx, FieldResolver, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Connection } from "../../graphql/connection.ts";
import { pageArgs, toPage } from "../../db/paging.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import { parseCodeCursor, parseIdCursor, parseSiteCode } from "./arguments.ts";
import { HealthChild, VaccinationSite } from "./health.type.ts";
import type { HealthLoaders } from "./loaders.ts";
import { sitesInRegion } from "./queries.ts";
import { regionPrefixOf } from "../../db/region.ts";

type Context = SubgraphContext<HealthLoaders>;

@ObjectType("VaccinationSiteConnection")
export class VaccinationSiteConnection extends Connection("VaccinationSite", VaccinationSite) {}

@ObjectType("VaccinationSiteChildConnection")
export class VaccinationSiteChildConnection extends Connection("VaccinationSiteChild", HealthChild) {}

@Resolver(() => VaccinationSite)
export class VaccinationSiteResolver {
  @Query(() => VaccinationSite, {
    nullable: true,
    description: 'A vaccination site by code ("V330106001"); null when unknown.',
  })
  async vaccinationSite(@Arg("code", () => String) code: string, @Ctx() ctx: Context): Promise<VaccinationSite | null> {
    return ctx.loaders.vaccinationSite.load(parseSiteCode(code, "code"));
  }

  @Query(() => VaccinationSiteConnection, {
    nullable: true,
    description: 'Vaccination sites of a region, by division code or prefix ("33", "3301", "330106"), in code order.',
  })
  async vaccinationSites(
    @Arg("region", () => String) region: string,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<VaccinationSiteConnection> {
    const page = pageArgs(first, after);
    const prefix = regionPrefixOf(region);
    const afterCode = page.after === null ? null : parseCodeCursor(page.after, parseSiteCode);
    const rows = await sitesInRegion(ctx.db, prefix, afterCode, page.limit + 1);
    for (const site of rows) ctx.loaders.vaccinationSite.prime(site.code, site);
    return toPage(
      rows,
      page.limit,
      (site) => site.code,
      (site) => site,
    );
  }

  @FieldResolver(() => VaccinationSiteChildConnection, {
    nullable: true,
    description:
      "Children with an immunization file at the site, in child id order; only those within the viewer's scope.",
  })
  async children(
    @Root() site: VaccinationSite,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<VaccinationSiteChildConnection> {
    const page = pageArgs(first, after);
    const afterId = page.after === null ? 0 : parseIdCursor(page.after);
    // The rows are a condition of the page's statement: a child outside them is simply not on the list.
    const ids = await ctx.loaders.childrenOfSite.load({ key: site.code, after: afterId, take: page.limit + 1 });
    return toPage(
      ids,
      page.limit,
      (id) => id,
      (id) => ({ id: String(id) }),
    );
  }
}
