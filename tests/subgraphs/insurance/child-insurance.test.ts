import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headersFor } from "../../kit/auth.ts";
import type { NeedyCategory } from "../../../src/domain/insurance-policy.ts";
import type { BuiltChild, ContributionSpec } from "../../kit/builders.ts";
import { ENGINES } from "../../kit/database.ts";
import { CHILD_INSURANCE_QUERY, openInsuranceTestDatabase, YEAR, type InsuranceTestDatabase } from "./harness.ts";

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
  let province: InsuranceTestDatabase;
  /** Enrolled and paid in Hangzhou this year; the first also the two years before. */
  let insured: BuiltChild[];
  /** With a hukou in the province and no enrollment at all. */
  let never: BuiltChild[];
  /** Enrolled this year, not paid. */
  let unpaid: BuiltChild[];
  /** Enrolled and paid this year twice, in Hangzhou and in Ningbo. */
  let duplicate: BuiltChild[];
  /** Paid in earlier years, not enrolled this year. */
  let lapsed: BuiltChild[];
  /** Needy children whose contribution medical assistance paid (all of it, or part), under their category. */
  let subsidised: { child: BuiltChild; category: NeedyCategory }[];
  /** A needy child who paid the contribution itself. */
  let unsubsidised: { child: BuiltChild; category: NeedyCategory };
  /** Every child with an enrollment, in the order built. */
  let enrolled: BuiltChild[];

  beforeAll(async () => {
    province = await openInsuranceTestDatabase(engine);
    const { build } = province;
    const hangzhou = await build.coordinationArea({ code: "330100" });
    const ningbo = await build.coordinationArea({ code: "330200" });
    insured = await build.children(4, (i) => ({
      enrollments: (i === 0 ? [YEAR - 2, YEAR - 1, YEAR] : [YEAR]).map((coverageYear) => ({
        area: hangzhou,
        coverageYear,
      })),
    }));
    never = await build.children(3, () => ({ hukou: "330106" }));
    unpaid = await build.children(2, () => ({ enrollments: [{ area: hangzhou, paid: false }] }));
    duplicate = await build.children(2, () => ({
      enrollments: [hangzhou, { area: ningbo, enrolledOn: "2025-12-01" }],
    }));
    lapsed = await build.children(2, () => ({
      enrollments: [YEAR - 2, YEAR - 1].map((coverageYear) => ({ area: hangzhou, coverageYear })),
    }));
    const needy: { category: NeedyCategory; payments: Omit<ContributionSpec, "needyCategory">[] }[] = [
      // 特困: medical assistance pays it all; 低保: part of it, the family the rest.
      { category: "EXTREMELY_POOR", payments: [{ payerKind: "MEDICAL_ASSISTANCE" as const }] },
      {
        category: "MIN_LIVING",
        payments: [
          { payerKind: "MEDICAL_ASSISTANCE" as const, amountFen: 30_000 },
          { payerKind: "SELF" as const, amountFen: 10_000 },
        ],
      },
      // Disabled, eligible, but paid by the family: not subsidised.
      { category: "DISABLED", payments: [{ payerKind: "SELF" as const }] },
    ];
    const needyChildren = await build.children(needy.length, (i) => ({
      enrollments: [
        {
          area: hangzhou,
          contributions: needy[i]!.payments.map((p) => ({
            ...p,
            needyCategory: p.payerKind === "MEDICAL_ASSISTANCE" ? needy[i]!.category : null,
          })),
        },
      ],
    }));
    for (const [i, child] of needyChildren.entries())
      await build.assistanceEligibility({ child, needyCategory: needy[i]!.category });
    subsidised = needyChildren.slice(0, 2).map((child, i) => ({ child, category: needy[i]!.category }));
    unsubsidised = { child: needyChildren[2]!, category: needy[2]!.category };
    enrolled = [...insured, ...unpaid, ...duplicate, ...lapsed, ...needyChildren];
    await build.link();
  }, 180_000);
  afterAll(async () => province?.database.close());

  async function entities(children: readonly BuiltChild[], headers?: Record<string, string>): Promise<ChildJson[]> {
    const result = await province.run(
      CHILD_INSURANCE_QUERY,
      { representations: children.map((c) => c.ref), year: YEAR },
      headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities as ChildJson[];
  }

  it("says every INSURED child is insured for the coverage year", async () => {
    const children = await entities(insured);
    expect(children.map((c) => c.insurance?.insuredFor)).toEqual(insured.map(() => true));
    for (const child of children) {
      const paid = child.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      expect(new Set(paid.map((e) => e.area?.code))).toEqual(new Set(["330100"]));
    }
  });

  it(
    "returns no insurance for an uninsured child without any " +
      "enrollment, and not insured for one with an unpaid enrollment",
    async () => {
      // A child never enrolled has no insurance record to place it in the insurance department's
      // scope; an insurance officer reaches it through its hukou in the province.
      const officer = await headersFor({
        subject: "test-insurance-officer-33",
        role: "insurance_officer",
        scope: { region: "33" },
      });
      const neverEnrolled = await entities(never, officer);
      expect(neverEnrolled.map((c) => c?.id)).toEqual(never.map((c) => String(c.id)));
      expect(neverEnrolled.map((c) => c.insurance)).toEqual(never.map(() => null));
      const notPaid = await entities(unpaid);
      expect(notPaid.map((c) => c.insurance?.insuredFor)).toEqual([false, false]);
    },
  );

  it("shows a DUPLICATE child's two active, paid enrollments for the year in different areas", async () => {
    const children = await entities(duplicate);
    expect(children).toHaveLength(2);
    for (const child of children) {
      expect(child.insurance!.insuredFor).toBe(true);
      const paid = child.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      expect(paid).toHaveLength(2);
      const areas = new Set(paid.map((e) => e.area?.code));
      expect(areas).toEqual(new Set(["330100", "330200"]));
    }
  });

  it("lists LAPSED children's earlier enrollments but not insured this year", async () => {
    const children = await entities(lapsed);
    expect(children).toHaveLength(2);
    for (const child of children) {
      expect(child.insurance!.insuredFor).toBe(false);
      expect(child.insurance!.enrollments.some((e) => e.coverageYear < YEAR && e.paidOn !== null)).toBe(true);
    }
  });

  it("pays a subsidised needy child's contribution by medical assistance under its category", async () => {
    const children = await entities(subsidised.map((n) => n.child));
    subsidised.forEach(({ category }, i) => {
      const paid = children[i]!.insurance!.enrollments.filter(
        (e) => e.coverageYear === YEAR && e.status === "ACTIVE" && e.paidOn !== null,
      );
      const assistance = paid.flatMap((e) => e.contributions).filter((c) => c.payerKind === "MEDICAL_ASSISTANCE");
      expect(assistance).toHaveLength(1);
      expect(assistance.every((c) => c.needyCategory === category)).toBe(true);
      for (const c of paid.flatMap((e) => e.contributions)) expect(c.amountYuan).toBe(c.amountFen / 100);
    });
    expect(children[1]!.insurance!.enrollments[0]!.contributions.map((c) => c.amountYuan)).toEqual([300, 100]);
  });

  it("finds assistance eligibility through the ID numbers on the child's enrollments", async () => {
    const needy = [...subsidised, unsubsidised];
    const children = await entities(needy.map((n) => n.child));
    needy.forEach(({ child, category }, i) => {
      expect(child.enrollments[0]!.idNumber).toBe(child.idNumber);
      expect(children[i]!.insurance!.assistanceEligibility).toEqual([
        expect.objectContaining({ needyCategory: category, regionCode: "330106", validUntil: null }),
      ]);
    });
    for (const child of await entities(insured)) expect(child.insurance!.assistanceEligibility).toEqual([]);
  });

  it("lists every linked enrollment newest year first, and one year's when asked", async () => {
    const children = await entities(enrolled);
    enrolled.forEach((built, i) => {
      const enrollments = children[i]!.insurance!.enrollments;
      expect(enrollments.map((e) => e.recordId).sort()).toEqual(built.enrollments.map((e) => e.recordId).sort());
      const years = enrollments.map((e) => e.coverageYear);
      expect(years).toEqual([...years].sort((a, b) => b - a));
    });

    const subject = insured[0]!;
    const result = await province.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child {
        insurance { enrollments(coverageYear: 2025) { coverageYear recordId } }
      } } }`,
      { r: [subject.ref] },
    );
    const only2025 = (result.data!._entities as { insurance: { enrollments: { coverageYear: number }[] } }[])[0]!
      .insurance.enrollments;
    expect(new Set(subject.enrollments.map((e) => e.coverageYear)).size).toBe(3);
    expect(only2025).toEqual([
      { coverageYear: 2025, recordId: subject.enrollments.find((e) => e.coverageYear === 2025)!.recordId },
    ]);
  });

  it("follows only the current links: an enrollment unlinked from the child is no longer its", async () => {
    // Several enrollments in the province's areas: with one unlinked the child is still in scope.
    const subject = insured[0]!;
    const recordId = subject.enrollments[0]!.recordId;
    const recordIds = async () => {
      const [child] = await entities([subject]);
      return child!.insurance!.enrollments.map((e) => e.recordId);
    };
    expect(await recordIds()).toContain(recordId);
    await province.database.db.execute(
      sql`update hub.links set unlinked_at = now() where source = 'insurance.enrollment' and record_id = ${recordId}
        and child_id = ${subject.id}`,
    );
    try {
      expect(await recordIds()).not.toContain(recordId);
    } finally {
      await province.database.db.execute(
        sql`update hub.links set unlinked_at = null where source = 'insurance.enrollment' and record_id = ${recordId}
          and child_id = ${subject.id}`,
      );
    }
  });

  it("answers _entities for an unknown or malformed child id with null, as for a child outside the scope", async () => {
    const result = await province.run(
      `query($r: [_Any!]!) {
        _entities(representations: $r) { ... on Child { id insurance { insuredFor(coverageYear: 2026) } } }
      }`,
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
    const result = await province.run(
      `query($r: [_Any!]!) {
        _entities(representations: $r) { ... on Child { insurance { insuredFor(coverageYear: 26) } } }
      }`,
      { r: [insured[0]!.ref] },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "coverageYear" });
    expect(result.errors?.[0]?.message).toMatch(/^coverageYear: .*but got 26/);
  });
});
