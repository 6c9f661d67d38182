import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditLog } from "../../../src/access/audit/log-reader.ts";
import type { AuthenticatedViewer } from "../../../src/access/identity/viewer.ts";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { householdSubgraph } from "../../../src/subgraphs/household/index.ts";
import { headersFor } from "../../kit/auth.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

/** A person record of a local child, with its household's county and its master child. */
type Member = {
  record_id: string;
  household_number: string;
  region_code: string;
  child_id: number;
};

const HOUSEHOLD = `query Household($n: String!) { household(householdNumber: $n) { householdNumber regionCode members { name } } }`;
const HUKOU = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id hukou { regionCode } guardians { relation } } } }`;

describe.each(ENGINES)("household row scopes on %s", (engine) => {
  let database: TestDatabase;
  const rows = <T extends Record<string, unknown>>(text: string) => queryRows<T>(database.db, sql.raw(text));
  const run = async (viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(householdSubgraph, database.db, query, variables, await headersFor(viewer));
  const child = (id: number) => ({ __typename: "Child", id: String(id) });
  const byId = (a: number, b: number) => a - b;

  let members: Member[];
  /** The county of the household officer under test, and a household in it with several children. */
  let county: string;
  let household: string;
  /** A household and a child registered in another county. */
  let outside: Member;
  const officer = (): AuthenticatedViewer => ({
    subject: `household-officer-${county}`,
    role: "household_officer",
    scope: { region: county },
  });
  const membersOf = (number: string) => members.filter((m) => m.household_number === number);

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await generateProvince(database.db, { children: 1_500, seed: 5, asOf: "2026-06-30" });
    await linkFromTruth(database.db);
    // Households whose members are all local children: registered, and placed, in the household's county.
    members = await rows<Member>(`
      select p.record_id, p.household_number, h.region_code, l.child_id::int as child_id
      from household.persons p join household.households h using (household_number)
      join hub.links l on l.source = 'household.person' and l.record_id = p.record_id and l.unlinked_at is null
      where not exists (select 1 from household.persons o where o.household_number = p.household_number and o.registration_kind <> 'LOCAL_HUKOU')
      order by h.household_number, p.birth_date, p.id`);
    const sizes = new Map<string, number>();
    for (const m of members) sizes.set(m.household_number, (sizes.get(m.household_number) ?? 0) + 1);
    household = [...sizes].find(([, n]) => n >= 2)![0];
    county = membersOf(household)[0]!.region_code;
    outside = members.find((m) => m.region_code !== county)!;
  }, 180_000);
  afterAll(async () => database?.close());

  describe("a household officer", () => {
    it("gets a household of its county, and null for one outside it, as for a number nobody has", async () => {
      const mine = await run(officer(), HOUSEHOLD, { n: household });
      const theirs = await run(officer(), HOUSEHOLD, { n: outside.household_number });
      const unknown = await run(officer(), HOUSEHOLD, { n: "999999999999" });

      expect(mine.errors).toBeUndefined();
      expect(mine.data?.household).toMatchObject({ householdNumber: household, regionCode: county });
      expect((mine.data?.household as { members: unknown[] }).members).toHaveLength(membersOf(household).length);
      expect(theirs).toEqual({ data: { household: null } });
      expect(theirs).toEqual(unknown);
    });

    it("gets the same answers for households through _entities", async () => {
      const result = await run(
        officer(),
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Household { householdNumber regionCode } } }`,
        {
          r: [household, outside.household_number].map((householdNumber) => ({
            __typename: "Household",
            householdNumber,
          })),
        },
      );

      expect(result).toEqual({ data: { _entities: [{ householdNumber: household, regionCode: county }, null] } });
    });

    it("resolves a child registered in its county with hukou and guardians, and null for a child registered elsewhere", async () => {
      const mine = membersOf(household)[0]!;

      const result = await run(officer(), HUKOU, {
        r: [child(mine.child_id), child(outside.child_id), child(999_999_999)],
      });

      expect(result.errors).toBeUndefined();
      const [found, hidden, unknown] = result.data?._entities as [
        { id: string; hukou: { regionCode: string }; guardians: unknown[] },
        unknown,
        unknown,
      ];
      expect(found).toMatchObject({ id: String(mine.child_id), hukou: { regionCode: county } });
      expect(found.guardians.length).toBeGreaterThan(0);
      expect(hidden).toBeNull();
      expect(unknown).toBeNull();
    });

    it("leaves exactly one access-log row for a household read, naming exactly its members' children", async () => {
      const viewer: AuthenticatedViewer = {
        subject: `audited-household-officer-${county}`,
        role: "household_officer",
        scope: { region: county },
      };

      const result = await run(viewer, HOUSEHOLD, { n: household });

      expect(result.errors).toBeUndefined();
      const log = await queryAuditLog(database.db, { actor: viewer.subject });
      expect(log.edges).toHaveLength(1);
      expect(log.edges[0]!.node).toMatchObject({
        operation: "Household",
        childIds: membersOf(household)
          .map((m) => m.child_id)
          .sort(byId),
        fields: ["HouseholdMember.name"],
      });
    });

    it("leaves out a member whose child is registered outside its county, though the household is inside", async () => {
      const [moved, stays] = membersOf(household) as [Member, Member];
      // A registry that moved one child's hukou without moving it to another household.
      await database.db.execute(
        sql`update household.persons set hukou_region_code = ${outside.region_code} where record_id = ${moved.record_id}`,
      );

      const viewer: AuthenticatedViewer = {
        subject: `officer-after-move-${county}`,
        role: "household_officer",
        scope: { region: county },
      };
      const result = await run(viewer, HOUSEHOLD, { n: household });

      expect(result.errors).toBeUndefined();
      expect((result.data?.household as { members: unknown[] }).members).toHaveLength(membersOf(household).length - 1);
      const [entry] = (await queryAuditLog(database.db, { actor: viewer.subject })).edges;
      expect(entry!.node.childIds).toContain(stays.child_id);
      expect(entry!.node.childIds).not.toContain(moved.child_id);
    });
  });

  describe("viewers scoped to patients or students", () => {
    it("gives a family doctor its contracted patients' hukou and null for any other child", async () => {
      const [contract] = await rows<{ doctor_code: string; child_id: number }>(`
        select c.doctor_code, lc.child_id::int as child_id from health.doctor_contracts c
        join hub.links lc on lc.source = 'health.doctor_contract' and lc.record_id = c.record_id and lc.unlinked_at is null
        join hub.links lp on lp.source = 'household.person' and lp.child_id = lc.child_id and lp.unlinked_at is null
        where c.status = 'ACTIVE' order by c.id limit 1`);
      const patients = await rows<{ child_id: number }>(`
        select l.child_id::int as child_id from health.doctor_contracts c
        join hub.links l on l.source = 'health.doctor_contract' and l.record_id = c.record_id and l.unlinked_at is null
        where c.status = 'ACTIVE' and c.doctor_code = '${contract!.doctor_code}'`);
      const other = members.find((m) => !patients.some((p) => p.child_id === m.child_id));
      const doctor: AuthenticatedViewer = {
        subject: "doctor-1",
        role: "family_doctor",
        scope: { doctor: contract!.doctor_code },
      };

      const result = await run(doctor, HUKOU, { r: [child(contract!.child_id), child(other!.child_id)] });

      expect(result.errors).toBeUndefined();
      const [patient, stranger] = result.data?._entities as [
        { id: string; hukou: { regionCode: string } | null },
        unknown,
      ];
      expect(patient.id).toBe(String(contract!.child_id));
      expect(patient.hukou?.regionCode).toMatch(/^\d{6}$/);
      expect(stranger).toBeNull();
    });

    it("gives a school administrator its own students as entities and null for other children", async () => {
      const enrolled = await rows<{ school_code: string; child_id: number }>(`
        select s.school_code, l.child_id::int as child_id from education.student_registrations s
        join hub.links l on l.source = 'education.student' and l.record_id = s.record_id and l.unlinked_at is null
        where s.status = 'ENROLLED' order by s.id`);
      const student = enrolled.find((e) => members.some((m) => m.child_id === e.child_id));
      const other = members.find(
        (m) => !enrolled.some((e) => e.child_id === m.child_id && e.school_code === student!.school_code),
      );
      const admin: AuthenticatedViewer = {
        subject: "admin-1",
        role: "school_admin",
        scope: { schools: [student!.school_code] },
      };

      // School administrators may not read hukou or guardians at all (field rules); the entity itself is row-scoped.
      const result = await run(
        admin,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id } } }`,
        {
          r: [child(student!.child_id), child(other!.child_id)],
        },
      );

      expect(result.data?._entities).toEqual([{ id: String(student!.child_id) }, null]);
    });
  });
});
