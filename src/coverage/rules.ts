import { addDays, ageInYears, daysBetween, yearOf, type IsoDate } from "../domain/dates.ts";
import { prefectureOf, provinceOf } from "../domain/division-codes.ts";
import {
  CHILD_MAX_AGE_EXCLUSIVE,
  COMPULSORY_SCHOOL_AGES,
  NEWBORN_CODE_WINDOW_DAYS,
  NEWBORN_STATUS_MAX_AGE_YEARS,
  needyCategoryLabels,
  waitingPeriodMonths,
} from "../domain/insurance-policy.ts";
import {
  GAP_REASONS,
  isGap,
  REASON_PRIORITY,
  REASON_TAXONOMY,
  type CoverageStatus,
  type GapReason,
} from "../domain/coverage-terms.ts";
import type { NeedySubsidySetting } from "../domain/policy-settings.ts";
import type { CoverageAssessment, CoverageFacts, CoveragePolicy, EnrollmentFact } from "./types.ts";

/**
 * A child's coverage as of a date, for that date's coverage (calendar) year. Returns null for
 * someone who is not a child on that date (not yet born, or 18 or older).
 *
 *   assessCoverage(facts, "2026-06-30", policy)
 *   // { status: "NEWBORN_IN_WINDOW", reasons: ["NEVER_ENROLLED", "NEWBORN_NOT_REGISTERED"],
 *   //   deadline: "2026-07-14", daysLeft: 14, … }
 *
 * Only what had happened by `asOf` counts: an enrollment made later does not exist yet, a
 * contribution paid later is unpaid — so a department can see the picture at the end of a past
 * year. Every parameter is the province's setting in force (`policy.settings`) for the child's
 * coordination area: the newborn window on the birth date, the rest on `asOf`.
 */
export function assessCoverage(facts: CoverageFacts, asOf: IsoDate, policy: CoveragePolicy): CoverageAssessment | null {
  if (facts.birthDate > asOf) return null;
  const age = ageInYears(facts.birthDate, asOf);
  if (age >= CHILD_MAX_AGE_EXCLUSIVE) return null;
  const child = childOf(facts, asOf, policy);
  const status = statusOf(child.known, child.year, age, daysBetween(facts.birthDate, asOf), child.windowDays);
  const reasons = reasonsOf(child, status, age);
  const isNewbornGap = status === "NEWBORN_IN_WINDOW" || status === "NEWBORN_OVERDUE";
  const deadline = isNewbornGap ? addDays(facts.birthDate, child.windowDays) : null;
  const waiting = waitingFor(child, status, age);
  return {
    status,
    coverageYear: child.year,
    reasons,
    deadline,
    daysLeft: deadline ? daysBetween(asOf, deadline) : null,
    codeWindowEndsOn: age < NEWBORN_STATUS_MAX_AGE_YEARS ? addDays(facts.birthDate, NEWBORN_CODE_WINDOW_DAYS) : null,
    waitingPeriodMonths: waiting,
    responsible: responsibleFor(child, status, reasons, deadline, waiting),
  };
}

/** What every rule of one assessment reads: the facts as of the date, and the settings in force. */
interface ChildOnDate {
  facts: CoverageFacts;
  asOf: IsoDate;
  year: number;
  policy: CoveragePolicy;
  /** The enrollments that existed on `asOf`, unpaid where the payment came later. */
  known: readonly EnrollmentFact[];
  /** The coordination area of the residence; null when the child cannot be placed. */
  residenceArea: string | null;
  /** The area whose settings apply: the residence's, else the province's. */
  settingsArea: string;
  windowDays: number;
  subsidy: NeedySubsidySetting | null;
}

/**
 * The coordination area whose settings apply to a child: its residence's, else (a child the
 * records cannot place) the province's.
 */
export function settingsAreaOf(facts: CoverageFacts, policy: CoveragePolicy): string {
  return facts.residenceRegionCode
    ? coordinationAreaOf(facts.residenceRegionCode, policy.areaCodes)
    : provinceOf(policy.provinceCode);
}

