import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import type { SubgraphName } from "../../src/graphql/subgraph.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * #18.12: a lookup of a child outside the viewer's rows does the same work as a lookup of one
 * that does not exist — counted in SQL statements, not timed — so the answer's timing cannot
 * tell the two apart. Every role that may use a lookup (DESIGN.md's matrix) asks it for a child
 * of another county (out of its rows) and for an identifier nobody holds, through the gateway
 * and straight to the subgraph that answers it.
 */

interface Lookup {
  name: string;
  subgraph: SubgraphName;
  query: string;
  /** The variables for a child, and for the identifier of the same kind nobody holds. */
  of: (child: BuiltChild) => Record<string, unknown>;
  missing: Record<string, unknown>;
  roles: readonly string[];
}

const NOBODY_ID = makeIdNumber({ regionCode: "330203", birthDate: "2019-02-03", sequence: 777 });

const LOOKUPS: readonly Lookup[] = [
  {
    name: "child(id)",
    subgraph: "hub",
    query: `query($v: ID!) { child(id: $v) { id } }`,
    of: (c) => ({ v: String(c.id) }),
    missing: { v: "987654321" },
    roles: [
      "insurance_officer",
      "health_officer",
      "education_officer",
      "school_admin",
      "family_doctor",
      "household_officer",
      "department_system:health",
    ],
  },
  {
    name: "childByIdNumber",
    subgraph: "hub",
    query: `query($v: String!) { childByIdNumber(idNumber: $v) { id } }`,
    of: (c) => ({ v: c.idNumber }),
    missing: { v: NOBODY_ID },
    roles: [
      "insurance_officer",
      "health_officer",
      "education_officer",
      "school_admin",
      "family_doctor",
      "household_officer",
      "department_system:household",
    ],
  },
  {
    name: "childByBirthCertificateNumber",
    subgraph: "hub",
    query: `query($v: String!) { childByBirthCertificateNumber(certificateNumber: $v) { id } }`,
    of: (c) => ({ v: c.birthCertificateNumber }),
    missing: { v: "Q999999999" },
    roles: ["insurance_officer", "health_officer", "family_doctor", "household_officer", "department_system:health"],
  },
  {
    name: "childByStudentNumber",
    subgraph: "hub",
    query: `query($v: String!) { childByStudentNumber(studentNumber: $v) { id } }`,
    of: (c) => ({ v: c.registrations[0]!.studentNumber }),
    missing: { v: `G${NOBODY_ID}` },
    roles: [
      "insurance_officer",
      "health_officer",
      "education_officer",
      "school_admin",
      "family_doctor",
      "household_officer",
      "department_system:education",
    ],
  },
  {
    name: "studentRegistration",
    subgraph: "education",
    query: `query($v: String!) { studentRegistration(studentNumber: $v) { recordId grade } }`,
    of: (c) => ({ v: c.registrations[0]!.studentNumber }),
    missing: { v: `G${NOBODY_ID}` },
    roles: ["education_officer", "school_admin", "department_system:education"],
  },
  {
    name: "enrollmentsByIdNumber",
    subgraph: "insurance",
    query: `query($v: String!) { enrollmentsByIdNumber(idNumber: $v) { recordId status } }`,
    of: (c) => ({ v: c.idNumber }),
    missing: { v: NOBODY_ID },
    roles: ["insurance_officer", "department_system:insurance"],
  },
];

describe.each(ENGINES)("#18.12 out of the rows costs what missing costs, on %s", (engine) => {
  let hub: TestHub;
  let mine: BuiltChild;
  let theirs: BuiltChild;
  const viewers = new Map<string, AuthenticatedViewer>();

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const places = async (county: string, area: string) => ({
      school: await build.school({ region: county }),
      site: await build.vaccinationSite({ region: county }),
      doctor: await build.familyDoctor({ region: county }),
      area: await build.coordinationArea({ code: area }),
    });
    const here = await places("330106", "330100");
    const there = await places("330203", "330200");
    const childAt = (p: typeof here, county: string) =>
      build.child({
        hukou: county,
        birthDate: "2018-04-05",
        birthCertificate: { region: county },
        immunizations: [p.site],
        registrations: [p.school],
        contracts: [p.doctor],
        enrollments: [p.area],
      });
    mine = await childAt(here, "330106");
    theirs = await childAt(there, "330203");
    await build.link();
    for (const role of ["insurance_officer", "health_officer", "education_officer", "household_officer"] as const)
      viewers.set(role, { subject: `t12-${role}`, role, scope: { region: "3301" } });
    viewers.set("school_admin", {
      subject: "t12-school",
      role: "school_admin",
      scope: { schools: [here.school.code] },
    });
    viewers.set("family_doctor", { subject: "t12-doctor", role: "family_doctor", scope: { doctor: here.doctor.code } });
    for (const department of ["household", "health", "education", "insurance"] as const)
      viewers.set(`department_system:${department}`, {
        subject: `t12-${department}-system`,
        role: "department_system",
        scope: { department, region: "3301" },
      });
  }, 180_000);
  afterAll(async () => hub?.close());

  async function statementsOf(run: () => Promise<{ errors?: readonly unknown[] }>): Promise<number> {
    hub.resetStatements();
    const result = await run();
    expect(result.errors).toBeUndefined();
    return hub.statements();
  }

  it("#18.12 the lookups find the viewer's own child (the cases are real)", async () => {
    for (const lookup of LOOKUPS) {
      for (const role of lookup.roles) {
        const result = await hub.gateway.execute(lookup.query, lookup.of(mine), await headersFor(viewers.get(role)!));
        expect(result.errors, `${lookup.name} as ${role}`).toBeUndefined();
        const answer = Object.values(result.data!)[0];
        expect(
          Array.isArray(answer) ? answer.length : answer,
          `${lookup.name} as ${role} finds its child`,
        ).toBeTruthy();
        const other = await hub.gateway.execute(lookup.query, lookup.of(theirs), await headersFor(viewers.get(role)!));
        const none = Object.values(other.data!)[0];
        expect(Array.isArray(none) ? none.length : none, `${lookup.name} as ${role}: the other county's`).toBeFalsy();
      }
    }
  });

  it("#18.12 through the gateway: a child outside the rows takes as many statements as a missing one", async () => {
    const unequal: string[] = [];
    for (const lookup of LOOKUPS) {
      for (const role of lookup.roles) {
        const headers = await headersFor(viewers.get(role)!);
        const outside = await statementsOf(() => hub.gateway.execute(lookup.query, lookup.of(theirs), headers));
        const missing = await statementsOf(() => hub.gateway.execute(lookup.query, lookup.missing, headers));
        if (outside !== missing)
          unequal.push(`${lookup.name} as ${role}: ${outside} statements outside, ${missing} missing`);
      }
    }
    expect(unequal).toEqual([]);
  });

  it("#18.12 straight to the subgraph: a child outside the rows takes the statements a missing one takes", async () => {
    const unequal: string[] = [];
    for (const lookup of LOOKUPS) {
      for (const role of lookup.roles) {
        const headers = await headersFor(viewers.get(role)!);
        const run = (variables: Record<string, unknown>) => () =>
          executeSubgraph(SUBGRAPHS[lookup.subgraph], hub.database.db, lookup.query, variables, headers);
        const outside = await statementsOf(run(lookup.of(theirs)));
        const missing = await statementsOf(run(lookup.missing));
        if (outside !== missing)
          unequal.push(`${lookup.name} as ${role}: ${outside} statements outside, ${missing} missing`);
      }
    }
    expect(unequal).toEqual([]);
  });

  it("#18.12 and through _entities in every subgraph", async () => {
    const unequal: string[] = [];
    for (const name of ["hub", "household", "health", "education", "insurance"] as const) {
      for (const [label, viewer] of viewers) {
        const headers = await headersFor(viewer);
        const run = (id: string) => () =>
          executeSubgraph(
            SUBGRAPHS[name],
            hub.database.db,
            `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Child { id } } }`,
            { r: [{ __typename: "Child", id }] },
            headers,
          );
        const outside = await statementsOf(run(String(theirs.id)));
        const missing = await statementsOf(run("987654321"));
        if (outside !== missing) unequal.push(`${name} as ${label}: ${outside} outside, ${missing} missing`);
      }
    }
    expect(unequal).toEqual([]);
  });
});
