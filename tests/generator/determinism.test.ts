import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";

/** Every table the generator writes, fingerprinted without the insert timestamps. */
const TABLES = [
  "household.households",
  "household.persons",
  "household.guardianships",
  "health.hospitals",
  "health.birth_certificates",
  "health.vaccination_sites",
  "health.immunization_records",
  "health.immunization_doses",
  "health.family_doctors",
  "health.doctor_contracts",
  "education.schools",
  "education.student_registrations",
  "insurance.coordination_areas",
  "insurance.enrollments",
  "insurance.contributions",
  "insurance.assistance_eligibility",
  "truth.children",
  "truth.records",
];

async function fingerprint(database: TestDatabase): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of TABLES) {
    const [row] = await queryRows<{ n: number; digest: string | null }>(
      database.db,
      sql.raw(
        `select count(*)::int as n,
                md5(string_agg((to_jsonb(t) - 'created_at' - 'updated_at')::text, '|'
                               order by (to_jsonb(t) - 'created_at' - 'updated_at')::text)) as digest
           from ${table} t`,
      ),
    );
    result[table] = `${row!.n}:${row!.digest}`;
  }
  return result;
}

describe("the province generator", () => {
  const options = { children: 1_500, seed: 11, asOf: "2026-03-15" };
  let a: TestDatabase;
  let b: TestDatabase;
  let server: TestDatabase;
  let other: TestDatabase;

  beforeAll(async () => {
    [a, b, server, other] = await Promise.all([
      openTestDatabase("pglite"),
      openTestDatabase("pglite"),
      openTestDatabase("postgres"),
      openTestDatabase("pglite"),
    ]);
    await generateProvince(a.db, options);
    await generateProvince(b.db, options);
    await generateProvince(server.db, options);
    await generateProvince(other.db, { ...options, seed: 12 });
  });
  afterAll(async () => Promise.all([a, b, server, other].map((d) => d?.close())));

  it("writes the same province for the same seed, size and date", async () => {
    const first = await fingerprint(a);
    expect(Object.values(first).every((v) => !v.startsWith("0:"))).toBe(true);
    expect(await fingerprint(b)).toEqual(first);
  });

  it("writes the same province on PostgreSQL as on PGlite", async () => {
    expect(await fingerprint(server)).toEqual(await fingerprint(a));
  });

  it("writes a different province for a different seed", async () => {
    const first = await fingerprint(a);
    const second = await fingerprint(other);
    expect(second["household.persons"]).not.toEqual(first["household.persons"]);
    expect(second["truth.children"]).not.toEqual(first["truth.children"]);
  });
});
