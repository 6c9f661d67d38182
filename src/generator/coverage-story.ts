import { addDays, ageInYears, daysBetween, type IsoDate } from "../domain/dates.ts";
import {
  COMPULSORY_SCHOOL_AGES,
  NEWBORN_STATUS_MAX_AGE_YEARS,
  NEWBORN_WINDOW_DAYS_DEFAULT,
} from "../domain/insurance-policy.ts";
import type { EnrollmentStatus, PayerKind } from "../db/enums.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";
import { areaOf, isInDemoProvince, type TrueChild } from "./family.ts";
import { countyCodesOf, type County } from "./geography.ts";
import type { Random } from "./random.ts";

/** The coverage statuses of the design, as the generator knows them to be true. */
export const TRUE_STATUSES = [
  "INSURED",
  "NEWBORN_IN_WINDOW",
  "NEWBORN_OVERDUE",
  "LAPSED",
  "UNINSURED",
  "DUPLICATE",
] as const;
export type TrueStatus = (typeof TRUE_STATUSES)[number];

/**
 * Facts behind a gap, as the generator knows them (whether or not the child has a gap), stated
 * as far as the departments' records can tell them (see `RecordedFacts`):
 * - NO_ID_NUMBER: no department record carries the child's resident ID number (usually: hukou
 *   not registered yet)
 * - NON_LOCAL_HUKOU: the hukou, as the records show it, is outside the province
 * - NEEDY_WITHOUT_SUBSIDY: a child the records show needy whose contribution for the coverage
 *   year was not paid by medical assistance (paid by someone else, or not paid at all)
 * - ENROLLED_OUTSIDE_RESIDENCE: an active, paid enrollment for the year in an area other than
 *   the coordination area of the residence the records show
 * - UNPAID_ENROLLMENT: enrolled for the year but the contribution is not paid
 * - NO_SCHOOL_RECORD: aged 6–15 (compulsory education) with no current school registration
 */
export const TRUE_REASONS = [
  "NO_ID_NUMBER",
  "NON_LOCAL_HUKOU",
  "NEEDY_WITHOUT_SUBSIDY",
  "ENROLLED_OUTSIDE_RESIDENCE",
  "UNPAID_ENROLLMENT",
  "NO_SCHOOL_RECORD",
] as const;
export type TrueReason = (typeof TRUE_REASONS)[number];

export interface StoryContribution {
  amountFen: number;
  payerKind: PayerKind;
  needyCategory: NeedyCategory | null;
  payerIdNumber: string | null;
}

export interface StoryEnrollment {
  coverageYear: number;
  areaCode: string;
  status: EnrollmentStatus;
  enrolledOn: IsoDate;
  paidOn: IsoDate | null;
  contributions: StoryContribution[];
}

export interface CoverageStory {
  enrollments: StoryEnrollment[];
  status: TrueStatus;
}

/** Individual contribution per year, in fen (2024: 380 yuan, 2025: 400 yuan). */
export function annualContributionFen(year: number): number {
  return year <= 2023 ? 38_000 : year === 2024 ? 38_000 : 40_000;
}
const MIN_LIVING_SUBSIDY_FEN = 20_000;

/**
 * Draws the child's insurance history up to `asOf` and derives the true status for the
 * coverage year of `asOf`. Rates are tuned so that overall coverage lands around 92–96% and
 * newborns insured in their year of birth around 75–85%.
 */
