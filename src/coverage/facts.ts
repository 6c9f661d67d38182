import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.ts";
import { linkedRecordsQuery } from "../db/source-queries.ts";
import type { SourceField } from "../db/sources.ts";
import { assistanceEligibility } from "../db/tables/insurance.ts";
import type { IsoDate } from "../domain/dates.ts";
import { isNeedyCategory, type NeedyCategory } from "../domain/insurance-policy.ts";
import { deriveCoverageFacts, validIdNumbersOf } from "./derive-facts.ts";
import { noLinkedRecords, type LinkedRecords } from "./linked-records.ts";
import type { CoverageFacts, EnrollmentFact } from "./types.ts";

/**
 * Children per round trip. Two statements per batch whatever its size; the batch bounds the
 * size of the array parameters and of the rows held in memory at once.
 */
export const FACTS_BATCH_SIZE = 2_000;

/**
 * The coverage facts of each child, from its currently linked department records, as of a
 * date. A child with no linked record (or not in the index) is missing from the map.
 * Two statements per batch of `FACTS_BATCH_SIZE` children: every linked record, then the
 * medical-assistance eligibility under the ID numbers those records carry.
 *
 *   const facts = await loadCoverageFacts(db, [1, 2, 3], "2026-06-30");
 *   assessCoverage(facts.get(1)!, "2026-06-30", policy);
 */
