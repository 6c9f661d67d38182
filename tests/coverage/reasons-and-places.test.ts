import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, NON_LOCAL_COUNTY, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { ReasonBreakdownDocument } from "../operations/generated.ts";

/*
 * Issue #19, items 1 and 2, through the gateway for every role that may ask: children the
 * province cannot place are counted (the place-unknown group) and listed, never dropped; why
 * children are uninsured is one query for a region and for a school (groupBy: REASON), whose
 * reason groups add up to the gap count; gap lists carry totalCount and come most urgent first,
 * page after page.
 *
 * The expectations are written here as data from the issue and DESIGN.md, over the snapshot rows
 * the coverage engine wrote (what a child's status, reasons and residence are is the engine's,
 * tested against the generator's truth elsewhere): what a gap is, which reason leads one, what
 * "placed in the province" means, the urgency order.
 */

const AS_OF = "2026-06-30";
const PROVINCE = "33";
/** The issue: an insured child still owed something (a needy child's subsidy) has a gap too. */
const OWED = ["NEEDY_WITHOUT_SUBSIDY", "SUBSIDY_BELOW_SETTING"];
/** The policy's order in which one reason leads a gap (its actor is the responsible actor). */
const LEADING = [
  "DUPLICATE_ENROLLMENT",
  "NEEDY_WITHOUT_SUBSIDY",
  "SUBSIDY_BELOW_SETTING",
  "NO_ID_NUMBER",
  "ENROLLMENT_ENDED",
  "UNPAID_ENROLLMENT",
  "NOT_RENEWED",
  "NEVER_ENROLLED",
];
const PLACE_UNKNOWN_LABEL = "居住地不明";

interface Row extends Record<string, unknown> {
  child_id: number;
  status: string;
  reasons: string[];
  deadline: string | null;
  residence: string | null;
  school: string | null;
  hukou_type: string;
}

