import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer, Department } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { SUBGRAPH_NAMES } from "../../src/graphql/subgraph.ts";
import { headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * Row scopes end to end: for a viewer of every role, the children each subgraph resolves
 * through `_entities`, and the gateway's root queries, are exactly the children DESIGN.md's
 * matrix puts in that viewer's scope. The expectation is computed here from the generator's
 * truth (which record belongs to which child) and the department tables — never from the
 * hub's links or its `hub.child_scope` view, which are what is under test.
 */

/** Where a department record places its child, as the matrix words it; keyed by truth's child key. */
const PLACES = sql`
  select r.child_key, 'hukou' as facet, p.hukou_region_code::text as code from truth.records r join household.persons p on r.source = 'household.person' and p.record_id = r.record_id
  union all select r.child_key, 'residence_permit', p.residence_region_code::text from truth.records r join household.persons p on r.source = 'household.person' and p.record_id = r.record_id where p.residence_region_code is not null
  union all select r.child_key, 'school', s.school_code from truth.records r join education.student_registrations s on r.source = 'education.student' and s.record_id = r.record_id where s.status = 'ENROLLED'
  union all select r.child_key, 'school_region', sc.region_code::text from truth.records r join education.student_registrations s on r.source = 'education.student' and s.record_id = r.record_id join education.schools sc using (school_code) where s.status = 'ENROLLED'
  union all select r.child_key, 'any_school_region', sc.region_code::text from truth.records r join education.student_registrations s on r.source = 'education.student' and s.record_id = r.record_id join education.schools sc using (school_code)
  union all select r.child_key, 'birth_certificate', b.region_code::text from truth.records r join health.birth_certificates b on r.source = 'health.birth_certificate' and b.record_id = r.record_id
  union all select r.child_key, 'vaccination_site', v.region_code::text from truth.records r join health.immunization_records i on r.source = 'health.immunization_record' and i.record_id = r.record_id join health.vaccination_sites v using (site_code)
  union all select r.child_key, 'doctor', c.doctor_code from truth.records r join health.doctor_contracts c on r.source = 'health.doctor_contract' and c.record_id = r.record_id where c.status = 'ACTIVE'
  union all select r.child_key, 'doctor_region', d.region_code::text from truth.records r join health.doctor_contracts c on r.source = 'health.doctor_contract' and c.record_id = r.record_id join health.family_doctors d using (doctor_code) where c.status = 'ACTIVE'
  union all select r.child_key, 'insurance_area', e.area_code::text from truth.records r join insurance.enrollments e on r.source = 'insurance.enrollment' and e.record_id = r.record_id`;

interface Case {
  viewer: AuthenticatedViewer;
  /** The places that put a child in scope: facets and a code test. */
  facets: string[];
  matches: (code: string) => boolean;
}

describe.each(ENGINES)("row scopes on %s", (engine) => {
  let hub: TestHub;
  let places: { childId: number; facet: string; code: string }[];
  let cases: Case[];
  let allIds: number[];

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 800, seed: 31 });
    const db = hub.database.db;
    const rows = await queryRows<{ child_key: string; facet: string; code: string }>(db, PLACES);
    places = rows.map((r) => ({ childId: hub.childIds.get(r.child_key)!, facet: r.facet, code: r.code.trim() }));
    allIds = [...hub.childIds.values()].sort((a, b) => a - b);
    // Anchors with children both inside and outside: the busiest county, school and doctor.
    const busiest = (facet: string, key: (code: string) => string) => {
      const counts = new Map<string, number>();
      for (const p of places) if (p.facet === facet) counts.set(key(p.code), (counts.get(key(p.code)) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    };
    const county = busiest("hukou", (c) => c);
    const school = busiest("school", (c) => c);
    const doctor = busiest("doctor", (c) => c);
    const inCounty = (code: string) => code.startsWith(county);
    const region = (
      role: AuthenticatedViewer["role"],
      facets: string[],
      department?: Department,
      prefix = county,
    ): Case => ({
      viewer: {
        subject: `test-${role}-${department ?? prefix}`,
        role,
        scope: department ? { department, region: prefix } : { region: prefix },
      },
      facets,
      matches: prefix === county ? inCounty : (code) => code.startsWith(prefix),
    });
    cases = [
      region("insurance_officer", [
        "hukou",
        "residence_permit",
        "school_region",
        "vaccination_site",
        "birth_certificate",
        "insurance_area",
      ]),
      region("health_officer", ["birth_certificate", "vaccination_site", "doctor_region"]),
      region("education_officer", ["school_region"]),
      region("household_officer", ["hukou", "residence_permit"]),
      region("department_system", ["hukou", "residence_permit"], "household"),
      region("department_system", ["birth_certificate", "vaccination_site", "doctor_region"], "health"),
      region("department_system", ["any_school_region"], "education"),
      // Coordination areas are prefectures (市级统筹): the insurance department's system is scoped to one.
      region("department_system", ["insurance_area"], "insurance", county.slice(0, 4)),
      {
        viewer: { subject: "test-school-admin", role: "school_admin", scope: { schools: [school] } },
        facets: ["school"],
        matches: (c) => c === school,
      },
      {
        viewer: { subject: "test-family-doctor", role: "family_doctor", scope: { doctor } },
        facets: ["doctor"],
        matches: (c) => c === doctor,
      },
      {
        viewer: { subject: "test-analyst", role: "analyst", scope: { region: county } },
        facets: [],
        matches: () => false,
      },
      { viewer: { subject: "test-auditor", role: "auditor", scope: {} }, facets: [], matches: () => false },
    ];
  }, 180_000);
  afterAll(async () => hub?.close());

  function expected(c: Case): number[] {
    const ids = new Set(places.filter((p) => c.facets.includes(p.facet) && c.matches(p.code)).map((p) => p.childId));
    return [...ids].sort((a, b) => a - b);
  }

  it("has viewers that see some children and not others (the anchors are real)", () => {
    for (const c of cases) {
      const n = expected(c).length;
      if (c.facets.length === 0) expect(n, c.viewer.subject).toBe(0);
      else expect(n, c.viewer.subject).toBeGreaterThan(0);
      expect(n, c.viewer.subject).toBeLessThan(allIds.length);
    }
  });

  it("resolves through every subgraph's _entities exactly the children in the viewer's scope, the rest as null", async () => {
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
  }, 120_000);

  it("answers child(id) through the gateway for a child in scope, and null — like an unknown id — for one outside", async () => {
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
  });

  it("lists in childrenInRegion only the children in the viewer's scope, every page", async () => {
    for (const c of cases.filter((k) => k.facets.length > 0)) {
      const headers = await headersFor(c.viewer);
      const seen: number[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await hub.gateway.execute(
          `query($after: String) { childrenInRegion(region: "33", first: 500, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
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
