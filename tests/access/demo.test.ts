import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTokens, demoViewers, demoViewersFromDatabase } from "../../src/access/identity/demo.ts";
import { verifyAuthorization } from "../../src/access/identity/tokens.ts";
import { ROLES } from "../../src/access/identity/viewer.ts";
import { loadConfig } from "../../src/config/index.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";

describe("demo viewers", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    await generateProvince(database.db, { children: 600, seed: 20_240_101, asOf: "2026-06-30" });
  });
  afterAll(async () => database?.close());

  it("gives one viewer per role, scoped to a real school, doctor and region of the demo province", async () => {
    const viewers = await demoViewersFromDatabase(database.db);
    expect(Object.keys(viewers).sort()).toEqual([...ROLES].sort());
    const school = viewers.school_admin.scope.schools?.[0] ?? "";
    const doctor = viewers.family_doctor.scope.doctor ?? "";
    expect(school).toMatch(/^233\d{4}\d{3}$/); // "2" + a Zhejiang county code + 3 digits
    expect(doctor).toMatch(/^D33\d{4}\d{4}$/);
    expect(viewers.insurance_officer.scope.region).toBe(school.slice(1, 5));
    expect(viewers.analyst.scope).toEqual({ region: "33" });
    expect(viewers.auditor.scope).toEqual({});
    expect(viewers.department_system.scope).toEqual({ department: "insurance", region: "33" });
  });

  it("signs tokens that verify into the same viewers", async () => {
    const auth = loadConfig({}, process.cwd(), () => {}).auth;
    const tokens = await demoTokens(database.db, auth);
    expect(tokens).toHaveLength(ROLES.length);
    for (const { viewer, token } of tokens) expect(await verifyAuthorization(`Bearer ${token}`, auth)).toEqual(viewer);
  });

  it("builds the same viewers from an anchor without a database", () => {
    expect(demoViewers({ school: "2330106101", doctor: "D3301060001", county: "330106" }).school_admin).toEqual({
      subject: "demo-school-admin",
      role: "school_admin",
      scope: { schools: ["2330106101"] },
    });
  });

  it("says what is missing in an empty database", async () => {
    const empty = await openTestDatabase("pglite");
    try {
      await expect(demoViewersFromDatabase(empty.db)).rejects.toThrow(/seed a province first/);
    } finally {
      await empty.close();
    }
  });
});