export function drawCoverageStory(
  rng: Random,
  child: TrueChild,
  asOf: IsoDate,
  provinceCounties: readonly County[],
): CoverageStory {
  const year = Number(asOf.slice(0, 4));
  const birthYear = Number(child.birthDate.slice(0, 4));
  const residenceArea = areaOf(child.residence.code);
  const hukouArea = areaOf(child.hukouCounty);
  // Non-local children may enroll where they live; some stay insured where their hukou is.
  const homeArea =
    !child.isLocal && rng.chance(0.25)
      ? hukouArea
      : child.hukouCounty !== child.residence.code && rng.chance(0.5)
        ? hukouArea
        : residenceArea;
  const subsidised = child.needyCategory !== null && rng.chance(0.8);
  const enrollments: StoryEnrollment[] = [];
  const canEnroll = (on: IsoDate) => child.idNumber !== null || child.birthCertificateNumber !== null || on > asOf;

  const add = (
    coverageYear: number,
    areaCode: string,
    enrolledOn: IsoDate,
    paid: boolean,
    status: EnrollmentStatus = "ACTIVE",
  ) => {
    if (enrolledOn > asOf || enrolledOn < child.birthDate) return;
    const paidOn = paid ? addDays(enrolledOn, rng.int(0, 5)) : null;
    const paidBy = paidOn && paidOn <= asOf ? paidOn : null;
    enrollments.push({
      coverageYear,
      areaCode,
      status,
      enrolledOn,
      paidOn: paidBy,
      contributions: paidBy ? contributionsFor(rng, child, coverageYear, subsidised) : [],
    });
  };
  /** Enrollment for year y happens in the window of the year before (Sep–Dec). */
  const windowDate = (y: number) => addDays(`${y - 1}-09-01`, rng.int(0, 120));

  const age = ageInYears(child.birthDate, asOf);
  if (age === 0) {
    const kind = rng.weighted([
      ["within", 72],
      ["late", 18],
      ["never", 10],
    ] as const);
    if (kind !== "never") {
      const on = addDays(child.birthDate, kind === "within" ? rng.int(1, 88) : rng.int(92, 330));
      if (canEnroll(on)) {
        // Paid within 90 days, a newborn is covered from birth: the enrollment is for the birth
        // year even when it is made in January. A later one covers the year it is made in.
        const coverageYear = kind === "within" ? birthYear : Number(on.slice(0, 4));
        add(coverageYear, residenceArea, on, rng.chance(0.97));
        if (birthYear < year && coverageYear === birthYear && rng.chance(0.9)) {
          add(year, residenceArea, laterOf(addDays(on, 1), windowDate(year)), true);
        }
      }
    }
  } else {
    const story = rng.weighted([
      ["INSURED", 935],
      ["DUPLICATE", 12],
      ["LAPSED", 33],
      ["UNINSURED", 20],
    ] as const);
    if (story !== "UNINSURED") {
      const firstYear = Math.max(birthYear, year - 2);
      const lastPaidYear = story === "LAPSED" ? rng.int(firstYear, year - 1) : year;
      for (let y = firstYear; y <= lastPaidYear; y++) {
        const on = y === birthYear ? addDays(child.birthDate, rng.int(1, 80)) : windowDate(y);
        if (y === birthYear && on.slice(0, 4) !== String(y)) continue;
        // 2% of the insured moved: the old area's enrollment was terminated, a new one opened.
        if (y === year && story === "INSURED" && rng.chance(0.02)) {
          add(y, otherArea(rng, homeArea, provinceCounties), on, true, "TERMINATED");
        }
        add(y, homeArea, on, true);
      }
      if (story === "LAPSED" && rng.chance(0.3)) add(year, homeArea, windowDate(year), false);
      if (story === "DUPLICATE") add(year, otherArea(rng, homeArea, provinceCounties, child), windowDate(year), true);
    }
  }
  return { enrollments, status: statusOf(child, enrollments, asOf) };
}