function childOf(facts: CoverageFacts, asOf: IsoDate, policy: CoveragePolicy): ChildOnDate {
  const residenceArea = facts.residenceRegionCode
    ? coordinationAreaOf(facts.residenceRegionCode, policy.areaCodes)
    : null;
  const settingsArea = settingsAreaOf(facts, policy);
  return {
    facts,
    asOf,
    year: yearOf(asOf),
    policy,
    known: facts.enrollments
      .filter((e) => e.enrolledOn <= asOf)
      .map((e) => (e.paidOn !== null && e.paidOn > asOf ? { ...e, paidOn: null } : e)),
    residenceArea,
    settingsArea,
    windowDays: policy.settings.newbornWindowDays(facts.birthDate, settingsArea),
    subsidy: facts.needyCategory ? policy.settings.needySubsidy(facts.needyCategory, asOf, settingsArea) : null,
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

/**
 * Why the coverage year is not insured: exactly one cause for every status but INSURED
 * (REASON_TAXONOMY, kind "cause").
 */
export function causeOf(
  status: CoverageStatus,
  enrollments: readonly EnrollmentFact[],
  year: number,
): GapReason | null {
  if (status === "INSURED") return null;
  if (status === "DUPLICATE") return "DUPLICATE_ENROLLMENT";
  const thisYear = enrollments.filter((e) => e.coverageYear === year);
  if (thisYear.some((e) => e.status === "ACTIVE" && e.paidOn === null)) return "UNPAID_ENROLLMENT";
  // Any ACTIVE, paid one would insure: what is left was suspended or terminated.
  if (thisYear.length > 0) return "ENROLLMENT_ENDED";
  if (enrollments.some((e) => e.coverageYear < year && e.paidOn !== null)) return "NOT_RENEWED";
  return "NEVER_ENROLLED";
}

/** The child's reasons, in the taxonomy's order (GAP_REASONS). */
function reasonsOf(child: ChildOnDate, status: CoverageStatus, age: number): GapReason[] {
  const { facts, known, year, policy, residenceArea } = child;
  const reasons = new Set<GapReason>();
  const cause = causeOf(status, known, year);
  if (cause) reasons.add(cause);
  const paid = insuring(known, year);
  if (facts.needyCategory && child.subsidy && child.subsidy.kind !== "NONE") {
    const subsidised = paid.filter((e) => e.payers.includes("MEDICAL_ASSISTANCE"));
    if (subsidised.length === 0) reasons.add("NEEDY_WITHOUT_SUBSIDY");
    else if (!subsidised.some((e) => e.assistanceFen >= subsidyDue(child.subsidy!, e)))
      reasons.add("SUBSIDY_BELOW_SETTING");
  }
  if (!facts.hasIdNumber) reasons.add(age < NEWBORN_STATUS_MAX_AGE_YEARS ? "NEWBORN_NOT_REGISTERED" : "NO_ID_NUMBER");
  const province = provinceOf(policy.provinceCode);
  if (facts.hukouRegionCode && provinceOf(facts.hukouRegionCode) !== province) reasons.add("NON_LOCAL_HUKOU");
  if (paid.some((e) => provinceOf(e.areaCode) !== province)) reasons.add("ENROLLED_OUT_OF_PROVINCE");
  if (residenceArea && paid.some((e) => provinceOf(e.areaCode) === province && e.areaCode !== residenceArea))
    reasons.add("ENROLLED_OUTSIDE_RESIDENCE");
  if (age >= COMPULSORY_SCHOOL_AGES.min && age <= COMPULSORY_SCHOOL_AGES.max && facts.currentSchoolCode === null)
    reasons.add("NO_SCHOOL_RECORD");
  return GAP_REASONS.filter((r) => reasons.has(r));
}

/** The subsidy medical assistance owes on an enrollment: all of it, or the fixed amount (never more than all). */
function subsidyDue(setting: NeedySubsidySetting, e: EnrollmentFact): number {
  switch (setting.kind) {
    case "FULL":
      return e.contributionFen;
    case "FIXED":
      return Math.min(setting.amountFen ?? 0, e.contributionFen);
    case "NONE":
      return 0;
    default: {
      const _: never = setting.kind;
      return _;
    }
  }
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

/**
 * Months the child would wait if it paid now for this coverage year (国办发〔2024〕38号, read
 * through the WAITING_PERIOD setting in force; README, "Policy settings"). Null when insured;
 * 0 before the rule (2025), for exempt newborns and (if the province says so) needy children,
 * and in the collection period for a child without a lapse.
 *
 * Lapsed years are the coverage years missed between the last one paid in time (by the year's
 * end; a newborn's birth year also within its window) and this one; a lapsed year paid for
 * later is a repaired one. A child never insured has no lapse (FIXED_ONLY: it waits the fixed
 * months unless it enrolls in the collection period) or, if the province chose
 * LAPSED_SINCE_BIRTH, one per year since its birth year.
 */
function waitingFor(child: ChildOnDate, status: CoverageStatus, age: number): number | null {
  if (status === "INSURED" || status === "DUPLICATE") return null;
  const { facts, asOf, year, known, settingsArea, policy } = child;
  const rule = policy.settings.waitingPeriod(asOf, settingsArea);
  if (!rule) return 0;
  const newborn =
    rule.newbornExemption === "FIRST_YEAR"
      ? age < NEWBORN_STATUS_MAX_AGE_YEARS
      : daysBetween(facts.birthDate, asOf) <= child.windowDays;
  if (newborn || (rule.needyExempt && facts.needyCategory !== null)) return 0;
  const birthYear = yearOf(facts.birthDate);
  const birthDeadline = addDays(facts.birthDate, child.windowDays);
  const inTime = (e: EnrollmentFact) =>
    e.paidOn !== null &&
    (e.paidOn <= `${e.coverageYear}-12-31` || (e.coverageYear === birthYear && e.paidOn <= birthDeadline));
  const paidInTime = known.filter((e) => e.coverageYear < year && inTime(e)).map((e) => e.coverageYear);
  const lastInTime = paidInTime.length > 0 ? Math.max(...paidInTime) : null;
  const firstMissed = lastInTime !== null ? lastInTime + 1 : rule.neverInsured === "FIXED_ONLY" ? year : birthYear + 1;
  const missed: number[] = [];
  for (let y = Math.max(firstMissed, rule.lapsesCountFrom ?? firstMissed); y < year; y++) missed.push(y);
  const repaired = missed.filter((y) => known.some((e) => e.coverageYear === y && e.paidOn !== null)).length;
  const period = policy.settings.collectionPeriod(year, settingsArea);
  return waitingPeriodMonths(
    {
      lapsedYears: missed.length,
      repairedYears: repaired,
      inCollectionPeriod: period.opensOn <= asOf && asOf <= period.closesOn,
    },
    rule,
  );
}

/**
 * Who should act on a gap, and how: the actor of the child's leading reason (REASON_PRIORITY),
 * the child's contact point — its school, else its family doctor, else the insurance office of
 * its residence area — for a reason whose actor is CONTACT. Null when there is no gap.
 */
function responsibleFor(
  child: ChildOnDate,
  status: CoverageStatus,
  reasons: readonly GapReason[],
  deadline: IsoDate | null,
  waiting: number | null,
): CoverageAssessment["responsible"] {
  if (!isGap(status, reasons)) return null;
  const { facts, residenceArea, year, known } = child;
  const lead = REASON_PRIORITY.find((r) => reasons.includes(r))!;
  const office = (action: string) => ({ actor: "INSURANCE_OFFICE" as const, code: residenceArea, action });
  switch (lead) {
    case "DUPLICATE_ENROLLMENT": {
      const areas = [...new Set(insuring(known, year).map((e) => e.areaCode))].sort();
      return office(`cancel the duplicate enrollment: insured for ${year} in areas ${areas.join(" and ")}`);
    }
    case "NEEDY_WITHOUT_SUBSIDY":
    case "SUBSIDY_BELOW_SETTING":
      return { actor: "MEDICAL_ASSISTANCE", code: residenceArea, action: assistanceAction(child, status, lead) };
    case "NO_ID_NUMBER":
      return {
        actor: "HOUSEHOLD_REGISTRATION",
        code: facts.hukouRegionCode ?? facts.residenceRegionCode,
        action: REASON_TAXONOMY.NO_ID_NUMBER.action,
      };
    case "ENROLLMENT_ENDED":
      return office(
        `re-enroll the child${residenceArea ? ` in area ${residenceArea}` : ""}: its ${year} enrollment ended`,
      );
    default: {
      const action = enrollAction(lead, status, reasons, deadline, waiting);
      if (facts.currentSchoolCode)
        return { actor: "SCHOOL", code: facts.currentSchoolCode, action: `remind the guardians: ${action}` };
      if (facts.contractedDoctorCode)
        return {
          actor: "FAMILY_DOCTOR",
          code: facts.contractedDoctorCode,
          action: `at the next contact with the family: ${action}`,
        };
      return office(action);
    }
  }
}

/** What the family should do for a cause led by the contact point, with what the circumstances add. */
function enrollAction(
  lead: GapReason,
  status: CoverageStatus,
  reasons: readonly GapReason[],
  deadline: IsoDate | null,
  waiting: number | null,
): string {
  const wait = waiting ? ` (benefits start ${waiting} months after paying)` : "";
  let action =
    lead === "UNPAID_ENROLLMENT"
      ? `pay the contribution for this year's enrollment${wait}`
      : status === "NEWBORN_IN_WINDOW"
        ? `enroll and pay by ${deadline} to be covered from birth`
        : status === "NEWBORN_OVERDUE"
          ? `enroll and pay now: the newborn window ended on ${deadline}`
          : lead === "NOT_RENEWED"
            ? `renew the enrollment for this year${wait}`
            : `enroll the child in resident medical insurance for this year${wait}`;
  if (reasons.includes("NEWBORN_NOT_REGISTERED")) action += "; on the birth medical certificate, no ID number needed";
  if (reasons.includes("NON_LOCAL_HUKOU")) action += "; a non-local child may enroll where it lives or studies";
  return action;
}

function assistanceAction(child: ChildOnDate, status: CoverageStatus, lead: GapReason): string {
  const category = child.facts.needyCategory!;
  const who = `the ${category} (${needyCategoryLabels[category]}) child`;
  const subsidy = child.subsidy!;
  const yuan = `${(subsidy.amountFen ?? 0) / 100} yuan`;
  const due = subsidy.kind === "FULL" ? "the whole contribution" : yuan;
  if (lead === "SUBSIDY_BELOW_SETTING")
    return `top up the medical-assistance subsidy of ${who} to ${due} (the province's setting)`;
  const owed = subsidy.kind === "FULL" ? "the whole contribution" : `${yuan} of the contribution`;
  return status === "INSURED"
    ? `pay ${owed} of ${who} from medical assistance`
    : `enroll ${who} and pay ${owed} from medical assistance`;
}
