import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";

const AS_OF = "2026-06-30";

/**
 * The synthetic province holds the cases issue 19 is about, in realistic shares, so that the
 * accuracy figures (tests/coverage/gap-accuracy.test.ts, bench/gaps.ts) mean something: children
 * living on a residence permit, newborns known only by a birth certificate, needy children with
 * and without their subsidy (and with less than it), lapses of 1 to 5 years, never-insured children.
 */
describe("the generator's coverage stories", () => {
  let database: TestDatabase;
  let shares: Record<string, number>;
  let lapses: Map<number, number>;

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    await generateProvince(database.db, { children: 10_000, seed: 2024, asOf: AS_OF });
    const [row] = await queryRows<Record<string, number>>(
      database.db,
      sql`select
          count(*)::float8 as children,
          count(*) filter (where status in ('INSURED', 'DUPLICATE'))::float8 as insured,
          count(*) filter (where left(hukou_region_code, 2) <> '33')::float8 as non_local,
          (select count(*) from household.persons where registration_kind = 'RESIDENCE_PERMIT')::float8 as permits,
          count(*) filter (where birth_date > ${AS_OF}::date - interval '1 year')::float8 as newborns,
          count(*) filter (where 'NEWBORN_NOT_REGISTERED' = any(reasons)
                             and birth_certificate_number is not null)::float8 as certificate_newborns,
          count(*) filter (where needy_category is not null)::float8 as needy,
          count(*) filter (where 'NEEDY_WITHOUT_SUBSIDY' = any(reasons))::float8 as needy_without,
          count(*) filter (where 'SUBSIDY_BELOW_SETTING' = any(reasons))::float8 as below_setting,
          count(*) filter (where status = 'LAPSED')::float8 as lapsed,
          count(*) filter (where 'NEVER_ENROLLED' = any(reasons) and status = 'UNINSURED')::float8 as never_insured,
          count(*) filter (where 'ENROLLMENT_ENDED' = any(reasons))::float8 as ended
        from truth.children`,
    );
    const n = row!.children!;
    shares = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, k === "children" ? v : v / n]));
    const years = await queryRows<{ lapse: number; n: number }>(
      database.db,
      sql`select 2026 - max(e.coverage_year) as lapse, 1 as n
            from truth.children c
            join truth.records r on r.child_key = c.child_key and r.source = 'insurance.enrollment'
            join insurance.enrollments e on e.record_id = r.record_id and e.paid_on is not null
           where c.status = 'LAPSED' group by c.child_key`,
    );
    lapses = new Map();
    for (const y of years) lapses.set(Number(y.lapse), (lapses.get(Number(y.lapse)) ?? 0) + 1);
    console.log(JSON.stringify({ shares, lapses: Object.fromEntries(lapses) }));
  }, 120_000);
  afterAll(async () => database?.close());

  it("insures about 92–96% of children", () => {
    expect(shares.insured).toBeGreaterThan(0.92);
    expect(shares.insured).toBeLessThan(0.96);
  });

  it("has non-local children (about 15%), many on a residence permit", () => {
    expect(shares.non_local).toBeGreaterThan(0.1);
    expect(shares.non_local).toBeLessThan(0.2);
    expect(shares.permits).toBeGreaterThan(0.05);
  });

  it("has newborns known only by their birth certificate", () => {
    expect(shares.certificate_newborns).toBeGreaterThan(0.002);
    expect(shares.certificate_newborns).toBeLessThan(shares.newborns!);
  });

  it("has needy children (a few percent), some without their subsidy and some with less than it", () => {
    expect(shares.needy).toBeGreaterThan(0.01);
    expect(shares.needy).toBeLessThan(0.06);
    expect(shares.needy_without).toBeGreaterThan(0);
    expect(shares.below_setting).toBeGreaterThan(0);
    expect(shares.needy_without! + shares.below_setting!).toBeLessThan(shares.needy! / 2);
  });

  it("has lapses of every length from 1 to 5 years, the short ones commonest", () => {
    for (const years of [1, 2, 3, 4, 5]) expect(lapses.get(years) ?? 0, `${years} years`).toBeGreaterThan(0);
    expect(lapses.get(1)!).toBeGreaterThan(lapses.get(5)!);
    expect(shares.lapsed).toBeGreaterThan(0.02);
    expect(shares.lapsed).toBeLessThan(0.06);
  });

  it("has children never insured (about 2%) and enrollments ended without a new one", () => {
    expect(shares.never_insured).toBeGreaterThan(0.01);
    expect(shares.never_insured).toBeLessThan(0.04);
    expect(shares.ended).toBeGreaterThan(0);
  });
});
