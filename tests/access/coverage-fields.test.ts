import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * #18.20: what of a child's coverage each role reads, after DESIGN.md's matrix written as data
 * here. "Insurance status" alone (health and household officers, department systems) is the
 * status and its dates: not the gap's reasons (needy, non-local hukou), who should act (a school,
 * a doctor, an area) or the action (which names the needy category). A school administrator is
 * granted "gap reason, action", not the responsible code; a family doctor "insurance status,
 * deadlines", not the code either. Nor may a role that does not read the reasons or the code
 * learn them by filtering the gap list on them.
 */

const AS_OF = "2026-06-30";
const GAP_FIELDS = ["reasons", "responsibleActor", "responsibleCode", "action"] as const;
type GapField = (typeof GAP_FIELDS)[number];

/** DESIGN.md's matrix: which parts of the gap each role reads beyond the status. */
const GAP_GRANTED: Readonly<Record<string, readonly GapField[]>> = {
  insurance_officer: GAP_FIELDS,
  education_officer: GAP_FIELDS,
  school_admin: ["reasons", "responsibleActor", "action"],
  family_doctor: ["reasons", "responsibleActor", "action"],
  health_officer: [],
  household_officer: [],
  "department_system:household": [],
  "department_system:health": [],
  "department_system:education": [],
  "department_system:insurance": [],
};