export async function loadCoverageFacts(
  db: Db,
  childIds: readonly number[],
  asOf: IsoDate,
): Promise<Map<number, CoverageFacts>> {
  const facts = new Map<number, CoverageFacts>();
  for (let i = 0; i < childIds.length; i += FACTS_BATCH_SIZE) {
    const records = await loadLinkedRecords(db, childIds.slice(i, i + FACTS_BATCH_SIZE));
    for (const [childId, linked] of records) {
      const derived = deriveCoverageFacts(linked, asOf);
      if (derived) facts.set(childId, derived);
    }
  }
  return facts;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** One batch: every linked record of the children (one statement), then their eligibility (one more). */
export async function loadLinkedRecords(db: Db, childIds: readonly number[]): Promise<Map<number, LinkedRecords>> {
  if (childIds.length === 0) return new Map();
  const byChild = linkedRecordsOfRows(
    await queryRows<LinkedRecordRow>(db, linkedRecordsQuery(childIds, COVERAGE_FIELDS)),
  ) as Map<number, Mutable<LinkedRecords>>;
  const idsByChild = new Map([...byChild].map(([childId, linked]) => [childId, validIdNumbersOf(linked)]));
  const idNumbers = [...new Set([...idsByChild.values()].flat())];
  if (idNumbers.length > 0) {
    const eligibility = await db
      .select({
        idNumber: assistanceEligibility.idNumber,
        needyCategory: assistanceEligibility.needyCategory,
        validFrom: assistanceEligibility.validFrom,
        validUntil: assistanceEligibility.validUntil,
      })
      .from(assistanceEligibility)
      .where(sql`${assistanceEligibility.idNumber} = any(${sql.param(idNumbers)}::text[])`);
    const byIdNumber = new Map<string, typeof eligibility>();
    for (const e of eligibility)
      if (isNeedyCategory(e.needyCategory)) byIdNumber.set(e.idNumber, [...(byIdNumber.get(e.idNumber) ?? []), e]);
    for (const [childId, ids] of idsByChild) {
      byChild.get(childId)!.assistance = ids.flatMap((id) =>
        (byIdNumber.get(id) ?? []).map((e) => ({
          idNumber: id,
          needyCategory: e.needyCategory as NeedyCategory,
          validFrom: e.validFrom,
          validUntil: e.validUntil,
        })),
      );
    }
  }
  return byChild;
}

/** A row of `linkedRecordsQuery`: one linked record of one child, as JSON. */
export interface LinkedRecordRow extends Record<string, unknown> {
  child_id: number | string;
  source: string;
  record: Record<string, unknown> | string;
}

/**
 * The rows of `linkedRecordsQuery(ids, COVERAGE_FIELDS)` as each child's LinkedRecords (no
 * eligibility: that is a statement of its own, in loadLinkedRecords).
 */
export function linkedRecordsOfRows(rows: readonly LinkedRecordRow[]): Map<number, LinkedRecords> {
  const byChild = new Map<number, Mutable<LinkedRecords>>();
  for (const row of rows) {
    const childId = Number(row.child_id);
    let linked = byChild.get(childId);
    if (!linked) byChild.set(childId, (linked = noLinkedRecords() as Mutable<LinkedRecords>));
    addRecord(linked, row.source, recordOf(row));
  }
  return byChild;
}

/** The JSON object of a row (node-postgres parses json columns, PGlite may hand over text). */
export function recordOf(row: LinkedRecordRow): Record<string, unknown> {
  return typeof row.record === "string" ? JSON.parse(row.record) : row.record;
}

/** What coverage reads of each linked record (the registry says which source has which). */
export const COVERAGE_FIELDS: readonly SourceField[] = [
  "recordId",
  "idNumber",
  "birthDate",
  "hukouRegionCode",
  "permitRegionCode",
  "birthRegionCode",
  "siteRegionCode",
  "lastDoseOn",
  "doctorCode",
  "status",
  "signedOn",
  "validUntil",
  "studentNumber",
  "schoolCode",
  "schoolRegionCode",
  "schoolYear",
  "areaCode",
  "coverageYear",
  "enrolledOn",
  "paidOn",
  "payers",
  "assistanceCategories",
  "contributionFen",
  "assistanceFen",
];

function addRecord(linked: Mutable<LinkedRecords>, source: string, r: Record<string, unknown>): void {
  // Nullable and required text fields of the JSON object the query built for this source.
  const text = (key: string) => (r[key] ?? null) as string | null;
  const str = (key: string) => String(r[key]);
  switch (source) {
    case "household.person":
      linked.persons.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        hukouRegionCode: str("hukouRegionCode"),
        permitRegionCode: text("permitRegionCode"),
      });
      return;
    case "health.birth_certificate":
      linked.birthCertificates.push({ birthDate: str("birthDate"), birthRegionCode: text("birthRegionCode") });
      return;
    case "health.immunization_record":
      linked.immunizations.push({
        recordId: str("recordId"),
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        siteRegionCode: text("siteRegionCode"),
        lastDoseOn: text("lastDoseOn"),
      });
      return;
    case "health.doctor_contract":
      linked.doctorContracts.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        doctorCode: str("doctorCode"),
        status: str("status"),
        signedOn: str("signedOn"),
        validUntil: str("validUntil"),
      });
      return;
    case "education.student":
      linked.students.push({
        idNumber: text("idNumber"),
        studentNumber: str("studentNumber"),
        birthDate: str("birthDate"),
        schoolCode: str("schoolCode"),
        schoolRegionCode: text("schoolRegionCode"),
        status: str("status"),
        schoolYear: Number(r.schoolYear),
      });
      return;
    case "insurance.enrollment":
      linked.enrollments.push({
        idNumber: text("idNumber"),
        birthDate: str("birthDate"),
        areaCode: str("areaCode"),
        coverageYear: Number(r.coverageYear),
        status: r.status as EnrollmentFact["status"],
        enrolledOn: str("enrolledOn"),
        paidOn: text("paidOn"),
        payers: r.payers as EnrollmentFact["payers"],
        contributionFen: Number(r.contributionFen ?? 0),
        assistanceFen: Number(r.assistanceFen ?? 0),
        assistanceCategories: (r.assistanceCategories as string[]).filter(isNeedyCategory),
      });
      return;
    default:
      // A source coverage does not read (none today): ignored, not an error.
      return;
  }
}

// The status table's store imports the policy loader from here, beside the facts it goes with.
export { loadCoveragePolicy } from "./load-policy.ts";
