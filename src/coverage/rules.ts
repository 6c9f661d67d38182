import { addDays, ageInYears, daysBetween, yearOf, type IsoDate } from "../domain/dates.ts";
import { prefectureOf, provinceOf } from "../domain/division-codes.ts";
import {
  CHILD_MAX_AGE_EXCLUSIVE,
  COMPULSORY_SCHOOL_AGES,
  NEWBORN_CODE_WINDOW_DAYS,
  NEWBORN_STATUS_MAX_AGE_YEARS,
  waitingPeriodMonths,
} from "../domain/insurance-policy.ts";
import type { CoverageStatus, GapReason } from "../domain/coverage-terms.ts";
import type { CoverageAssessment, CoverageFacts, CoveragePolicy, EnrollmentFact } from "./types.ts";

/**
 * A child's coverage as of a date, for that date's coverage (calendar) year. Returns null for
 * someone who is not a child on that date (not yet born, or 18 or older).
 *
 *   assessCoverage(facts, "2026-06-30", policy)
 *   // { status: "NEWBORN_IN_WINDOW", deadline: "2026-07-14", daysLeft: 14, … }
 *
 * Only what had happened by `asOf` counts: an enrollment made later does not exist yet, a
 * contribution paid later is unpaid — so a department can see the picture at the end of a past year.
 */
export function assessCoverage(facts: CoverageFacts, asOf: IsoDate, policy: CoveragePolicy): CoverageAssessment | null {
  if (facts.birthDate > asOf) return null;
  const age = ageInYears(facts.birthDate, asOf);
  if (age >= CHILD_MAX_AGE_EXCLUSIVE) return null;
  const year = yearOf(asOf);
  const known = facts.enrollments
    .filter((e) => e.enrolledOn <= asOf)
    .map((e) => (e.paidOn !== null && e.paidOn > asOf ? { ...e, paidOn: null } : e));
  const status = statusOf(known, year, age, daysBetween(facts.birthDate, asOf), policy.newbornWindowDays);
  const reasons = reasonsOf(facts, known, year, age, policy);
  const isNewbornGap = status === "NEWBORN_IN_WINDOW" || status === "NEWBORN_OVERDUE";
  const deadline = isNewbornGap ? addDays(facts.birthDate, policy.newbornWindowDays) : null;
  return {
    status,
    coverageYear: year,
    reasons,
    deadline,
    daysLeft: deadline ? daysBetween(asOf, deadline) : null,
    codeWindowEndsOn: age < NEWBORN_STATUS_MAX_AGE_YEARS ? addDays(facts.birthDate, NEWBORN_CODE_WINDOW_DAYS) : null,
    waitingPeriodMonths: waitingFor(status, known, year, facts.birthDate, age),
    responsible: responsibleFor(status, reasons, facts, known, year, policy),
  };
}

/** Insured = an ACTIVE, paid enrollment for the year; two areas at once = DUPLICATE. */
export function statusOf(
  enrollments: readonly EnrollmentFact[],
  year: number,
  age: number,
  ageInDays: number,
  newbornWindowDays: number,
): CoverageStatus {
  const areas = new Set(insuring(enrollments, year).map((e) => e.areaCode));
  if (areas.size >= 2) return "DUPLICATE";
  if (areas.size === 1) return "INSURED";
  if (enrollments.some((e) => e.coverageYear < year && e.paidOn !== null)) return "LAPSED";
  if (age < NEWBORN_STATUS_MAX_AGE_YEARS)
    return ageInDays <= newbornWindowDays ? "NEWBORN_IN_WINDOW" : "NEWBORN_OVERDUE";
  return "UNINSURED";
}

function insuring(enrollments: readonly EnrollmentFact[], year: number): EnrollmentFact[] {
  return enrollments.filter((e) => e.coverageYear === year && e.status === "ACTIVE" && e.paidOn !== null);
}