interface Group {
  key: string | null;
  label: string | null;
  children: number;
  insured: number;
  statusCounts: { status: string; count: number }[];
}
interface Summary {
  region: string | null;
  school: string | null;
  total: Group;
  groups: Group[];
}
interface GapPage {
  totalCount: number;
  edges: {
    cursor: string;
    node: {
      child: { id: string };
      coverage: { status: string; reasons: string[]; leadingReason: string | null; deadline: string | null };
    };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const isGap = (r: Row) => r.status !== "INSURED" || r.reasons.some((x) => OWED.includes(x));
const leadingOf = (r: Row) => LEADING.find((x) => r.reasons.includes(x)) ?? "UNEXPLAINED";
const placed = (r: Row) => r.residence?.startsWith(PROVINCE) ?? false;
const GROUP = `key label children insured statusCounts { status count }`;
const GAP_PAGE = `totalCount edges { cursor node { child { id } coverage { status reasons leadingReason deadline } } }
  pageInfo { hasNextPage endCursor }`;

describe.each(ENGINES)("why children are uninsured, and where they live, on %s", (engine) => {
  let hub: TestHub;
  let rows: Row[];
  const officer: AuthenticatedViewer = { subject: "ins-33", role: "insurance_officer", scope: { region: PROVINCE } };
  const analyst: AuthenticatedViewer = { subject: "ana-33", role: "analyst", scope: { region: PROVINCE } };

  beforeAll(async () => {
    hub = await startTestHub(
      engine,
      { children: 1_500, seed: 44, asOf: AS_OF },
      { hardening: testHardening({ HUB_MAX_ALIASES: "100", HUB_MAX_ROOT_FIELDS: "100" }) },
    );
    rows = (
      await queryRows<Row>(
        hub.database.db,
        sql`select child_id, status, reasons, deadline::text, trim(residence_region_code) as residence,
              school_code as school, hukou_type
            from hub.coverage_status where as_of = ${AS_OF} order by child_id`,
      )
    ).map((r) => ({ ...r, child_id: Number(r.child_id) }));
  }, 180_000);
  afterAll(async () => hub?.close());

  async function run<T>(viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) {
    const result = await hub.gateway.execute(query, variables, await headersFor(viewer));
    expect(result.errors, query).toBeUndefined();
    return result.data as T;
  }
  const summary = async (viewer: AuthenticatedViewer, of: string, groupBy: string) =>
    (
      await run<{ coverageSummary: Summary }>(
        viewer,
        `{ coverageSummary(${of}, groupBy: ${groupBy}, asOf: "${AS_OF}") {
            region school total { ${GROUP} } groups { ${GROUP} } } }`,
      )
    ).coverageSummary;
  /** Every page of a gap list, `first` at a time. */
  async function allPages(viewer: AuthenticatedViewer, field: string, args: string, first: number) {
    const pages: GapPage[] = [];
    let after: string | null = null;
    do {
      const data: Record<string, GapPage> = await run(
        viewer,
        `query($after: String) { list: ${field}(${args} asOf: "${AS_OF}", first: ${first}, after: $after) {
          ${GAP_PAGE} } }`,
        { after },
      );
      pages.push(data.list!);
      after = data.list!.pageInfo.hasNextPage ? data.list!.pageInfo.endCursor : null;
    } while (after !== null);
    return { pages, edges: pages.flatMap((p) => p.edges) };
  }
  /** Counts per key, the data's way. */
  const countBy = <T>(items: readonly T[], key: (item: T) => string | null) => {
    const counts = new Map<string | null, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  };
  const asMap = (groups: Group[]) => new Map(groups.map((g) => [g.key, g.children]));

  it("has the cases this file is about: gaps of several reasons, children the province cannot place", () => {
    expect(rows.filter(isGap).length).toBeGreaterThan(50);
    expect(new Set(rows.filter(isGap).map(leadingOf)).size).toBeGreaterThan(2);
    expect(rows.filter((r) => !placed(r)).length).toBeGreaterThan(0);
  });

  it("gives every gap a reason, and a region's reason groups add up to its gap count and gap list", async () => {
    // A prefecture: the officer's figures are exact there, and its gap list holds every resident with a gap.
    const prefecture = [...countBy(rows.filter(placed), (r) => r.residence!.slice(0, 4))].sort(
      (a, b) => b[1] - a[1],
    )[0]![0]!;
    const residents = rows.filter((r) => r.residence?.startsWith(prefecture));
    const want = countBy(residents, (r) => (isGap(r) ? leadingOf(r) : null));
    const shown = await summary(officer, `region: "${prefecture}"`, "REASON");
    expect(asMap(shown.groups)).toEqual(want);
    expect(shown.groups.some((g) => g.key === "UNEXPLAINED")).toBe(false);
    const gapCount = shown.groups.filter((g) => g.key !== null).reduce((a, g) => a + g.children, 0);
    expect(gapCount).toBe(residents.filter(isGap).length);
    expect(shown.total.children).toBe(residents.length);
    const list = await run<{ all: GapPage; byReason: GapPage }>(
      officer,
      `{ all: coverageGaps(filter: { region: "${prefecture}" }, asOf: "${AS_OF}", first: 1) { totalCount }
         byReason: coverageGaps(filter: { region: "${prefecture}", leadingReason: ${[...want.keys()].find((k) => k)} },
           asOf: "${AS_OF}", first: 500) { ${GAP_PAGE} } }`,
    );
    expect(list.all.totalCount).toBe(gapCount);
    const reason = [...want.keys()].find((k) => k)!;
    expect(list.byReason.totalCount).toBe(want.get(reason));
    for (const e of list.byReason.edges) expect(e.node.coverage.leadingReason).toBe(reason);
  });

  it("answers a school's 'why our pupils are uninsured' in one query, for its administrator exactly", async () => {
    const school = [...countBy(rows.filter(isGap), (r) => r.school)]
      .filter(([code]) => code !== null)
      .sort((a, b) => b[1] - a[1])[0]![0]!;
    const admin: AuthenticatedViewer = { subject: "teacher", role: "school_admin", scope: { schools: [school] } };
    const pupils = rows.filter((r) => r.school === school);
    // The operation a school's tool sends (tests/operations/reason-breakdown.graphql): today's snapshot, the
    // newest one here.
    const data = await run<{ coverageSummary: Summary }>(admin, print(ReasonBreakdownDocument), { school });
    expect(data.coverageSummary).toMatchObject({ asOf: AS_OF, region: null, school });
    expect(asMap(data.coverageSummary.groups)).toEqual(countBy(pupils, (r) => (isGap(r) ? leadingOf(r) : null)));
    const gapCount = data.coverageSummary.groups.filter((g) => g.key !== null).reduce((a, g) => a + g.children, 0);
    const list = await run<{ coverageGaps: GapPage }>(
      admin,
      `{ coverageGaps(filter: { school: "${school}" }, asOf: "${AS_OF}", first: 1) { totalCount } }`,
    );
    expect(list.coverageGaps.totalCount).toBe(gapCount);
    expect(gapCount).toBe(pupils.filter(isGap).length);
    // Another school's breakdown is none of its business: nothing of it is counted.
    const other = rows.find((r) => r.school !== null && r.school !== school)!.school!;
    expect((await summary(admin, `school: "${other}"`, "REASON")).total.children).toBe(0);
  });

  it("rounds the reason breakdowns of roles that may not count them, adding up to the figures beside", async () => {
    const school = rows.find((r) => r.school !== null && isGap(r))!.school!;
    for (const viewer of [
      analyst,
      { subject: "edu-33", role: "education_officer", scope: { region: PROVINCE } },
      { subject: "hea-33", role: "health_officer", scope: { region: PROVINCE } },
    ] as AuthenticatedViewer[]) {
      const byRegion = await summary(viewer, `region: "${PROVINCE}"`, "REASON");
      const bySchool = await summary(viewer, `school: "${school}"`, "REASON");
      for (const s of [byRegion, bySchool]) {
        for (const g of [s.total, ...s.groups]) {
          expect(g.children % 5, `${viewer.role} ${g.key}`).toBe(0);
          expect(g.insured % 5, `${viewer.role} ${g.key}`).toBe(0);
        }
        expect(s.groups.reduce((a, g) => a + g.children, 0)).toBe(s.total.children);
      }
      // The province by REASON counts the same children as by REGION (the place-unknown group included).
      expect(byRegion.total.children).toBe((await summary(viewer, `region: "${PROVINCE}"`, "REGION")).total.children);
      // The school's breakdown adds up to the school's own published figure, not a second rounding of it.
      if (viewer.role !== "health_officer") {
        const own = await run<{ school: { coverage: { children: number } } }>(
          viewer,
          `{ school(code: "${school}") { coverage(asOf: "${AS_OF}") { children } } }`,
        );
        expect(bySchool.total.children).toBe(own.school.coverage.children);
      }
    }
  });

  it("counts the children the province cannot place in a visible group, for every province role", async () => {
    const unplaced = rows.filter((r) => !placed(r));
    const byPrefecture = countBy(rows.filter(placed), (r) => `${r.residence!.slice(0, 4)}00`);
    // The README's bound: each county's children (and the place-unknown group's) rounded to within 2.
    const counties = new Set(rows.filter(placed).map((r) => r.residence)).size;
    // The officer: exact where it counts its own residents, the place-unknown group rounded (it has no residence
    // there to be in the officer's rows by).
    const shown = await summary(officer, `region: "${PROVINCE}"`, "REGION");
    const unknown = shown.groups.find((g) => g.key === null);
    expect(unknown).toMatchObject({ label: PLACE_UNKNOWN_LABEL });
    expect(unknown!.children % 5).toBe(0);
    expect(Math.abs(unknown!.children - unplaced.length)).toBeLessThanOrEqual(2);
    expect(new Map(shown.groups.filter((g) => g.key !== null).map((g) => [g.key, g.children]))).toEqual(byPrefecture);
    expect(shown.total.children).toBe(shown.groups.reduce((a, g) => a + g.children, 0));
    // Every province role sees it; the province total is every child of the snapshot, up to rounding.
    for (const role of ["analyst", "health_officer", "education_officer", "household_officer"] as const) {
      const viewer: AuthenticatedViewer = { subject: `${role}-33`, role, scope: { region: PROVINCE } };
      const s = await summary(viewer, `region: "${PROVINCE}"`, "REGION");
      expect(
        s.groups.find((g) => g.key === null),
        role,
      ).toMatchObject({ label: PLACE_UNKNOWN_LABEL });
      expect(Math.abs(s.total.children - rows.length), role).toBeLessThanOrEqual(2 * (counties + 1));
      expect(s.groups.reduce((a, g) => a + g.children, 0)).toBe(s.total.children);
    }
    // A prefecture's office has no place-unknown group: those children are the province's, not any city's.
    const city: AuthenticatedViewer = { subject: "ana-3301", role: "analyst", scope: { region: "3301" } };
    const cityView = await summary(city, `region: "${PROVINCE}"`, "REGION");
    expect(cityView.groups.some((g) => g.key === null)).toBe(false);
  });

  it("lists the children the province cannot place in the province's lists, and alone with placeUnknown", async () => {
    const everything = await allPages(officer, "coverageGaps", "", 500);
    const province = await allPages(officer, "coverageGaps", `filter: { region: "${PROVINCE}" },`, 500);
    expect(province.edges.map((e) => e.node.child.id)).toEqual(everything.edges.map((e) => e.node.child.id));
    const unplacedIds = new Set(rows.filter((r) => !placed(r)).map((r) => String(r.child_id)));
    const alone = await allPages(officer, "coverageGaps", `filter: { placeUnknown: true },`, 500);
    expect(alone.edges.map((e) => e.node.child.id)).toEqual(
      everything.edges.map((e) => e.node.child.id).filter((id) => unplacedIds.has(id)),
    );
    const placedOnly = await allPages(officer, "coverageGaps", `filter: { placeUnknown: false },`, 500);
    expect(placedOnly.pages[0]!.totalCount + alone.pages[0]!.totalCount).toBe(everything.pages[0]!.totalCount);
    const watch = await allPages(officer, "newbornWatchlist", `withinDays: 90,`, 500);
    const watchProvince = await allPages(officer, "newbornWatchlist", `region: "${PROVINCE}", withinDays: 90,`, 500);
    expect(watchProvince.edges.map((e) => e.node.child.id)).toEqual(watch.edges.map((e) => e.node.child.id));
    expect(watch.pages[0]!.totalCount).toBe(watch.edges.length);
  });

  it("puts migrants on their residence county's gap list and watchlist", async () => {
    const migrants = rows.filter((r) => r.hukou_type === "NON_LOCAL" && isGap(r) && placed(r));
    expect(migrants.length).toBeGreaterThan(0);
    for (const county of [...new Set(migrants.map((r) => r.residence!))].slice(0, 5)) {
      const office: AuthenticatedViewer = {
        subject: `ins-${county}`,
        role: "insurance_officer",
        scope: { region: county },
      };
      const listed = new Set(
        (await allPages(office, "coverageGaps", `filter: { region: "${county}" },`, 500)).edges.map(
          (e) => e.node.child.id,
        ),
      );
      const watched = new Set(
        (await allPages(office, "newbornWatchlist", `region: "${county}", withinDays: 366,`, 500)).edges.map(
          (e) => e.node.child.id,
        ),
      );
      for (const m of migrants.filter((r) => r.residence === county)) {
        expect(listed.has(String(m.child_id)), `child ${m.child_id} on ${county}'s gap list`).toBe(true);
        if (m.status === "NEWBORN_IN_WINDOW") expect(watched.has(String(m.child_id))).toBe(true);
      }
    }
  });

  it("lists gaps most urgent first — deadlines ahead, deadlines missed, then the rest — page after page", async () => {
    const rank = (deadline: string | null) => (deadline === null ? 2 : deadline >= AS_OF ? 0 : 1);
    const whole = await allPages(officer, "coverageGaps", "", 500);
    const paged = await allPages(officer, "coverageGaps", "", 7);
    expect(paged.edges.map((e) => e.node.child.id)).toEqual(whole.edges.map((e) => e.node.child.id));
    expect(new Set(paged.edges.map((e) => e.node.child.id)).size).toBe(paged.edges.length);
    for (const p of paged.pages) expect(p.totalCount).toBe(paged.edges.length);
    const order = paged.edges.map((e) => ({ id: Number(e.node.child.id), deadline: e.node.coverage.deadline }));
    expect(order.some((o) => rank(o.deadline) === 0)).toBe(true);
    expect(order.some((o) => rank(o.deadline) === 2)).toBe(true);
    const sorted = [...order].sort(
      (a, b) =>
        rank(a.deadline) - rank(b.deadline) ||
        (rank(a.deadline) === 0 ? a.deadline!.localeCompare(b.deadline!) : 0) ||
        (rank(a.deadline) === 1 ? b.deadline!.localeCompare(a.deadline!) : 0) ||
        a.id - b.id,
    );
    expect(order).toEqual(sorted);
    // The list is the data's: every gap of the officer's rows, none else.
    const gapIds = new Set(rows.filter(isGap).map((r) => r.child_id));
    for (const o of order) expect(gapIds.has(o.id)).toBe(true);
    // A cursor whose rank and deadline disagree (rank 2 has no deadline) came from no list.
    const cursor = (key: string) => Buffer.from(key).toString("base64url");
    const bad = await hub.gateway.execute(
      `{ coverageGaps(asOf: "${AS_OF}", after: "${cursor("c:2:2026-01-01:5")}") { totalCount } }`,
      {},
      await headersFor(officer),
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a summary of both a region and a school, or of neither, and a filter a role may not read", async () => {
    for (const args of [`region: "33", school: "2330106101"`, ``]) {
      const result = await hub.gateway.execute(
        `{ coverageSummary(${args} groupBy: REASON, asOf: "${AS_OF}") { total { children } } }`,
        {},
        await headersFor(officer),
      );
      expect(result.errors?.[0]?.extensions?.code, args).toBe("BAD_USER_INPUT");
    }
    const health: AuthenticatedViewer = { subject: "hea", role: "health_officer", scope: { region: PROVINCE } };
    const result = await hub.gateway.execute(
      `{ coverageGaps(filter: { leadingReason: NEVER_ENROLLED }, asOf: "${AS_OF}") { totalCount } }`,
      {},
      await headersFor(health),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe.each(ENGINES)("children the province cannot place, built one by one, on %s", (engine) => {
  let hub: TestHub;
  let placedChild: BuiltChild;
  /** Hukou in another province, known here only by an unpaid enrollment: its residence is outside the province. */
  let elsewhere: BuiltChild;
  /** A newborn known only by its family doctor's contract: no residence at all. */
  let nowhere: BuiltChild;
  let doctorCode: string;
  const officer: AuthenticatedViewer = { subject: "ins-33", role: "insurance_officer", scope: { region: PROVINCE } };
  const health: AuthenticatedViewer = { subject: "hea-33", role: "health_officer", scope: { region: PROVINCE } };

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const area = await build.coordinationArea({ code: "330100" });
    const doctor = await build.familyDoctor({ region: "330106" });
    doctorCode = doctor.code;
    await build.school({ region: "330106" });
    placedChild = await build.child({ birthDate: "2015-03-01" });
    elsewhere = await build.child({
      hukou: NON_LOCAL_COUNTY,
      birthDate: "2016-04-01",
      enrollments: [{ area, coverageYear: 2026, paid: false, enrolledOn: "2026-01-05" }],
    });
    nowhere = await build.child({
      hukou: null,
      idNumber: null,
      birthDate: "2026-06-01",
      contracts: [{ doctor, signedOn: "2026-06-02" }],
    });
    await build.link({ coverageAsOf: AS_OF });
  }, 120_000);
  afterAll(async () => hub?.close());

  const ids = async (viewer: AuthenticatedViewer, field: string, args: string) => {
    const result = await hub.gateway.execute(
      `{ list: ${field}(${args} asOf: "${AS_OF}", first: 50) { totalCount edges { node { child { id } } } } }`,
      {},
      await headersFor(viewer),
    );
    expect(result.errors, `${field}(${args})`).toBeUndefined();
    const list = result.data!.list as { totalCount: number; edges: { node: { child: { id: string } } }[] };
    expect(list.totalCount).toBe(list.edges.length);
    return list.edges.map((e) => Number(e.node.child.id)).sort((a, b) => a - b);
  };

  it("keeps them on the province's gap lists and watchlist, and lists them alone with placeUnknown", async () => {
    expect(await ids(officer, "coverageGaps", `filter: { region: "${PROVINCE}" },`)).toEqual(
      [placedChild.id, elsewhere.id].sort((a, b) => a - b),
    );
    expect(await ids(officer, "coverageGaps", `filter: { placeUnknown: true },`)).toEqual([elsewhere.id]);
    expect(await ids(officer, "coverageGaps", `filter: { region: "3301" },`)).toEqual([placedChild.id]);
    expect(await ids(health, "newbornWatchlist", `region: "${PROVINCE}", withinDays: 90,`)).toEqual([nowhere.id]);
    expect(await ids(health, "newbornWatchlist", `region: "3301", withinDays: 90,`)).toEqual([]);
    expect(await ids(health, "coverageGaps", `filter: { placeUnknown: true },`)).toEqual([nowhere.id]);
  });

  it("counts them in the province's place-unknown group, exactly for their own family doctor", async () => {
    const doctor: AuthenticatedViewer = { subject: "dr", role: "family_doctor", scope: { doctor: doctorCode } };
    const result = await hub.gateway.execute(
      `{ province: coverageSummary(region: "${PROVINCE}", groupBy: REGION, asOf: "${AS_OF}") {
           total { children } groups { key label children statusCounts { status count } } }
         city: coverageSummary(region: "3301", groupBy: REGION, asOf: "${AS_OF}") { total { children } } }`,
      {},
      await headersFor(doctor),
    );
    expect(result.errors).toBeUndefined();
    const province = result.data!.province as { total: { children: number }; groups: Group[] };
    expect(province.groups).toEqual([
      {
        key: null,
        label: PLACE_UNKNOWN_LABEL,
        children: 1,
        statusCounts: expect.arrayContaining([{ status: "NEWBORN_IN_WINDOW", count: 1 }]),
      },
    ]);
    expect(province.total.children).toBe(1);
    expect((result.data!.city as { total: { children: number } }).total.children).toBe(0);
  });
});