function laterOf(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

function otherArea(rng: Random, area: string, counties: readonly County[], child?: TrueChild): string {
  if (child && !child.isLocal && areaOf(child.hukouCounty) !== area) return areaOf(child.hukouCounty);
  const candidates = areasOf(counties).filter((a) => a !== area);
  if (candidates.length > 0) return rng.pick(candidates);
  // A province with one city: the duplicate is in a neighbouring province.
  return areaOf(countyCodesOf("340000")[0]!);
}

const areaCache = new WeakMap<readonly County[], string[]>();
function areasOf(counties: readonly County[]): string[] {
  let areas = areaCache.get(counties);
  if (!areas) {
    areas = [...new Set(counties.map((c) => areaOf(c.code)))];
    areaCache.set(counties, areas);
  }
  return areas;
}

function contributionsFor(
  rng: Random,
  child: TrueChild,
  coverageYear: number,
  subsidised: boolean,
): StoryContribution[] {
  const full = annualContributionFen(coverageYear);
  const guardian = child.family.father ?? child.family.mother;
  if (subsidised && child.needyCategory) {
    if (child.needyCategory === "MIN_LIVING") {
      return [
        {
          amountFen: MIN_LIVING_SUBSIDY_FEN,
          payerKind: "MEDICAL_ASSISTANCE",
          needyCategory: "MIN_LIVING",
          payerIdNumber: null,
        },
        { amountFen: full - MIN_LIVING_SUBSIDY_FEN, payerKind: "SELF", needyCategory: null, payerIdNumber: null },
      ];
    }
    return [
      { amountFen: full, payerKind: "MEDICAL_ASSISTANCE", needyCategory: child.needyCategory, payerIdNumber: null },
    ];
  }
  if (rng.chance(0.15))
    return [{ amountFen: full, payerKind: "EMPLOYEE_ACCOUNT", needyCategory: null, payerIdNumber: guardian.idNumber }];
  return [{ amountFen: full, payerKind: "SELF", needyCategory: null, payerIdNumber: null }];
}

/** The true status, from the true enrollment history: the definition the hub must reproduce. */
export function statusOf(child: TrueChild, enrollments: readonly StoryEnrollment[], asOf: IsoDate): TrueStatus {
  const year = Number(asOf.slice(0, 4));
  const insuring = enrollments.filter(
    (e) => e.coverageYear === year && e.status === "ACTIVE" && e.paidOn !== null && e.paidOn <= asOf,
  );
  const areas = new Set(insuring.map((e) => e.areaCode));
  if (areas.size >= 2) return "DUPLICATE";
  if (areas.size === 1) return "INSURED";
  if (enrollments.some((e) => e.coverageYear < year && e.paidOn !== null)) return "LAPSED";
  if (ageInYears(child.birthDate, asOf) < NEWBORN_STATUS_MAX_AGE_YEARS) {
    return daysBetween(child.birthDate, asOf) <= NEWBORN_WINDOW_DAYS_DEFAULT ? "NEWBORN_IN_WINDOW" : "NEWBORN_OVERDUE";
  }
  return "UNINSURED";
}

/**
 * What the departments' records show about a child, as the generator wrote them. The true
 * reasons are stated in these terms because the hub can only ever know what some department
 * wrote down; where the records are silent, the truth does not claim a reason:
 * - an ID number no record carries (a non-local child without a residence permit, enrolled
 *   before the hukou was registered) is, for every department, no ID number yet;
 * - a hukou is known from the household registry or from an ID number on a record (it encodes
 *   the region it was issued in); a newborn without either has no known hukou, so neither
 *   NON_LOCAL_HUKOU nor a hukou-region residence;
 * - a needy child is known to be needy through civil affairs' eligibility (under an ID number a
 *   record carries) or a contribution medical assistance paid under its category, this
 *   coverage year or the last.
 */
export interface RecordedFacts {
  idNumberOnRecord: boolean;
  /** Household registry's hukou, else the ID number's region; null when no record tells. */
  hukouRegion: string | null;
  /** The design's rule: current school's region, else the current vaccination site's, else `hukouRegion`. */
  residenceRegion: string | null;
  needyOnRecord: boolean;
  hasCurrentSchoolRecord: boolean;
}

/** The true reasons, by the definitions of `TRUE_REASONS`, over what the records show. */
export function reasonsOf(
  child: TrueChild,
  story: CoverageStory,
  asOf: IsoDate,
  recorded: RecordedFacts,
): TrueReason[] {
  const year = Number(asOf.slice(0, 4));
  const reasons: TrueReason[] = [];
  const current = story.enrollments.filter((e) => e.coverageYear === year && e.status === "ACTIVE");
  const paid = current.filter((e) => e.paidOn !== null);
  if (!recorded.idNumberOnRecord) reasons.push("NO_ID_NUMBER");
  if (recorded.hukouRegion !== null && !isInDemoProvince(recorded.hukouRegion)) reasons.push("NON_LOCAL_HUKOU");
  if (
    child.needyCategory &&
    recorded.needyOnRecord &&
    !paid.some((e) => e.contributions.some((c) => c.payerKind === "MEDICAL_ASSISTANCE"))
  )
    reasons.push("NEEDY_WITHOUT_SUBSIDY");
  const residenceArea = recorded.residenceRegion === null ? null : areaOf(recorded.residenceRegion);
  if (residenceArea !== null && paid.some((e) => e.areaCode !== residenceArea))
    reasons.push("ENROLLED_OUTSIDE_RESIDENCE");
  if (current.length > 0 && paid.length === 0) reasons.push("UNPAID_ENROLLMENT");
  const age = ageInYears(child.birthDate, asOf);
  if (age >= COMPULSORY_SCHOOL_AGES.min && age <= COMPULSORY_SCHOOL_AGES.max && !recorded.hasCurrentSchoolRecord)
    reasons.push("NO_SCHOOL_RECORD");
  return reasons;
}

/**
 * Whether medical assistance paid a contribution under a needy category for this coverage year
 * or the last, by `asOf`: the second way a needy child shows in the records.
 */
export function assistancePaidRecently(story: CoverageStory, asOf: IsoDate): boolean {
  const year = Number(asOf.slice(0, 4));
  return story.enrollments.some(
    (e) =>
      e.coverageYear >= year - 1 &&
      e.coverageYear <= year &&
      e.paidOn !== null &&
      e.paidOn <= asOf &&
      e.contributions.some((c) => c.payerKind === "MEDICAL_ASSISTANCE" && c.needyCategory !== null),
  );
}
