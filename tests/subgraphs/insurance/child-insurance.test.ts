import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersFor } from "../../kit/auth.ts";
import { ENGINES } from "../../kit/database.ts";
import {
  CHILD_INSURANCE_QUERY,
  childReps,
  ENROLLED_IN_PROVINCE,
  openInsuranceProvince,
  YEAR,
  type InsuranceProvince,
} from "./province.ts";

interface EnrollmentJson {
  recordId: string;
  coverageYear: number;
  status: string;
  paidOn: string | null;
  idNumber: string | null;
  area: { code: string; name: string } | null;
  contributions: { payerKind: string; needyCategory: string | null; amountFen: number; amountYuan: number }[];
}
interface ChildJson {
  id: string;
  insurance: {
    enrollments: EnrollmentJson[];
    insuredFor: boolean;
    assistanceEligibility: {
      needyCategory: string;
      regionCode: string;
      validFrom: string;
      validUntil: string | null;
    }[];
  } | null;
}

describe.each(ENGINES)("Child.insurance on %s", (engine) => {
  let province: InsuranceProvince;

  beforeAll(async () => {
    province = await openInsuranceProvince(engine);
  });
  afterAll(async () => province?.database.close());

  /**
   * Truth children matching `where` that the insurance department's province-wide system reaches:
   * those with an enrollment in one of the province's areas (the others are null, see row-scope.test.ts).
   */
  const truthKeys = async (where: ReturnType<typeof sql>) =>
    (
      await province.rows<{ child_key: string }>(
        sql`select child_key from truth.children c where ${where} and ${ENROLLED_IN_PROVINCE} order by child_key`,
      )
    ).map((r) => r.child_key);

  async function entities(childKeys: readonly string[], headers?: Record<string, string>): Promise<ChildJson[]> {
    const result = await province.run(
      CHILD_INSURANCE_QUERY,
      { representations: childReps(province, childKeys), year: YEAR },
      headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities as ChildJson[];
  }

  it("says every INSURED child is insured for the coverage year", async () => {
    const keys = await truthKeys(sql`status = 'INSURED'`);
    expect(keys.length).toBeGreaterThan(1_000);
    const children = await entities(keys);
    expect(children.map((c) => c.insurance?.insuredFor)).toEqual(keys.map(() => true));
    for (const child of children) {
      const paid = child.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      expect(new Set(paid.map((e) => e.area?.code)).size).toBe(1);
    }
  });

  it("returns no insurance for an uninsured child without any enrollment, and not insured for one with an unpaid enrollment", async () => {
    // A child never enrolled has no insurance record to place it in the insurance department's
    // scope; an insurance officer reaches it through its hukou in the province.
    const never = (
      await province.rows<{ child_key: string }>(sql`
      select child_key from truth.children c
      where status = 'UNINSURED' and hukou_region_code like '33%'
        and not exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'insurance.enrollment')
        and exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'household.person')
      order by child_key`)
    ).map((r) => r.child_key);
    const unpaid = await truthKeys(
      sql`status = 'UNINSURED' and exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'insurance.enrollment')`,
    );
    expect(never.length).toBeGreaterThan(5);
    const officer = await headersFor({
      subject: "test-insurance-officer-33",
      role: "insurance_officer",
      scope: { region: "33" },
    });
    expect((await entities(never, officer)).map((c) => c.insurance)).toEqual(never.map(() => null));
    for (const child of await entities(unpaid)) expect(child.insurance?.insuredFor).toBe(false);
  });

  it("shows a DUPLICATE child's two active, paid enrollments for the year in different areas", async () => {
    const keys = await truthKeys(sql`status = 'DUPLICATE'`);
    expect(keys.length).toBeGreaterThan(3);
    for (const child of await entities(keys)) {
      expect(child.insurance!.insuredFor).toBe(true);
      const paid = child.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      expect(paid.length).toBeGreaterThanOrEqual(2);
      const areas = new Set(paid.map((e) => e.area?.code));
      expect(areas.size).toBeGreaterThanOrEqual(2);
      expect(areas.has(undefined)).toBe(false);
    }
  });

  it("lists LAPSED children's earlier enrollments but not insured this year", async () => {
    const keys = await truthKeys(sql`status = 'LAPSED'`);
    expect(keys.length).toBeGreaterThan(10);
    for (const child of await entities(keys)) {
      expect(child.insurance!.insuredFor).toBe(false);
      expect(child.insurance!.enrollments.some((e) => e.coverageYear < YEAR && e.paidOn !== null)).toBe(true);
    }
  });

  it("pays a subsidised needy child's contribution by medical assistance under its category", async () => {
    const needy = await province.rows<{ child_key: string; needy_category: string }>(sql`
      select child_key, needy_category from truth.children c
      where needy_category is not null and status in ('INSURED', 'DUPLICATE') and not ('NEEDY_WITHOUT_SUBSIDY' = any(reasons)) and ${ENROLLED_IN_PROVINCE}
      order by child_key`);
    expect(needy.length).toBeGreaterThan(5);
    const children = await entities(needy.map((n) => n.child_key));
    needy.forEach(({ needy_category }, i) => {
      const paid = children[i]!.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      const assistance = paid.flatMap((e) => e.contributions).filter((c) => c.payerKind === "MEDICAL_ASSISTANCE");
      expect(assistance.length).toBeGreaterThan(0);
      expect(assistance.every((c) => c.needyCategory === needy_category)).toBe(true);
      for (const c of paid.flatMap((e) => e.contributions)) expect(c.amountYuan).toBe(c.amountFen / 100);
    });
  });

  it("finds assistance eligibility through the ID numbers on the child's enrollments", async () => {
    const needy = await province.rows<{ child_key: string; needy_category: string; hukou_region_code: string }>(sql`
      select c.child_key, c.needy_category, c.hukou_region_code from truth.children c
      where c.needy_category is not null and exists (
        select 1 from truth.records r join insurance.enrollments e on e.record_id = r.record_id
        where r.child_key = c.child_key and r.source = 'insurance.enrollment' and e.id_number = c.id_number)
        and ${ENROLLED_IN_PROVINCE}
      order by c.child_key`);
    expect(needy.length).toBeGreaterThan(5);
    const children = await entities(needy.map((n) => n.child_key));
    needy.forEach(({ needy_category, hukou_region_code }, i) => {
      expect(children[i]!.insurance!.assistanceEligibility).toEqual([
        expect.objectContaining({ needyCategory: needy_category, regionCode: hukou_region_code, validUntil: null }),
      ]);
    });
    const notNeedy = await truthKeys(sql`needy_category is null and status = 'INSURED'`);
    for (const child of await entities(notNeedy.slice(0, 50)))
      expect(child.insurance!.assistanceEligibility).toEqual([]);
  });

  it("lists every linked enrollment newest year first, and one year's when asked", async () => {
    const keys = await truthKeys(
      sql`exists (select 1 from truth.records r where r.child_key = c.child_key and r.source = 'insurance.enrollment')`,
    );
    const children = await entities(keys);
    const truth = await province.rows<{ child_key: string; record_id: string }>(
      sql`select child_key, record_id from truth.records where source = 'insurance.enrollment'`,
    );
    const expected = new Map<string, string[]>();
    for (const r of truth) expected.set(r.child_key, [...(expected.get(r.child_key) ?? []), r.record_id]);
    keys.forEach((key, i) => {
      const enrollments = children[i]!.insurance!.enrollments;
      expect(enrollments.map((e) => e.recordId).sort()).toEqual(expected.get(key)!.sort());
      const years = enrollments.map((e) => e.coverageYear);
      expect(years).toEqual([...years].sort((a, b) => b - a));
    });

    const subject = keys.find(
      (_, i) => new Set(children[i]!.insurance!.enrollments.map((e) => e.coverageYear)).size >= 3,
    )!;
    const result = await province.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { insurance { enrollments(coverageYear: 2025) { coverageYear recordId } } } } }`,
      { r: childReps(province, [subject]) },
    );
    const only2025 = (result.data!._entities as { insurance: { enrollments: { coverageYear: number }[] } }[])[0]!
      .insurance.enrollments;
    expect(only2025.length).toBeGreaterThan(0);
    expect(only2025.every((e) => e.coverageYear === 2025)).toBe(true);
  });

  it("follows only the current links: an enrollment unlinked from the child is no longer its", async () => {
    // Two enrollments in the province's areas: with one unlinked the child is still in scope.
    const [subject] = await province.rows<{ child_key: string; record_id: string }>(sql`
      select r.child_key, min(r.record_id) as record_id from truth.records r join insurance.enrollments e on e.record_id = r.record_id
      where r.source = 'insurance.enrollment' and e.area_code like '33%' group by r.child_key having count(*) >= 2 order by r.child_key limit 1`);
    const childId = province.childIds.get(subject!.child_key)!;
    const recordIds = async () => {
      const [child] = await entities([subject!.child_key]);
      return child!.insurance!.enrollments.map((e) => e.recordId);
    };
    expect(await recordIds()).toContain(subject!.record_id);
    await province.database.db.execute(
      sql`update hub.links set unlinked_at = now() where source = 'insurance.enrollment' and record_id = ${subject!.record_id} and child_id = ${childId}`,
    );
    try {
      expect(await recordIds()).not.toContain(subject!.record_id);
    } finally {
      await province.database.db.execute(
        sql`update hub.links set unlinked_at = null where source = 'insurance.enrollment' and record_id = ${subject!.record_id} and child_id = ${childId}`,
      );
    }
  });

  it("answers _entities for an unknown or malformed child id with null, as for a child outside the scope", async () => {
    const result = await province.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id insurance { insuredFor(coverageYear: 2026) } } } }`,
      {
        r: [
          { __typename: "Child", id: "99999999" },
          { __typename: "Child", id: "not-a-number" },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([null, null]);
  });

  it("refuses a coverage year that is not a calendar year, naming the argument", async () => {
    const [key] = await truthKeys(sql`status = 'INSURED'`);
    const result = await province.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { insurance { insuredFor(coverageYear: 26) } } } }`,
      {
        r: childReps(province, [key!]),
      },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "coverageYear" });
    expect(result.errors?.[0]?.message).toMatch(/^coverageYear: .*but got 26/);
  });
});
