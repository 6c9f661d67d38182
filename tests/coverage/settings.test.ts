import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { PolicySettings } from "../../src/coverage/settings.ts";
import { parseSettingsFile } from "../../src/coverage/settings-file.ts";
import { setPolicySettings } from "../../src/coverage/settings-store.ts";
import { queryRows } from "../../src/db/client.ts";
import { parseSettingRow, type PolicySettingRow } from "../../src/domain/policy-settings.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

const PROVINCE = "330000";
const AREAS = new Set(["330100", "330200"]);
const row = (r: Omit<PolicySettingRow, "regionCode"> & { regionCode?: string }): PolicySettingRow =>
  ({ regionCode: PROVINCE, ...r }) as PolicySettingRow;

describe("parseSettingRow: what a setting may be", () => {
  const waiting = {
    fixedMonths: 3,
    monthsPerLapsedYear: 1,
    longLapseYears: 4,
    longLapseMinimumMonths: 6,
    newbornExemption: "FIRST_YEAR",
    neverInsured: "FIXED_ONLY",
    needyExempt: false,
    lapsesCountFrom: null,
  };

  it.each([
    ["NEWBORN_WINDOW_DAYS", PROVINCE, "2026-01-01", { days: 180 }],
    ["COLLECTION_PERIOD", "330100", "2026-01-01", { opensOn: "2025-10-01", closesOn: "2026-02-28" }],
    ["WAITING_PERIOD", PROVINCE, "2025-01-01", waiting],
    ["NEEDY_SUBSIDY_MIN_LIVING", "330200", "2026-01-01", { kind: "FIXED", amountFen: 30_000 }],
    ["NEEDY_SUBSIDY_EXTREMELY_POOR", PROVINCE, "2026-01-01", { kind: "FULL" }],
  ])("accepts %s for %s from %s", (key, regionCode, effectiveFrom, value) => {
    expect(parseSettingRow({ key, regionCode, effectiveFrom, value }, PROVINCE, AREAS).value).toMatchObject(value);
  });

  it.each([
    ["WINDOW", PROVINCE, "2026-01-01", { days: 90 }, "key: must be one of NEWBORN_WINDOW_DAYS"],
    ["NEWBORN_WINDOW_DAYS", PROVINCE, "2026-02-30", { days: 90 }, "effectiveFrom: must be a date like 2026-01-01"],
    ["NEWBORN_WINDOW_DAYS", PROVINCE, "2026-01-01", { days: 0 }, "value.days: must be a whole number from 1 to 366"],
    ["NEWBORN_WINDOW_DAYS", "330100", "2026-01-01", { days: 180 }, "is set for the whole province: must be 330000"],
    ["NEEDY_SUBSIDY_ORPHAN", "340100", "2026-01-01", { kind: "FULL" }, "must be the province (330000) or one of"],
    ["COLLECTION_PERIOD", PROVINCE, "2026-03-01", { opensOn: "2025-09-01", closesOn: "2025-12-31" }, "1 January"],
    [
      "COLLECTION_PERIOD",
      PROVINCE,
      "2026-01-01",
      { opensOn: "2025-12-31", closesOn: "2025-09-01" },
      "value.closesOn: must not be before opensOn (2025-12-31)",
    ],
    ["WAITING_PERIOD", PROVINCE, "2024-01-01", waiting, "the waiting period starts in 2025"],
    ["WAITING_PERIOD", PROVINCE, "2026-01-01", { ...waiting, neverInsured: "ALWAYS" }, "value.neverInsured: must be"],
    ["NEEDY_SUBSIDY_MIN_LIVING", PROVINCE, "2026-01-01", { kind: "FIXED" }, "value.amountFen: must be a whole number"],
    ["NEEDY_SUBSIDY_MIN_LIVING", PROVINCE, "2026-01-01", { kind: "FULL", amountFen: 5 }, "only for a FIXED subsidy"],
  ])("refuses %s for %s from %s (%j)", (key, regionCode, effectiveFrom, value, message) => {
    expect(() => parseSettingRow({ key, regionCode, effectiveFrom, value }, PROVINCE, AREAS)).toThrow(message);
  });
});

