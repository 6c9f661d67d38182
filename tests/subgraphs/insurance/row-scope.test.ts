import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.ts";
import { headersFor } from "../../kit/auth.ts";
import type { BuiltChild } from "../../kit/builders.ts";
import { ENGINES } from "../../kit/database.ts";
import { openInsuranceTestDatabase, YEAR, type InsuranceTestDatabase } from "./harness.ts";

/**
 * Row scopes in the insurance subgraph: an insurance officer of one prefecture reaches the
 * enrollments of its areas and the children placed in it; anything else looks exactly like
 * something that does not exist.
 */
describe.each(ENGINES)("row scopes in the insurance subgraph on %s", (engine) => {
  let province: InsuranceTestDatabase;
  /** Hangzhou's area, its prefecture (the officer's region) and Ningbo's area, of another prefecture. */
  const inside = "330100";
  const region = "3301";
  const outside = "330200";
  /** Lives and is enrolled in Hangzhou, three years running. */
  let here: BuiltChild;
  /** Lives and is enrolled in Ningbo only: placed nowhere in the region. */
  let elsewhere: BuiltChild;
  /** Six more children enrolled in Hangzhou this year, one of them terminated. */
  let neighbours: BuiltChild[];

  beforeAll(async () => {
    province = await openInsuranceTestDatabase(engine);
    const { build } = province;
    const hangzhou = await build.coordinationArea({ code: inside });
    const ningbo = await build.coordinationArea({ code: outside });
    here = await build.child({
      hukou: "330106",
      enrollments: [YEAR - 2, YEAR - 1, YEAR].map((coverageYear) => ({ area: hangzhou, coverageYear })),
    });
    elsewhere = await build.child({
      hukou: "330203",
      enrollments: [YEAR - 1, YEAR].map((coverageYear) => ({ area: ningbo, coverageYear })),
    });
    neighbours = await build.children(6, (i) => ({
      hukou: "330106",
      enrollments: [{ area: hangzhou, status: i === 2 ? ("TERMINATED" as const) : ("ACTIVE" as const) }],
    }));
    await build.link();
  }, 180_000);
  afterAll(async () => province?.database.close());

  const officer = () => ({
    subject: `insurance-officer-${region}`,
    role: "insurance_officer" as const,
    scope: { region },
  });

  /** Runs an operation as the officer under a fresh request id, which names its access-log rows. */
  async function runAsOfficer(query: string, variables: Record<string, unknown> = {}) {
    const requestId = randomUUID();
    const result = await province.run(query, variables, {
      ...(await headersFor(officer())),
      "x-request-id": requestId,
    });
    return { result, requestId };
  }

  async function auditRows(requestId: string): Promise<{ childIds: number[]; fields: string[] }[]> {
    const rows = await queryRows<{ child_ids: (number | string)[]; fields: string[] }>(
      province.database.db,
      sql`select child_ids, fields from audit.access_log where request_id = ${requestId}`,
    );
    return rows.map((r) => ({ childIds: r.child_ids.map(Number), fields: r.fields }));
  }

  const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

  it(
    "answers enrollmentsByIdNumber for a child enrolled only " +
      "outside the region exactly as for an ID number nobody has",
    async () => {
      const QUERY = `query($id: String!) { enrollmentsByIdNumber(idNumber: $id) { recordId coverageYear status area {
        code } } }`;

      const unknown = await runAsOfficer(QUERY, { id: "11010519491231002X" });
      const outOfScope = await runAsOfficer(QUERY, { id: elsewhere.idNumber });
      const inScope = await runAsOfficer(QUERY, { id: here.idNumber });

      expect(unknown.result).toEqual({ data: { enrollmentsByIdNumber: [] } });
      expect(outOfScope.result).toEqual(unknown.result);
      const found = inScope.result.data!.enrollmentsByIdNumber as { recordId: string; area: { code: string } }[];
      expect(found.map((e) => e.recordId).sort()).toEqual(here.enrollments.map((e) => e.recordId).sort());
      expect(found.every((e) => e.area.code.startsWith(region))).toBe(true);
      // Nothing read, nothing logged; the enrollments read, one row under their children.
      expect(await auditRows(unknown.requestId)).toEqual([]);
      expect(await auditRows(outOfScope.requestId)).toEqual([]);
      const log = await auditRows(inScope.requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual([here.id]);
      expect(log[0]!.fields).toEqual(expect.arrayContaining(["Enrollment.recordId", "Enrollment.area"]));
    },
  );

  it(
    "gives a coordination area's enrollments and count inside the " +
      "region, and null outside it, through queries and _entities",
    async () => {
      const AREA = `code enrolledCount(coverageYear: ${YEAR}) enrollments(coverageYear: ${YEAR}, first: 5) { edges {
        node { recordId } } }`;
      // This year's enrollments in Hangzhou as written: the page is the first five of them.
      const thisYear = [here, ...neighbours].flatMap((child) =>
        child.enrollments.filter((e) => e.coverageYear === YEAR).map((enrollment) => ({ child, enrollment })),
      );
      const active = thisYear.filter((e) => e.enrollment.status === "ACTIVE").length;

      const { result, requestId } = await runAsOfficer(
        `query($inside: String!, $outside: String!) {
          inside: coordinationArea(code: $inside) { ${AREA} }
          outside: coordinationArea(code: $outside) { ${AREA} }
        }`,
        { inside, outside },
      );
      const entities = await runAsOfficer(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on CoordinationArea { ${AREA} } } }`,
        {
          r: [{ __typename: "CoordinationArea", code: outside }],
        },
      );

      expect(result.errors).toBeUndefined();
      const insideArea = result.data!.inside as { enrolledCount: number; enrollments: { edges: unknown[] } };
      expect(active).toBe(6);
      expect(insideArea.enrolledCount).toBe(active);
      expect(insideArea.enrollments.edges).toHaveLength(5);
      // The area itself is public; the children enrolled in it are not.
      expect(result.data!.outside).toEqual({ code: outside, enrolledCount: null, enrollments: null });
      expect(entities.result).toEqual({
        data: { _entities: [{ code: outside, enrolledCount: null, enrollments: null }] },
      });
      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual(sorted(thisYear.slice(0, 5).map((e) => e.child.id)));
      expect(await auditRows(entities.requestId)).toEqual([]);
    },
  );

  it(
    "answers _entities Child { insurance } with null for a " +
      "child placed nowhere in the region, as for an unknown id",
    async () => {
      // Placed in the region by any record of the officer's basis (residence or registration):
      // a hukou or residence, an enrolled school, a vaccination site, a birth certificate, an area.
      // `elsewhere` has none of them in the region; `here` has its hukou and its area there.
      const [local, stranger] = [here, elsewhere];
      const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id insurance {
        insuredFor(coverageYear: ${YEAR}) } } } }`;
      const representations = [local.ref, stranger.ref, { __typename: "Child", id: "99999999" }];

      const { result, requestId } = await runAsOfficer(QUERY, { r: representations });
      const provinceWide = await province.run(QUERY, { r: [stranger.ref] });

      const localId = String(local.id);
      expect(result).toEqual({ data: { _entities: [{ id: localId, insurance: { insuredFor: true } }, null, null] } });
      // The same child is real and insured: the province-wide system, whose scope holds it, sees it.
      expect(provinceWide.data!._entities).toEqual([{ id: String(stranger.id), insurance: { insuredFor: true } }]);
      const log = await auditRows(requestId);
      expect(log).toHaveLength(1);
      expect(log[0]!.childIds).toEqual([local.id]);
      expect(log[0]!.fields).toEqual(expect.arrayContaining(["Child.id", "Child.insurance"]));
    },
  );
});
