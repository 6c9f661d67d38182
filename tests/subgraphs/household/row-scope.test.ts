import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditLog } from "../../../src/access/audit/log-reader.ts";
import type { AuthenticatedViewer } from "../../../src/access/identity/viewer.ts";
import { householdSubgraph } from "../../../src/subgraphs/household/index.ts";
import { headersFor } from "../../kit/auth.ts";
import {
  builders,
  type Builders,
  type BuiltChild,
  type BuiltFamilyDoctor,
  type BuiltHousehold,
  type BuiltSchool,
} from "../../kit/builders.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

const HOUSEHOLD = `query Household($n: String!) { household(householdNumber: $n) { householdNumber regionCode members {
  name } } }`;
const HUKOU = `query ($r: [_Any!]!) {
  _entities(representations: $r) { ... on Child { id hukou { regionCode } guardians { relation } } }
}`;

describe.each(ENGINES)("household row scopes on %s", (engine) => {
  let database: TestDatabase;
  let build: Builders;
  const run = async (viewer: AuthenticatedViewer, query: string, variables: Record<string, unknown> = {}) =>
    executeSubgraph(householdSubgraph, database.db, query, variables, await headersFor(viewer));
  const byId = (a: number, b: number) => a - b;

  /** The county of the household officer under test, and a household in it with three local children. */
  const county = "330106";
  let household: BuiltHousehold;
  let members: BuiltChild[];
  /** A household and a child registered in another county. */
  let outsideHousehold: BuiltHousehold;
  let outside: BuiltChild;
  /** A doctor with one of the members as patient, a school with another as student. */
  let doctor: BuiltFamilyDoctor;
  let school: BuiltSchool;
  const officer = (): AuthenticatedViewer => ({
    subject: `household-officer-${county}`,
    role: "household_officer",
    scope: { region: county },
  });

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    build = builders(database.db);
    doctor = await build.familyDoctor({ region: county });
    school = await build.school({ region: county });
    household = await build.household({ region: county });
    outsideHousehold = await build.household({ region: "330203" });
    // Every member a local child with both parents as guardians.
    const parents = [{ relation: "MOTHER" as const }, { relation: "FATHER" as const }];
    members = await build.children(3, (i) => ({
      household,
      guardians: parents,
      ...[{ contracts: [doctor] }, { registrations: [school] }, {}][i],
    }));
    outside = await build.child({ household: outsideHousehold, guardians: parents });
    await build.link();
  }, 180_000);
  afterAll(async () => database?.close());

  describe("a household officer", () => {
    it("gets a household of its county, and null for one outside it, as for a number nobody has", async () => {
      const mine = await run(officer(), HOUSEHOLD, { n: household.number });
      const theirs = await run(officer(), HOUSEHOLD, { n: outsideHousehold.number });
      const unknown = await run(officer(), HOUSEHOLD, { n: "999999999999" });

      expect(mine.errors).toBeUndefined();
      expect(mine.data?.household).toMatchObject({ householdNumber: household.number, regionCode: county });
      expect((mine.data?.household as { members: { name: string }[] }).members.map((m) => m.name).sort()).toEqual(
        members.map((m) => m.name).sort(),
      );
      expect(theirs).toEqual({ data: { household: null } });
      expect(theirs).toEqual(unknown);
    });

    it("gets the same answers for households through _entities", async () => {
      const result = await run(
        officer(),
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Household { householdNumber regionCode } } }`,
        {
          r: [household.number, outsideHousehold.number].map((householdNumber) => ({
            __typename: "Household",
            householdNumber,
          })),
        },
      );

      expect(result).toEqual({
        data: { _entities: [{ householdNumber: household.number, regionCode: county }, null] },
      });
    });

    it(
      "resolves a child registered in its county with hukou " +
        "and guardians, and null for a child registered elsewhere",
      async () => {
        const mine = members[0]!;

        const result = await run(officer(), HUKOU, {
          r: [mine.ref, outside.ref, { __typename: "Child", id: "999999999" }],
        });

        expect(result.errors).toBeUndefined();
        const [found, hidden, unknown] = result.data?._entities as [
          { id: string; hukou: { regionCode: string }; guardians: { relation: string }[] },
          unknown,
          unknown,
        ];
        expect(found).toMatchObject({ id: String(mine.id), hukou: { regionCode: county } });
        expect(found.guardians.map((g) => g.relation).sort()).toEqual(["FATHER", "MOTHER"]);
        expect(hidden).toBeNull();
        expect(unknown).toBeNull();
      },
    );

    it("leaves exactly one access-log row for a household read, naming exactly its members' children", async () => {
      const viewer: AuthenticatedViewer = {
        subject: `audited-household-officer-${county}`,
        role: "household_officer",
        scope: { region: county },
      };

      const result = await run(viewer, HOUSEHOLD, { n: household.number });

      expect(result.errors).toBeUndefined();
      const log = await queryAuditLog(database.db, { actor: viewer.subject });
      expect(log.edges).toHaveLength(1);
      expect(log.edges[0]!.node).toMatchObject({
        operation: "Household",
        childIds: members.map((m) => m.id).sort(byId),
        // The household itself tells who lives with whom (#18): its fields are logged beside the members'.
        fields: ["Household.householdNumber", "Household.members", "Household.regionCode", "HouseholdMember.name"],
      });
    });

    it("leaves out a member whose child is registered outside its county, though the household is inside", async () => {
      // A household of its own, so that the move changes no other test's household.
      const family = await build.household({ region: county });
      const [moved, stays] = (await build.children(2, () => ({ household: family }))) as [BuiltChild, BuiltChild];
      await build.link();
      // A registry that moved one child's hukou without moving it to another household.
      await database.db.execute(
        sql`update household.persons set hukou_region_code = ${outsideHousehold.regionCode}
            where record_id = ${moved.person!.recordId}`,
      );

      const viewer: AuthenticatedViewer = {
        subject: `officer-after-move-${county}`,
        role: "household_officer",
        scope: { region: county },
      };
      const result = await run(viewer, HOUSEHOLD, { n: family.number });

      expect(result.errors).toBeUndefined();
      expect((result.data?.household as { members: { name: string }[] }).members).toEqual([{ name: stays.name }]);
      const [entry] = (await queryAuditLog(database.db, { actor: viewer.subject })).edges;
      expect(entry!.node.childIds).toContain(stays.id);
      expect(entry!.node.childIds).not.toContain(moved.id);
    });
  });

  describe("viewers scoped to patients or students", () => {
    it("gives a family doctor its contracted patients' hukou and null for any other child", async () => {
      const [patient, , other] = members as [BuiltChild, BuiltChild, BuiltChild];
      const viewer: AuthenticatedViewer = {
        subject: "doctor-1",
        role: "family_doctor",
        scope: { doctor: doctor.code },
      };

      const result = await run(viewer, HUKOU, { r: [patient.ref, other.ref] });

      expect(result.errors).toBeUndefined();
      const [found, stranger] = result.data?._entities as [
        { id: string; hukou: { regionCode: string } | null },
        unknown,
      ];
      expect(found.id).toBe(String(patient.id));
      expect(found.hukou?.regionCode).toBe(county);
      expect(stranger).toBeNull();
    });

    it("gives a school administrator its own students as entities and null for other children", async () => {
      const [other, student] = members as [BuiltChild, BuiltChild];
      const admin: AuthenticatedViewer = {
        subject: "admin-1",
        role: "school_admin",
        scope: { schools: [school.code] },
      };

      // School administrators may not read hukou or guardians at all (field rules); the entity itself is row-scoped.
      const result = await run(
        admin,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id } } }`,
        { r: [student.ref, other.ref] },
      );

      expect(result.data?._entities).toEqual([{ id: String(student.id) }, null]);
    });
  });
});