describe("PolicySettings: the value in force", () => {
  const settings = new PolicySettings(
    PROVINCE,
    [
      row({ key: "NEWBORN_WINDOW_DAYS", effectiveFrom: "2025-07-01", value: { days: 180 } }),
      row({ key: "NEWBORN_WINDOW_DAYS", effectiveFrom: "2027-01-01", value: { days: 120 } }),
      row({
        key: "NEEDY_SUBSIDY_MIN_LIVING",
        effectiveFrom: "2026-01-01",
        value: { kind: "FIXED", amountFen: 25_000 },
      }),
      row({
        key: "NEEDY_SUBSIDY_MIN_LIVING",
        regionCode: "330200",
        effectiveFrom: "2024-01-01",
        value: { kind: "FIXED", amountFen: 30_000 },
      }),
      row({
        key: "COLLECTION_PERIOD",
        effectiveFrom: "2025-01-01",
        value: { opensOn: "2024-10-01", closesOn: "2025-02-28" },
      }),
    ],
    new Map([["330200", { opens: "11-01", closes: "03-31" }]]),
  );

  it.each([
    ["2025-06-30", 90], // before any setting: built in
    ["2025-07-01", 180],
    ["2026-12-31", 180],
    ["2027-01-01", 120],
  ])("gives a child born %s a window of %i days", (born, days) => {
    expect(settings.newbornWindowDays(born, "330100")).toBe(days);
  });

  it("lets an area's own setting win over the province's, and the province's hold elsewhere", () => {
    expect(settings.needySubsidy("MIN_LIVING", "2026-06-30", "330200")).toEqual({ kind: "FIXED", amountFen: 30_000 });
    expect(settings.needySubsidy("MIN_LIVING", "2026-06-30", "330100")).toEqual({ kind: "FIXED", amountFen: 25_000 });
    expect(settings.needySubsidy("MIN_LIVING", "2025-06-30", "330100")).toEqual({ kind: "FIXED", amountFen: 20_000 });
    expect(settings.needySubsidy("EXTREMELY_POOR", "2026-06-30", "330100")).toEqual({ kind: "FULL", amountFen: null });
  });

  it("repeats a collection period in later years until changed; an area's own window before any setting", () => {
    expect(settings.collectionPeriod(2025, "330100")).toEqual({ opensOn: "2024-10-01", closesOn: "2025-02-28" });
    expect(settings.collectionPeriod(2029, "330100")).toEqual({ opensOn: "2028-10-01", closesOn: "2029-02-28" });
    expect(settings.collectionPeriod(2024, "330200")).toEqual({ opensOn: "2023-11-01", closesOn: "2024-03-31" });
    expect(settings.collectionPeriod(2024, "330100")).toEqual({ opensOn: "2023-09-01", closesOn: "2023-12-31" });
  });

  it("has no waiting period before 2025, the guideline's from 2025", () => {
    expect(settings.waitingPeriod("2024-12-31", "330100")).toBeNull();
    expect(settings.waitingPeriod("2025-01-01", "330100")).toMatchObject({ fixedMonths: 3, longLapseMinimumMonths: 6 });
  });
});

describe("parseSettingsFile", () => {
  it("reads the example file of the repository", () => {
    const file = path.resolve(import.meta.dirname, "../fixtures/policy-settings.json");
    const inputs = parseSettingsFile(readFileSync(file, "utf8"), "policy-settings.json");
    expect(inputs.map((i) => i.key)).toEqual([
      "NEWBORN_WINDOW_DAYS",
      "COLLECTION_PERIOD",
      "NEEDY_SUBSIDY_MIN_LIVING",
      "NEEDY_SUBSIDY_MIN_LIVING",
    ]);
    for (const input of inputs)
      expect(() =>
        parseSettingRow({ ...input, regionCode: input.regionCode ?? PROVINCE }, PROVINCE, AREAS),
      ).not.toThrow();
  });

  it.each([
    ["{", "z.json: must be JSON"],
    ['{"rows": []}', "must hold a list of settings"],
    ['[{"key": 1}]', "z.json: setting 1.key: must be a string"],
    ['[{"key": "NEWBORN_WINDOW_DAYS", "effectiveFrom": "2026-01-01"}]', "z.json: setting 1.value: is missing"],
  ])("refuses %s", (text, message) => {
    expect(() => parseSettingsFile(text, "z.json")).toThrow(message);
  });
});

/**
 * The settings through the graph, as the province's insurance officer sets them: read and changed
 * by that officer only, logged, and followed by a re-assessment of what they affect.
 */
