import { print, type DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers, type DemoAnchor } from "../../src/access/identity/demo.ts";
import type { Role } from "../../src/access/identity/viewer.ts";
import { defaultAsOf } from "../../src/coverage/as-of.ts";
import { headersFor } from "../kit/auth.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import {
  AccessLogDocument,
  GapListDocument,
  PatientCoverageDocument,
  RegionCoverageDocument,
  SchoolCoverageDocument,
} from "../operations/generated.ts";

/**
 * The operations under tests/operations/ that people's tools send (the console, an office's
 * scripts), each run with the demo token of the role it is written for: every field it asks is
 * one that role may read, and the answers are about the demo child the tokens are scoped around.
 */
describe("role operations through the gateway", () => {
  let hub: TestHub;
  let anchor: DemoAnchor;

  beforeAll(async () => {
    // As npm start does: the province as of today, which is the date the operations (no asOf) ask about.
    hub = await startTestHub("pglite", { children: 800, seed: 3, asOf: defaultAsOf() });
    anchor = await demoAnchorFromDatabase(hub.database.db);
  }, 120_000);
  afterAll(async () => hub?.close());

  async function run<T>(role: Role, document: DocumentNode, variables: Record<string, unknown>): Promise<T> {
    const result = await hub.gateway.execute(print(document), variables, {
      ...(await headersFor(demoViewers(anchor)[role])),
      "x-purpose": "operations test",
    });
    expect(result.errors, `${role}: ${JSON.stringify(result.errors)}`).toBeUndefined();
    return result.data as T;
  }

  it("SchoolCoverage: a school administrator's students with coverage badges, ID numbers masked", async () => {
    const data = await run<{
      school: {
        coverage: { children: number };
        students: {
          edges: { node: { child: { idNumber: string | null; coverage: { status: string } | null } | null } }[];
        };
      };
    }>("school_admin", SchoolCoverageDocument, { code: anchor.school, first: 100 });
    expect(data.school.coverage.children).toBeGreaterThan(0);
    const children = data.school.students.edges.map((e) => e.node.child).filter((c) => c !== null);
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) {
      expect(c!.coverage?.status).toEqual(expect.any(String));
      if (c!.idNumber) expect(c!.idNumber).toMatch(/^\d{2}\*{16}$/); // #18.13: the province only
    }
  });

  it(
    "PatientCoverage: a family doctor's patient with deadline fields, " +
      "immunizations and guardians, and the watchlist",
    async () => {
      const data = await run<{
        childByIdNumber: { idNumber: string; coverage: { status: string } } | null;
        newbornWatchlist: { edges: unknown[] };
      }>("family_doctor", PatientCoverageDocument, {
        idNumber: anchor.idNumber,
        withinDays: 90,
      });
      expect(data.childByIdNumber?.idNumber).toBe(anchor.idNumber);
      expect(data.childByIdNumber?.coverage.status).toEqual(expect.any(String));
      expect(Array.isArray(data.newbornWatchlist.edges)).toBe(true);
    },
  );

  it("RegionCoverage: the analyst's figures by prefecture beside the targets", async () => {
    const data = await run<{
      coverageSummary: {
        groups: { key: string }[];
        total: { children: number };
        targets: { overallInsuredRate: number };
      };
    }>("analyst", RegionCoverageDocument, { region: "33", groupBy: "REGION" });
    expect(data.coverageSummary.total.children).toBeGreaterThan(0);
    expect(data.coverageSummary.groups.length).toBeGreaterThan(0);
    expect(data.coverageSummary.targets.overallInsuredRate).toBe(0.95);
  });

  it("GapList: an insurance officer's gaps in their region", async () => {
    const data = await run<{
      coverageGaps: {
        edges: { node: { child: { residenceRegionCode: string | null }; coverage: { status: string } } }[];
      };
    }>("insurance_officer", GapListDocument, { filter: { status: "UNINSURED" }, first: 50 });
    for (const e of data.coverageGaps.edges) expect(e.node.coverage.status).toBe("UNINSURED");
  });

  it("AccessLog: the auditor finds the reads of the demo child made above, with their purpose", async () => {
    const patient = await run<{ childByIdNumber: { id: string } }>("family_doctor", PatientCoverageDocument, {
      idNumber: anchor.idNumber,
      withinDays: 30,
    });
    const data = await run<{
      accessLog: { edges: { node: { role: string; purpose: string | null; childIds: string[] } }[] };
    }>("auditor", AccessLogDocument, { childId: patient.childByIdNumber.id, first: 50 });
    const roles = new Set(data.accessLog.edges.map((e) => e.node.role));
    expect(roles.has("family_doctor")).toBe(true);
    expect(
      data.accessLog.edges.every(
        (e) => e.node.purpose === "operations test" && e.node.childIds.includes(patient.childByIdNumber.id),
      ),
    ).toBe(true);
  });
});
