import { describe, expect, it } from "vitest";
import { decisionFor } from "../../src/access/fields/field-rules.ts";
import { ROLES } from "../../src/access/identity/viewer.ts";
import { CAPABILITIES } from "../../src/console/logic/capabilities.ts";
import { bareToken, readTokenClaims, ROLES as CONSOLE_ROLES } from "../../src/console/logic/claims.ts";
import { drillTarget, groupingFor, regionTrail } from "../../src/console/logic/region-drill.ts";
import { signToken } from "../../src/access/identity/tokens.ts";
import { testAuth } from "../kit/auth.ts";

describe("what the console reads from a token", () => {
  it("reads role and scope of a hub token, with or without the Bearer prefix", async () => {
    const token = await signToken(
      { subject: "demo-school-admin", role: "school_admin", scope: { schools: ["2330106101"] } },
      testAuth,
    );
    const read = readTokenClaims(`Bearer ${token}`);
    expect(read).toMatchObject({
      ok: true,
      claims: { subject: "demo-school-admin", role: "school_admin", scope: { schools: ["2330106101"] } },
    });
    expect(bareToken(` Bearer ${token} `)).toBe(token);
  });

  it("turns away what is not a hub token", () => {
    expect(readTokenClaims("not a token")).toEqual({ ok: false, problem: "shape" });
    expect(readTokenClaims("a.%%%.c")).toEqual({ ok: false, problem: "payload" });
    const noRole = `x.${Buffer.from(JSON.stringify({ sub: "x", role: "admin" })).toString("base64url")}.y`;
    expect(readTokenClaims(noRole)).toEqual({ ok: false, problem: "role" });
  });

  it("knows the hub's roles", () => {
    expect([...CONSOLE_ROLES].sort()).toEqual([...ROLES].sort());
  });
});

describe("what the console offers each role", () => {
  it("never offers a page the policy table would refuse", () => {
    for (const role of ROLES) {
      const c = CAPABILITIES[role];
      if (c.view === "school") expect(decisionFor(role, "School", "students"), role).toBe("allow");
      if (c.view === "doctor") expect(decisionFor(role, "FamilyDoctor", "patients"), role).toBe("allow");
      if (c.view === "region") expect(decisionFor(role, "Query", "coverageSummary"), role).toBe("allow");
      if (c.gapList) expect(decisionFor(role, "Query", "coverageGaps"), role).toBe("allow");
      if (c.linkReviews) expect(decisionFor(role, "Mutation", "resolveLinkReview"), role).toBe("allow");
      expect(c.individualChildren, role).toBe(decisionFor(role, "Query", "child") === "allow");
    }
  });

  it("gives the analyst statistics only", () => {
    expect(CAPABILITIES.analyst).toEqual({
      view: "region",
      gapList: false,
      linkReviews: false,
      individualChildren: false,
    });
  });
});

describe("drilling down through regions", () => {
  it("goes province → city → county → schools", () => {
    expect(groupingFor("33")).toBe("REGION");
    expect(drillTarget("33", "330100")).toBe("3301");
    expect(groupingFor("3301")).toBe("REGION");
    expect(drillTarget("3301", "330106")).toBe("330106");
    expect(groupingFor("330106")).toBe("SCHOOL");
    expect(drillTarget("330106", "2330106101")).toBeNull();
  });

  it("opens nothing outside the current region, and climbs back no higher than the viewer's scope", () => {
    expect(drillTarget("33", "320100")).toBeNull();
    expect(drillTarget("33", null)).toBeNull();
    expect(regionTrail("33", "330106")).toEqual(["33", "3301", "330106"]);
    expect(regionTrail("3301", "330106")).toEqual(["3301", "330106"]);
  });
});