describe.each(ENGINES)("#18.20 coverage fields by role, on %s", (engine) => {
  let hub: TestHub;
  let needy: BuiltChild;
  let pupil: BuiltChild;
  const viewers: { label: string; viewer: AuthenticatedViewer }[] = [];

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const school = await build.school({ region: "330106" });
    const doctor = await build.familyDoctor({ region: "330106" });
    const area = await build.coordinationArea({ code: "330100" });
    // Insured, but needy without the subsidy: the gap is the insurance office's, its action names the category.
    needy = await build.child({
      hukou: "330106",
      birthDate: "2018-03-01",
      birthCertificate: { region: "330106" },
      registrations: [school],
      contracts: [doctor],
      enrollments: [area],
    });
    await build.assistanceEligibility({ child: needy, needyCategory: "EXTREMELY_POOR" });
    // Uninsured, non-local hukou, at school: the school should act.
    pupil = await build.child({
      residencePermit: { residence: "330106" },
      birthDate: "2017-09-01",
      birthCertificate: { region: "330106" },
      registrations: [school],
      contracts: [doctor],
      enrollments: [{ area, coverageYear: 2025 }],
    });
    await build.link({ coverageAsOf: AS_OF });
    const region = (role: AuthenticatedViewer["role"], department?: AuthenticatedViewer["scope"]["department"]) => ({
      label: department ? `${role}:${department}` : role,
      viewer: {
        subject: `t20-${role}-${department ?? ""}`,
        role,
        scope: department ? { region: "3301", department } : { region: "3301" },
      },
    });
    viewers.push(
      region("insurance_officer"),
      region("health_officer"),
      region("education_officer"),
      region("household_officer"),
      {
        label: "school_admin",
        viewer: { subject: "t20-school", role: "school_admin", scope: { schools: [school.code] } },
      },
      {
        label: "family_doctor",
        viewer: { subject: "t20-doctor", role: "family_doctor", scope: { doctor: doctor.code } },
      },
      region("department_system", "household"),
      region("department_system", "health"),
      region("department_system", "education"),
      region("department_system", "insurance"),
    );
  }, 180_000);
  afterAll(async () => hub?.close());

  const COVERAGE = `query($id: ID!, $asOf: Date) { child(id: $id) { id coverage(asOf: $asOf) {
    status deadline reasons responsibleActor responsibleCode action } } }`;

  it("#18.20 the gap is unknown to a role granted only insurance status, and its parts follow the matrix", async () => {
    // The cases are real: the gap of each child has reasons, an actor, a code and an action.
    const officer = await hub.gateway.execute(
      COVERAGE,
      { id: String(needy.id), asOf: AS_OF },
      await headersFor(viewers[0]!.viewer),
    );
    expect(officer.errors).toBeUndefined();
    const full = (officer.data!.child as { coverage: Record<string, unknown> }).coverage;
    expect(full).toMatchObject({ status: "INSURED", reasons: ["NEEDY_WITHOUT_SUBSIDY"] });
    expect(full.action).toMatch(/EXTREMELY_POOR/);
    for (const { label, viewer } of viewers) {
      for (const child of [needy, pupil]) {
        const result = await hub.gateway.execute(
          COVERAGE,
          { id: String(child.id), asOf: AS_OF },
          await headersFor(viewer),
        );
        const coverage = (result.data?.child as { coverage: Record<string, unknown> } | null)?.coverage;
        expect(coverage?.status, `${label} reads the status of ${child.key}`).toMatch(/^[A-Z_]+$/);
        const denied = (result.errors ?? [])
          .filter((e) => e.extensions?.code === "FORBIDDEN")
          .map((e) => String((e as { path?: readonly (string | number)[] }).path?.at(-1)))
          .sort();
        const expected = GAP_FIELDS.filter((f) => !GAP_GRANTED[label]!.includes(f)).sort();
        expect(denied, `${label} on ${child.key}`).toEqual(expected);
        for (const field of expected) expect(coverage?.[field] ?? null, `${label}: ${field}`).toBeNull();
      }
    }
  });

  it("#18.20 straight to the hub subgraph, too", async () => {
    const health = viewers.find((v) => v.label === "health_officer")!.viewer;
    const result = await executeSubgraph(
      SUBGRAPHS.hub,
      hub.database.db,
      COVERAGE,
      { id: String(needy.id), asOf: AS_OF },
      await headersFor(health),
    );
    const denied = (result.errors ?? []).map((e) => `${e.extensions?.code} ${String(e.path?.at(-1))}`).sort();
    expect(denied).toEqual(GAP_FIELDS.map((f) => `FORBIDDEN ${f}`).sort());
  });

  it("#18.20 a role that may not read the reasons or the code may not filter the gap list by them", async () => {
    const GAPS = `query($f: CoverageGapFilter, $asOf: Date) { coverageGaps(filter: $f, asOf: $asOf, first: 50) {
      edges { node { child { id } coverage { status } } } } }`;
    const filters = [
      { reason: "NEEDY_WITHOUT_SUBSIDY" },
      { hukouType: "NON_LOCAL" },
      { school: pupil.registrations[0]!.schoolCode },
    ];
    const insurance = viewers.find((v) => v.label === "insurance_officer")!.viewer;
    for (const f of filters) {
      const allowed = await hub.gateway.execute(GAPS, { f, asOf: AS_OF }, await headersFor(insurance));
      expect(allowed.errors, JSON.stringify(f)).toBeUndefined();
      const ids = (allowed.data!.coverageGaps as { edges: { node: { child: { id: string } } }[] }).edges.map(
        (e) => e.node.child.id,
      );
      expect(ids.length, `the insurance officer's gap list filtered by ${JSON.stringify(f)}`).toBeGreaterThan(0);
    }
    for (const label of ["health_officer", "household_officer", "department_system:insurance"]) {
      const { viewer } = viewers.find((v) => v.label === label)!;
      for (const f of filters) {
        const refused = await hub.gateway.execute(GAPS, { f, asOf: AS_OF }, await headersFor(viewer));
        expect(refused.data?.coverageGaps ?? null, `${label} ${JSON.stringify(f)}`).toBeNull();
        expect(
          refused.errors?.map((e) => e.extensions?.code),
          `${label} ${JSON.stringify(f)}`,
        ).toEqual(["FORBIDDEN"]);
      }
      // The status and the residence region stay filters it may use.
      const status = await hub.gateway.execute(
        GAPS,
        { f: { status: "UNINSURED", region: "3301" }, asOf: AS_OF },
        await headersFor(viewer),
      );
      expect(status.errors, label).toBeUndefined();
    }
  });
});
