import { count } from "drizzle-orm";
import type { Db } from "./client.ts";
import * as t from "./schema.ts";

/** How many rows each department holds: what start-up reports after seeding. */
export async function countRecords(db: Db): Promise<Record<string, number>> {
  const tables = {
    persons: t.persons,
    guardianships: t.guardianships,
    birthCertificates: t.birthCertificates,
    immunizationRecords: t.immunizationRecords,
    doctorContracts: t.doctorContracts,
    schools: t.schools,
    studentRegistrations: t.studentRegistrations,
    enrollments: t.enrollments,
    contributions: t.contributions,
    children: t.children,
  };
  const result: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await db.select({ n: count() }).from(table);
    result[name] = row?.n ?? 0;
  }
  return result;
}
