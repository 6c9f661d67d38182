import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer, Department } from "../../src/access/identity/viewer.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { SUBGRAPH_NAMES } from "../../src/graphql/subgraph.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, SCHOOL_YEAR, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * Row scopes end to end: for a viewer of every role, the children each subgraph resolves
 * through `_entities`, and the gateway's root queries, are exactly the children DESIGN.md's
 * matrix puts in that viewer's scope. The test builds one child for each way a record places a
 * child, in the anchors (a county, a school, a doctor) and outside them; the expectation is
 * computed here from the records it built — never from the hub's links or its
 * `hub.child_scope` view, which are what is under test — and checked against the matrix
 * written out by hand.
 */

/** The anchors: a county (and its prefecture, for the insurance department), a school, a doctor. */
const COUNTY = "330106";

/** Where a built child's records place it, as the matrix words it. */
function placesOf(child: BuiltChild, regionOf: (code: string) => string): { facet: string; code: string }[] {
  const places: { facet: string; code: string }[] = [];
  if (child.person) {
    places.push({ facet: "hukou", code: child.person.hukouRegionCode });
    if (child.person.residenceRegionCode)
      places.push({ facet: "residence_permit", code: child.person.residenceRegionCode });
  }
  for (const r of child.registrations) {
    if (r.status === "ENROLLED") {
      places.push({ facet: "school", code: r.schoolCode });
      places.push({ facet: "school_region", code: regionOf(r.schoolCode) });
    }
    places.push({ facet: "any_school_region", code: regionOf(r.schoolCode) });
  }
  if (child.birthCertificate) places.push({ facet: "birth_certificate", code: child.birthCertificate.regionCode });
  for (const f of child.immunizations) places.push({ facet: "vaccination_site", code: regionOf(f.siteCode) });
  for (const c of child.contracts.filter((k) => k.status === "ACTIVE")) {
    places.push({ facet: "doctor", code: c.doctorCode });
    places.push({ facet: "doctor_region", code: regionOf(c.doctorCode) });
  }
  for (const e of child.enrollments) places.push({ facet: "insurance_area", code: e.areaCode });
  const residence = residenceOf(child, regionOf);
  if (residence) places.push({ facet: "residence", code: residence });
  return places;
}

/** The snapshot the test builds: the residence rule's "this school year" is 2025/26. */
const AS_OF = "2026-06-30";

/**
 * Where a child lives by the one residence rule (#18.19 and #19, the issues' words: the current
 * school, else the residence permit, else the vaccination file in use, else for a newborn the
 * birth certificate's place, else the hukou — the registry's, else the ID number's county, where
 * the hukou was registered when the number was issued). The children here have at most one
 * vaccination file.
 */
function residenceOf(child: BuiltChild, regionOf: (code: string) => string): string | null {
  const school = child.registrations.find((r) => r.status === "ENROLLED" && r.schoolYear === SCHOOL_YEAR);
  if (school) return regionOf(school.schoolCode);
  if (child.person?.residenceRegionCode) return child.person.residenceRegionCode;
  if (child.immunizations.length === 1) return regionOf(child.immunizations[0]!.siteCode);
  const newborn = child.birthDate > "2025-06-30";
  if (newborn && child.birthCertificate) return child.birthCertificate.regionCode;
  return child.person?.hukouRegionCode ?? child.idNumber?.slice(0, 6) ?? child.birthCertificate?.regionCode ?? null;
}

interface Case {
  viewer: AuthenticatedViewer;
  /** The places that put a child in scope: facets and a code test. */
  facets: string[];
  matches: (code: string) => boolean;
  /** The children the matrix says the viewer sees, by name. */
  sees: string[];
}