describe.each(ENGINES)("policy settings through the gateway on %s", (engine) => {
  const AS_OF = "2026-05-01";
  const officer: AuthenticatedViewer = { subject: "officer-33", role: "insurance_officer", scope: { region: "33" } };
  let hub: TestHub;
  let newborn: BuiltChild;
  let lapsed: BuiltChild;
  let poor: BuiltChild;
  let needyUnenrolled: BuiltChild;

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const b = builders(hub.database.db);
    const area = await b.coordinationArea();
    await b.coordinationArea({ code: "330200" });
    // Born 1 January 2026: 120 days old on 1 May; known only by its birth certificate.
    newborn = await b.child({ birthDate: "2026-01-01", idNumber: null, hukou: null, birthCertificate: true });
    // Last paid for 2024: 2025 missed, one lapsed year.
    // 16 years old: no school record is no reason at that age.
    lapsed = await b.child({
      birthDate: "2009-09-01",
      enrollments: [{ area, coverageYear: 2024, enrolledOn: "2023-10-01", paidOn: "2023-10-02" }],
    });
    // 低保: medical assistance paid 200 of the 400 yuan.
    poor = await b.child({
      birthDate: "2009-10-10",
      enrollments: [
        {
          area,
          coverageYear: 2026,
          enrolledOn: "2025-10-01",
          paidOn: "2025-10-02",
          contributions: [
            { payerKind: "MEDICAL_ASSISTANCE", amountFen: 20_000, needyCategory: "MIN_LIVING" },
            { payerKind: "SELF", amountFen: 20_000 },
          ],
        },
      ],
    });
    await b.assistanceEligibility({ child: poor, needyCategory: "MIN_LIVING", validFrom: "2025-01-01" });
    // 特困, known to civil affairs, never enrolled.
    needyUnenrolled = await b.child({ birthDate: "2009-11-11" });
    await b.assistanceEligibility({ child: needyUnenrolled, needyCategory: "EXTREMELY_POOR", validFrom: "2025-01-01" });
    await b.link({ coverageAsOf: AS_OF });
  }, 120_000);
  afterAll(async () => hub?.close());

  /** The operation's answer; its data as plain JSON (the tests read the fields they asked for). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Answer = { data?: Record<string, any> | null; errors?: readonly { message: string; extensions?: any }[] };
  const run = async (
    viewer: AuthenticatedViewer,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Answer> => (await hub.gateway.execute(query, variables, await headersFor(viewer))) as Answer;

  const snapshotRow = async (child: BuiltChild) => {
    const [r] = await queryRows<{
      status: string;
      reasons: string[];
      deadline: string | null;
      waiting: number | null;
      actor: string | null;
    }>(
      hub.database.db,
      sql`select status, reasons, deadline::text as deadline, waiting_period_months as waiting,
                 responsible_actor as actor
            from hub.coverage_status where as_of = ${AS_OF} and child_id = ${child.id}`,
    );
    return r!;
  };

  const SET = `mutation Set($input: PolicySettingInput!) {
    setPolicySetting(input: $input) {
      key regionCode effectiveFrom changed reassessed actor source
      oldValue { newbornWindowDays } newValue { newbornWindowDays needySubsidy { kind amountFen } }
    } }`;
  const windowOf = (days: number) => ({
    input: { key: "NEWBORN_WINDOW_DAYS", effectiveFrom: "2026-01-01", newbornWindowDays: days, note: "test" },
  });

  it("assesses a newborn of 120 days NEWBORN_OVERDUE under the 90-day default", async () => {
    expect(await snapshotRow(newborn)).toMatchObject({ status: "NEWBORN_OVERDUE", deadline: "2026-04-01" });
  });

  it("makes that newborn NEWBORN_IN_WINDOW at a 180-day window, and overdue again when set back", async () => {
    const set = await run(officer, SET, windowOf(180));
    expect(set.errors).toBeUndefined();
    expect(set.data?.setPolicySetting).toMatchObject({
      key: "NEWBORN_WINDOW_DAYS",
      regionCode: "330000",
      changed: true,
      actor: "officer-33",
      source: "graph",
      oldValue: null,
      newValue: { newbornWindowDays: 180 },
    });
    expect(set.data?.setPolicySetting.reassessed).toBeGreaterThanOrEqual(1);
    expect(await snapshotRow(newborn)).toMatchObject({ status: "NEWBORN_IN_WINDOW", deadline: "2026-06-30" });
    const coverage = await run(
      officer,
      `{ child(id: "${newborn.id}") { coverage(asOf: "${AS_OF}") { status daysLeft } } }`,
    );
    expect(coverage.data?.child.coverage).toEqual({ status: "NEWBORN_IN_WINDOW", daysLeft: 60 });

    const back = await run(officer, SET, windowOf(90));
    expect(back.data?.setPolicySetting).toMatchObject({ changed: true, oldValue: { newbornWindowDays: 180 } });
    expect(await snapshotRow(newborn)).toMatchObject({ status: "NEWBORN_OVERDUE", deadline: "2026-04-01" });
  });

  it("logs every change with who, when, the old and the new value, and nothing for a value already so", async () => {
    const again = await run(officer, SET, windowOf(90));
    expect(again.data?.setPolicySetting).toMatchObject({ changed: false, reassessed: 0 });
    const log = await run(
      officer,
      `{ policySettingChanges(key: NEWBORN_WINDOW_DAYS) {
          at actor role source regionCode effectiveFrom note reassessed
          oldValue { newbornWindowDays } newValue { newbornWindowDays } } }`,
    );
    expect(log.errors).toBeUndefined();
    const changes = log.data?.policySettingChanges as { at: string; newValue: unknown; oldValue: unknown }[];
    expect(changes.map((c) => [c.oldValue, c.newValue])).toEqual([
      [{ newbornWindowDays: 180 }, { newbornWindowDays: 90 }],
      [null, { newbornWindowDays: 180 }],
    ]);
    expect(changes[0]).toMatchObject({ actor: "officer-33", role: "insurance_officer", source: "graph", note: "test" });
    expect(Number.isNaN(Date.parse(changes[0]!.at))).toBe(false);
    const history = await run(
      officer,
      `{ policySettingHistory(key: NEWBORN_WINDOW_DAYS) { effectiveFrom changedBy value { newbornWindowDays } } }`,
    );
    expect(history.data?.policySettingHistory).toEqual([
      { effectiveFrom: "2026-01-01", changedBy: "officer-33", value: { newbornWindowDays: 90 } },
    ]);
  });

  it("re-assesses a lapsed child's waiting period when the province changes its parameters", async () => {
    expect(await snapshotRow(lapsed)).toMatchObject({ status: "LAPSED", reasons: ["NOT_RENEWED"], waiting: 4 });
    const result = await run(officer, SET, {
      input: {
        key: "WAITING_PERIOD",
        effectiveFrom: "2026-01-01",
        waitingPeriod: {
          fixedMonths: 2,
          monthsPerLapsedYear: 1,
          longLapseYears: 4,
          longLapseMinimumMonths: 6,
          newbornExemption: "FIRST_YEAR",
          neverInsured: "FIXED_ONLY",
          needyExempt: false,
        },
      },
    });
    expect(result.errors).toBeUndefined();
    expect((await snapshotRow(lapsed)).waiting).toBe(3);
  });

  it("flags a 低保 subsidy below an area's new setting, and routes it to medical assistance", async () => {
    expect(await snapshotRow(poor)).toMatchObject({ status: "INSURED", reasons: [], actor: null });
    const result = await run(officer, SET, {
      input: {
        key: "NEEDY_SUBSIDY_MIN_LIVING",
        regionCode: "330100",
        effectiveFrom: "2026-01-01",
        needySubsidy: { kind: "FIXED", amountFen: 30_000 },
      },
    });
    expect(result.data?.setPolicySetting).toMatchObject({
      regionCode: "330100",
      newValue: { needySubsidy: { kind: "FIXED", amountFen: 30_000 } },
    });
    expect(await snapshotRow(poor)).toMatchObject({ reasons: ["SUBSIDY_BELOW_SETTING"], actor: "MEDICAL_ASSISTANCE" });
    const inForce = await run(
      officer,
      `{ policySettings(on: "${AS_OF}", regionCode: "330100") { regionCode newbornWindowDays coverageYear
          collectionPeriod { opensOn closesOn } waitingPeriod { fixedMonths }
          needySubsidies { category kind amountFen } } }`,
    );
    expect(inForce.data?.policySettings).toMatchObject({
      regionCode: "330100",
      newbornWindowDays: 90,
      coverageYear: 2026,
      collectionPeriod: { opensOn: "2025-09-01", closesOn: "2025-12-31" },
      waitingPeriod: { fixedMonths: 2 },
    });
    expect(inForce.data?.policySettings.needySubsidies).toContainEqual({
      category: "MIN_LIVING",
      kind: "FIXED",
      amountFen: 30_000,
    });
  });

  it("shows the insurance officer a needy child's category without an enrollment, routed to assistance", async () => {
    const query = `{ child(id: "${needyUnenrolled.id}") { coverage(asOf: "${AS_OF}") {
      status reasons needyCategory responsibleActor action } } }`;
    const result = await run(officer, query);
    expect(result.errors).toBeUndefined();
    expect(result.data?.child.coverage).toEqual({
      status: "UNINSURED",
      reasons: ["NEVER_ENROLLED", "NEEDY_WITHOUT_SUBSIDY"],
      needyCategory: "EXTREMELY_POOR",
      responsibleActor: "MEDICAL_ASSISTANCE",
      action: "enroll the EXTREMELY_POOR (特困) child and pay the whole contribution from medical assistance",
    });
    // The household officer reaches the child (its hukou is in the region) and reads its status, not its category.
    const household: AuthenticatedViewer = { subject: "hh-33", role: "household_officer", scope: { region: "33" } };
    const denied = await run(
      household,
      `{ child(id: "${needyUnenrolled.id}") { coverage(asOf: "${AS_OF}") { status needyCategory } } }`,
    );
    expect(denied.data?.child.coverage.status).toBe("UNINSURED");
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it.each<[string, AuthenticatedViewer]>([
    [
      "a prefecture's insurance officer",
      { subject: "officer-3301", role: "insurance_officer", scope: { region: "3301" } },
    ],
    ["the province's analyst", { subject: "analyst-33", role: "analyst", scope: { region: "33" } }],
    ["the province's health officer", { subject: "health-33", role: "health_officer", scope: { region: "33" } }],
  ])("neither shows nor changes the settings for %s", async (_, viewer) => {
    const read = await run(viewer, `{ policySettings { newbornWindowDays } }`);
    expect(read.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const write = await run(viewer, SET, windowOf(180));
    expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await snapshotRow(newborn)).toMatchObject({ status: "NEWBORN_OVERDUE" });
  });

  it.each([
    [
      { key: "NEWBORN_WINDOW_DAYS", regionCode: "330100", effectiveFrom: "2026-01-01", newbornWindowDays: 180 },
      "whole province",
    ],
    [
      {
        key: "NEWBORN_WINDOW_DAYS",
        effectiveFrom: "2026-01-01",
        newbornWindowDays: 180,
        needySubsidy: { kind: "FULL" },
      },
      "takes input.newbornWindowDays",
    ],
    [{ key: "NEEDY_SUBSIDY_ORPHAN", effectiveFrom: "2026-01-01" }, "needs input.needySubsidy"],
    [
      {
        key: "COLLECTION_PERIOD",
        effectiveFrom: "2026-02-01",
        collectionPeriod: { opensOn: "2025-09-01", closesOn: "2025-12-31" },
      },
      "1 January",
    ],
  ])("refuses %j as BAD_USER_INPUT (%s), changing nothing", async (input, message) => {
    const before = await queryRows(hub.database.db, sql`select count(*)::int as n from audit.policy_setting_changes`);
    const result = await run(officer, SET, { input });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toContain(message);
    const after = await queryRows(hub.database.db, sql`select count(*)::int as n from audit.policy_setting_changes`);
    expect(after).toEqual(before);
  });

  it("loads settings from a file, logged as the file's", async () => {
    const file = path.resolve(import.meta.dirname, "../fixtures/policy-settings.json");
    const inputs = parseSettingsFile(readFileSync(file, "utf8"), "policy-settings.json");
    const changes = await setPolicySettings(hub.database.db, inputs, {
      actor: "loader",
      role: "settings_file",
      source: "file",
    });
    expect(changes.every((c) => c.changed)).toBe(true);
    const [logged] = await queryRows<{ n: number }>(
      hub.database.db,
      sql`select count(*)::int as n from audit.policy_setting_changes where source = 'file' and actor = 'loader'`,
    );
    expect(logged!.n).toBe(inputs.length);
    const again = await setPolicySettings(hub.database.db, inputs, {
      actor: "loader",
      role: "settings_file",
      source: "file",
    });
    expect(again.some((c) => c.changed)).toBe(false);
  });

  it.each([
    ["UPDATE", sql`update audit.policy_setting_changes set actor = 'someone else'`],
    ["DELETE", sql`delete from audit.policy_setting_changes`],
    ["TRUNCATE", sql`truncate audit.policy_setting_changes`],
  ])("keeps the log of changes append-only: refuses %s, even to the owner", async (operation, statement) => {
    let message = "no error";
    try {
      await (await hub.database.owner()).db.execute(statement);
    } catch (error) {
      message = `${(error as { cause?: Error }).cause?.message ?? ""} ${(error as Error).message}`;
    }
    expect(message).toContain(`audit.policy_setting_changes is append-only: ${operation} is not allowed`);
  });
});