function reasonsOf(
  facts: CoverageFacts,
  enrollments: readonly EnrollmentFact[],
  year: number,
  age: number,
  policy: CoveragePolicy,
): GapReason[] {
  const reasons: GapReason[] = [];
  const current = enrollments.filter((e) => e.coverageYear === year && e.status === "ACTIVE");
  const paid = current.filter((e) => e.paidOn !== null);
  if (!facts.hasIdNumber) reasons.push("NO_ID_NUMBER");
  if (facts.hukouRegionCode && provinceOf(facts.hukouRegionCode) !== provinceOf(policy.provinceCode))
    reasons.push("NON_LOCAL_HUKOU");
  if (facts.needyCategory && !paid.some((e) => e.payers.includes("MEDICAL_ASSISTANCE")))
    reasons.push("NEEDY_WITHOUT_SUBSIDY");
  const residenceArea = facts.residenceRegionCode
    ? coordinationAreaOf(facts.residenceRegionCode, policy.areaCodes)
    : null;
  if (residenceArea && paid.some((e) => e.areaCode !== residenceArea)) reasons.push("ENROLLED_OUTSIDE_RESIDENCE");
  if (current.length > 0 && paid.length === 0) reasons.push("UNPAID_ENROLLMENT");
  if (age >= COMPULSORY_SCHOOL_AGES.min && age <= COMPULSORY_SCHOOL_AGES.max && facts.currentSchoolCode === null)
    reasons.push("NO_SCHOOL_RECORD");
  return reasons;
}

/**
 * The coordination area a region belongs to: a county-level area when one exists (some
 * provinces pool by county), else its prefecture's, else its province's.
 *
 *   coordinationAreaOf("330106", new Set(["330100"])) // "330100"
 */
export function coordinationAreaOf(regionCode: string, areaCodes: ReadonlySet<string>): string {
  if (areaCodes.has(regionCode)) return regionCode;
  const prefecture = prefectureOf(regionCode);
  if (areaCodes.has(prefecture)) return prefecture;
  return provinceOf(regionCode);
}

/** From 2025: 3 months plus one per lapsed year before benefits start; newborns are exempt. */
function waitingFor(
  status: CoverageStatus,
  enrollments: readonly EnrollmentFact[],
  year: number,
  birthDate: IsoDate,
  age: number,
): number | null {
  if (status === "INSURED" || status === "DUPLICATE") return null;
  if (age < NEWBORN_STATUS_MAX_AGE_YEARS) return waitingPeriodMonths(0, true);
  const paidYears = enrollments.filter((e) => e.paidOn !== null).map((e) => e.coverageYear);
  // Lapsed years: the coverage years missed up to and including this one, counted from the year
  // after the last paid one, or from the year of birth for a child never insured.
  const since = paidYears.length > 0 ? Math.max(...paidYears) + 1 : yearOf(birthDate);
  return waitingPeriodMonths(Math.max(0, year - since + 1), false);
}

function responsibleFor(
  status: CoverageStatus,
  reasons: readonly GapReason[],
  facts: CoverageFacts,
  enrollments: readonly EnrollmentFact[],
  year: number,
  policy: CoveragePolicy,
): CoverageAssessment["responsible"] {
  const residenceArea = facts.residenceRegionCode
    ? coordinationAreaOf(facts.residenceRegionCode, policy.areaCodes)
    : null;
  if (status === "DUPLICATE") {
    const areas = [...new Set(insuring(enrollments, year).map((e) => e.areaCode))].sort();
    return {
      actor: "INSURANCE_OFFICE",
      code: residenceArea,
      action: `cancel the duplicate enrollment: insured for ${year} in areas ${areas.join(" and ")}`,
    };
  }
  if (status === "INSURED") {
    if (reasons.includes("NEEDY_WITHOUT_SUBSIDY")) {
      return {
        actor: "INSURANCE_OFFICE",
        code: residenceArea,
        action: `pay the ${facts.needyCategory} child's contribution from medical assistance`,
      };
    }
    return null;
  }
  if (!facts.hasIdNumber) {
    return {
      actor: "HOUSEHOLD_REGISTRATION",
      code: facts.hukouRegionCode ?? facts.residenceRegionCode,
      action: "register the child's hukou so an ID number is issued; meanwhile enroll on the birth medical certificate",
    };
  }
  const enroll =
    status === "NEWBORN_IN_WINDOW"
      ? "enroll and pay before the newborn deadline to be covered from birth"
      : reasons.includes("UNPAID_ENROLLMENT")
        ? "pay the contribution for this year's enrollment"
        : "enroll the child in resident medical insurance for this year";
  if (facts.currentSchoolCode)
    return { actor: "SCHOOL", code: facts.currentSchoolCode, action: `remind the guardians: ${enroll}` };
  if (facts.contractedDoctorCode)
    return {
      actor: "FAMILY_DOCTOR",
      code: facts.contractedDoctorCode,
      action: `at the next contact with the family: ${enroll}`,
    };
  return { actor: "INSURANCE_OFFICE", code: residenceArea, action: enroll };
}