describe.each(ENGINES)("row scopes on %s", (engine) => {
  let hub: TestHub;
  /** One child for each way of being placed, by name. */
  let children: Record<string, BuiltChild>;
  let places: { childId: number; facet: string; code: string }[];
  let cases: Case[];
  let allIds: number[];

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const school = await build.school({ region: COUNTY });
    const otherSchool = await build.school({ region: "330102" });
    const site = await build.vaccinationSite({ region: COUNTY });
    const otherSite = await build.vaccinationSite({ region: "330203" });
    const doctor = await build.familyDoctor({ region: COUNTY });
    const otherDoctor = await build.familyDoctor({ region: "330203" });
    const hangzhou = await build.coordinationArea({ code: "330100" });
    const ningbo = await build.coordinationArea({ code: "330200" });
    const specs = {
      local: { hukou: COUNTY },
      otherCounty: { hukou: "330203" },
      permitHolder: { residencePermit: { residence: COUNTY, hukou: "340102" } },
      pupil: { hukou: null, registrations: [school] },
      otherPupil: { hukou: null, registrations: [otherSchool] },
      graduate: { hukou: null, registrations: [{ school, schoolYear: 2024, status: "GRADUATED" as const }] },
      newborn: { hukou: null, idNumber: null, birthDate: "2026-05-01", birthCertificate: { region: COUNTY } },
      vaccinated: { hukou: null, immunizations: [site] },
      vaccinatedElsewhere: { hukou: null, immunizations: [otherSite] },
      patient: { hukou: null, contracts: [doctor] },
      formerPatient: { hukou: "340102", contracts: [{ doctor, status: "EXPIRED" as const }] },
      otherPatient: { hukou: null, contracts: [otherDoctor] },
      enrolled: { hukou: null, enrollments: [hangzhou] },
      enrolledElsewhere: { hukou: null, enrollments: [ningbo] },
    };
    children = {};
    for (const [name, spec] of Object.entries(specs)) children[name] = await build.child(spec);
    await build.link({ coverageAsOf: AS_OF });

    const regions = new Map(
      [school, otherSchool, site, otherSite, doctor, otherDoctor].map((p) => [p.code, p.regionCode]),
    );
    places = Object.values(children).flatMap((child) =>
      placesOf(child, (code) => regions.get(code)!).map((p) => ({ childId: child.id, ...p })),
    );
    allIds = Object.values(children)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    const inCounty = (code: string) => code.startsWith(COUNTY);
    const region = (
      role: AuthenticatedViewer["role"],
      facets: string[],
      sees: string[],
      department?: Department,
      prefix = COUNTY,
    ): Case => ({
      viewer: {
        subject: `test-${role}-${department ?? prefix}`,
        role,
        scope: department ? { department, region: prefix } : { region: prefix },
      },
      facets,
      matches: prefix === COUNTY ? inCounty : (code) => code.startsWith(prefix),
      sees,
    });
    cases = [
      // Resident (the residence rule) or registered (hukou, permit, insurance area): #18.19. A child the
      // registry does not know is resident where its ID number was issued (the hukou of the number);
      // a newborn known only by its birth certificate lives at the certificate's place of birth (#19).
      region(
        "insurance_officer",
        ["residence", "hukou", "residence_permit", "insurance_area"],
        [
          "local",
          "permitHolder",
          "pupil",
          "graduate",
          "newborn",
          "vaccinated",
          "patient",
          "otherPatient",
          "enrolled",
          "enrolledElsewhere",
        ],
      ),
      region(
        "health_officer",
        ["birth_certificate", "vaccination_site", "doctor_region"],
        ["newborn", "vaccinated", "patient"],
      ),
      region("education_officer", ["school_region"], ["pupil"]),
      region("household_officer", ["hukou", "residence_permit"], ["local", "permitHolder"]),
      region("department_system", ["hukou", "residence_permit"], ["local", "permitHolder"], "household"),
      region(
        "department_system",
        ["birth_certificate", "vaccination_site", "doctor_region"],
        ["newborn", "vaccinated", "patient"],
        "health",
      ),
      region("department_system", ["any_school_region"], ["pupil", "graduate"], "education"),
      // Coordination areas are prefectures (市级统筹): the insurance department's system is scoped to one.
      region("department_system", ["insurance_area"], ["enrolled"], "insurance", COUNTY.slice(0, 4)),
      {
        viewer: { subject: "test-school-admin", role: "school_admin", scope: { schools: [school.code] } },
        facets: ["school"],
        matches: (c) => c === school.code,
        sees: ["pupil"],
      },
      {
        viewer: { subject: "test-family-doctor", role: "family_doctor", scope: { doctor: doctor.code } },
        facets: ["doctor"],
        matches: (c) => c === doctor.code,
        sees: ["patient"],
      },
      {
        viewer: { subject: "test-analyst", role: "analyst", scope: { region: COUNTY } },
        facets: [],
        matches: () => false,
        sees: [],
      },
      { viewer: { subject: "test-auditor", role: "auditor", scope: {} }, facets: [], matches: () => false, sees: [] },
    ];
  }, 180_000);
  afterAll(async () => hub?.close());

  function expected(c: Case): number[] {
    const ids = new Set(places.filter((p) => c.facets.includes(p.facet) && c.matches(p.code)).map((p) => p.childId));
    return [...ids].sort((a, b) => a - b);
  }

  it("has viewers that see some children and not others (the anchors are real)", () => {
    for (const c of cases) {
      // The places the records make agree with the matrix written out by hand.
      const named = c.sees.map((name) => children[name]!.id).sort((a, b) => a - b);
      expect(expected(c), c.viewer.subject).toEqual(named);
      if (c.facets.length === 0) expect(named, c.viewer.subject).toEqual([]);
      else expect(named, c.viewer.subject).not.toEqual([]);
      expect(named.length, c.viewer.subject).toBeLessThan(allIds.length);
    }
  });

  it(
    "resolves through every subgraph's _entities exactly " + "the children in the viewer's scope, the rest as null",
    async () => {
      let checked = 0;
      for (const c of cases) {
        const headers = await headersFor(c.viewer);
        for (const name of SUBGRAPH_NAMES) {
          const result = await executeSubgraph(
            SUBGRAPHS[name],
            hub.database.db,
            `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Child { id } } }`,
            {
              r: allIds.map((id) => ({ __typename: "Child", id: String(id) })),
            },
            headers,
          );
          const entities = (result.data?._entities ?? []) as ({ __typename: string } | null)[];
          expect(entities, `${c.viewer.subject} on ${name}`).toHaveLength(allIds.length);
          const resolved = allIds.filter((_, i) => entities[i] !== null);
          expect(resolved, `${c.viewer.subject} on ${name}`).toEqual(expected(c));
          checked += allIds.length;
        }
      }
      console.log(`row scopes (${engine}): ${checked} (viewer, subgraph, child) _entities resolutions checked`);
    },
    120_000,
  );

  it(
    "answers child(id) through the gateway for a child in " + "scope, and null — like an unknown id — for one outside",
    async () => {
      for (const c of cases.filter((k) => k.facets.length > 0)) {
        const inside = expected(c);
        const outside = allIds.filter((id) => !inside.includes(id));
        const sample = [...inside.slice(0, 3), ...outside.slice(0, 3), 99_999_999];
        const query = `{ ${sample.map((id, i) => `c${i}: child(id: "${id}") { id }`).join(" ")} }`;
        const result = await hub.gateway.execute(query, {}, await headersFor(c.viewer));
        expect(result.errors, c.viewer.subject).toBeUndefined();
        const answered = sample.map((_, i) => (result.data![`c${i}`] as { id: string } | null)?.id ?? null);
        expect(answered, c.viewer.subject).toEqual(sample.map((id) => (inside.includes(id) ? String(id) : null)));
      }
    },
  );

  it("lists in childrenInRegion only the children in the viewer's scope, every page", async () => {
    for (const c of cases.filter((k) => k.facets.length > 0)) {
      const headers = await headersFor(c.viewer);
      const seen: number[] = [];
      let after: string | null = null;
      for (;;) {
        // Pages of two: most viewers see more than one page.
        const result = await hub.gateway.execute(
          `query($after: String) { childrenInRegion(region: "33", first: 2, after: $after) { edges { node { id } }
            pageInfo { hasNextPage endCursor } } }`,
          { after },
          headers,
        );
        expect(result.errors, c.viewer.subject).toBeUndefined();
        const page = result.data!.childrenInRegion as {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        seen.push(...page.edges.map((e) => Number(e.node.id)));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen, c.viewer.subject).toEqual(expected(c));
    }
  });
});
