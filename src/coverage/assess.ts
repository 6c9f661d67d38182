import type { Db } from "../db/client.ts";
import type { coverageStatus } from "../db/tables/coverage.ts";
import { addDays, yearOf, type IsoDate } from "../domain/dates.ts";
import { provinceOf } from "../domain/division-codes.ts";
import type { HukouType } from "../domain/coverage-terms.ts";
import { loadCoverageFacts } from "./facts.ts";
import { assessCoverage, settingsAreaOf } from "./rules.ts";
import type { CoverageAssessment, CoverageFacts, CoveragePolicy } from "./types.ts";

/** One child's coverage as of a date, as a snapshot row holds it (and as a read computes it without one). */
export type StatusRow = typeof coverageStatus.$inferInsert;

/**
 * These children's coverage as of a date, from their linked records, storing nothing: what the
 * snapshot build inserts, and what `Child.coverage` answers for a date without a snapshot.
 * Children with no linked record, or not a child on that date, are missing from the map.
 * Two statements per `FACTS_BATCH_SIZE` children (facts.ts).
 *
 *   const rows = await assessChildren(db, [1, 2], "2026-03-31", await loadCoveragePolicy(db));
 *   rows.get(1)?.status // "INSURED"
 */
export async function assessChildren(
  db: Db,
  ids: readonly number[],
  asOf: IsoDate,
  policy: CoveragePolicy,
): Promise<Map<number, StatusRow>> {
  const rows = new Map<number, StatusRow>();
  if (ids.length === 0) return rows;
  const facts = await loadCoverageFacts(db, ids, asOf);
  for (const id of ids) {
    const f = facts.get(id);
    if (!f) continue;
    const assessment = assessCoverage(f, asOf, policy);
    if (assessment) rows.set(id, statusRow(id, asOf, f, assessment, policy));
  }
  return rows;
}

/** One child's row of a snapshot: the assessment, and the facts the filters and groupings read. */
export function statusRow(
  childId: number,
  asOf: IsoDate,
  facts: CoverageFacts,
  a: CoverageAssessment,
  policy: CoveragePolicy,
): StatusRow {
  return {
    asOf,
    childId,
    coverageYear: a.coverageYear,
    status: a.status,
    reasons: a.reasons,
    birthDate: facts.birthDate,
    deadline: a.deadline,
    codeWindowEndsOn: a.codeWindowEndsOn,
    waitingPeriodMonths: a.waitingPeriodMonths,
    insuredWithinWindow: insuredWithinWindow(facts, a, asOf, policy),
    residenceRegionCode: facts.residenceRegionCode,
    hukouRegionCode: facts.hukouRegionCode,
    hukouType: hukouTypeOf(facts.hukouRegionCode, policy.provinceCode),
    schoolCode: facts.currentSchoolCode,
    doctorCode: facts.contractedDoctorCode,
    needyCategory: facts.needyCategory,
    responsibleActor: a.responsible?.actor ?? null,
    responsibleCode: a.responsible?.code ?? null,
    action: a.responsible?.action ?? null,
  };
}

export function hukouTypeOf(hukouRegionCode: string | null, provinceCode: string): HukouType {
  if (!hukouRegionCode) return "UNKNOWN";
  return provinceOf(hukouRegionCode) === provinceOf(provinceCode) ? "LOCAL" : "NON_LOCAL";
}

/**
 * The policy target "newborns insured within the window": born in the coverage year, insured,
 * by an insuring enrollment made no later than birth + the window (the province's, in force on
 * the birth date).
 */
export function insuredWithinWindow(
  facts: CoverageFacts,
  a: CoverageAssessment,
  asOf: IsoDate,
  policy: CoveragePolicy,
): boolean {
  if (yearOf(facts.birthDate) !== a.coverageYear || (a.status !== "INSURED" && a.status !== "DUPLICATE")) return false;
  const windowDays = policy.settings.newbornWindowDays(facts.birthDate, settingsAreaOf(facts, policy));
  const deadline = addDays(facts.birthDate, windowDays);
  return facts.enrollments.some(
    (e) =>
      e.coverageYear === a.coverageYear &&
      e.status === "ACTIVE" &&
      e.paidOn !== null &&
      e.paidOn <= asOf &&
      e.enrolledOn <= deadline,
  );
}
