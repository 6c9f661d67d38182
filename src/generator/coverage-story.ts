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
 * as far as the departments' records can tell them (see `RecordedFacts`). The names are the
 * API's words for them (issue 19's taxonomy); the definitions are the generator's own:
 *
 * Why the coverage year is not insured — exactly one for every status but INSURED:
 * - DUPLICATE_ENROLLMENT: insured (active, paid) for the year in two or more areas
 * - UNPAID_ENROLLMENT: an active enrollment for the year, not paid
 * - ENROLLMENT_ENDED: enrolled for the year, but every such enrollment was terminated or suspended
 * - NOT_RENEWED: paid in an earlier year, nothing for this one
 * - NEVER_ENROLLED: nothing for this year, and never paid for any year
 * What an insured child is still owed — a gap on its own:
 * - NEEDY_WITHOUT_SUBSIDY: a child the records show needy, not insured by an enrollment medical
 *   assistance paid for (paid by someone else, or not insured at all)
 * - SUBSIDY_BELOW_SETTING: medical assistance paid, but less than the province's subsidy for the
 *   category (`SUBSIDY_DUE`: the whole contribution, or a fixed amount)
 * Circumstances, on any child:
 * - NO_ID_NUMBER: one year old or more, and no department record carries its resident ID number
 * - NEWBORN_NOT_REGISTERED: under one, and no record carries its ID number yet
 * - NON_LOCAL_HUKOU: the hukou, as the records show it, is outside the province
 * - ENROLLED_OUTSIDE_RESIDENCE: insured for the year in another area of the province than the
 *   coordination area of the residence the records show
 * - ENROLLED_OUT_OF_PROVINCE: insured for the year in an area of another province
 * - NO_SCHOOL_RECORD: aged 6–15 (compulsory education) with no current school registration
 */
export const TRUE_REASONS = [
  "DUPLICATE_ENROLLMENT",
  "NEVER_ENROLLED",
  "NOT_RENEWED",
  "UNPAID_ENROLLMENT",
  "ENROLLMENT_ENDED",
  "NEEDY_WITHOUT_SUBSIDY",
  "SUBSIDY_BELOW_SETTING",
  "NO_ID_NUMBER",
  "NEWBORN_NOT_REGISTERED",
  "NON_LOCAL_HUKOU",
  "ENROLLED_OUTSIDE_RESIDENCE",
  "ENROLLED_OUT_OF_PROVINCE",
  "NO_SCHOOL_RECORD",
] as const;
export type TrueReason = (typeof TRUE_REASONS)[number];

/**
 * What medical assistance owes a needy child of each category, in the synthetic province:
 * the whole individual contribution ("FULL": 特困 by the national rule, and orphans), or a fixed
 * amount in fen (低保 and disabled children: 200 yuan). The hub's built-in settings say the same;
 * the generator states it on its own.
 */
export const SUBSIDY_DUE: Readonly<Record<NeedyCategory, "FULL" | number>> = {
  EXTREMELY_POOR: "FULL",
  ORPHAN: "FULL",
  MIN_LIVING: 20_000,
  DISABLED: 20_000,
};

/** How a needy family's contributions are paid: as owed, short of it, or not by medical assistance at all. */
type Subsidy = "owed" | "short" | "none";

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

/**
 * Draws the child's insurance history up to `asOf` and derives the true status for the
 * coverage year of `asOf`. Rates are tuned so that overall coverage lands around 92–96% and
 * newborns insured in their year of birth around 75–85%. Of the children past their first year,
 * about 3% lapsed (the last year paid 1 to 5 years back, the short lapses commonest), 2% were
 * never insured, 0.3% had this year's enrollment ended without a new one; of needy children
 * about 72% are subsidised as owed, 8% below it, 20% not by medical assistance at all.
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
  const subsidy: Subsidy =
    child.needyCategory === null
      ? "none"
      : rng.weighted([
          ["owed", 72],
          ["short", 8],
          ["none", 20],
        ] as const);
  const enrollments: StoryEnrollment[] = [];
  const canEnroll = (on: IsoDate) => child.idNumber !== null || child.birthCertificateNumber !== null || on > asOf;

  const add: AddEnrollment = (coverageYear, areaCode, enrolledOn, paid, status = "ACTIVE") => {
    if (enrolledOn > asOf || enrolledOn < child.birthDate) return;
    const paidOn = paid ? addDays(enrolledOn, rng.int(0, 5)) : null;
    const paidBy = paidOn && paidOn <= asOf ? paidOn : null;
    enrollments.push({
      coverageYear,
      areaCode,
      status,
      enrolledOn,
      paidOn: paidBy,
      contributions: paidBy ? contributionsFor(rng, child, coverageYear, subsidy) : [],
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
    drawOlderChildHistory(rng, { child, year, birthYear, homeArea, provinceCounties, add, windowDate });
  }
  return { enrollments, status: statusOf(child, enrollments, asOf) };
}

type AddEnrollment = (
  coverageYear: number,
  areaCode: string,
  enrolledOn: IsoDate,
  paid: boolean,
  status?: EnrollmentStatus,
) => void;

/** The history of a child past its first year: insured, twice insured, lapsed, ended or never insured. */
function drawOlderChildHistory(
  rng: Random,
  c: {
    child: TrueChild;
    year: number;
    birthYear: number;
    homeArea: string;
    provinceCounties: readonly County[];
    add: AddEnrollment;
    windowDate: (y: number) => IsoDate;
  },
): void {
  const { year, birthYear, homeArea, add, windowDate } = c;
  const story = rng.weighted([
    ["INSURED", 935],
    ["DUPLICATE", 12],
    ["LAPSED", 32],
    ["ENDED", 3],
    ["UNINSURED", 18],
  ] as const);
  if (story === "UNINSURED") {
    // A fifth of the never insured enrolled this year but never paid.
    if (rng.chance(0.2)) add(year, homeArea, windowDate(year), false);
    return;
  }
  // A lapse of L years: insured last for year − L (1 to 5 years back, never before birth).
  const lapse =
    story === "LAPSED"
      ? Math.min(
          year - birthYear,
          rng.weighted([
            [1, 45],
            [2, 25],
            [3, 15],
            [4, 9],
            [5, 6],
          ] as const),
        )
      : 0;
  const lastPaidYear = year - lapse;
  const firstYear = Math.max(birthYear, lastPaidYear - 2);
  for (let y = firstYear; y <= lastPaidYear; y++) {
    const on = y === birthYear ? addDays(c.child.birthDate, rng.int(1, 80)) : windowDate(y);
    if (y === birthYear && on.slice(0, 4) !== String(y)) continue;
    // 2% of the insured moved: the old area's enrollment was terminated, a new one opened. The
    // ENDED moved without opening a new one.
    if (y === year && story === "INSURED" && rng.chance(0.02)) {
      add(y, otherArea(rng, homeArea, c.provinceCounties), on, true, "TERMINATED");
    }
    add(y, homeArea, on, true, y === year && story === "ENDED" ? "TERMINATED" : "ACTIVE");
  }
  if (story === "LAPSED" && rng.chance(0.3)) add(year, homeArea, windowDate(year), false);
  if (story === "DUPLICATE") add(year, otherArea(rng, homeArea, c.provinceCounties, c.child), windowDate(year), true);
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

function contributionsFor(rng: Random, child: TrueChild, coverageYear: number, subsidy: Subsidy): StoryContribution[] {
  const full = annualContributionFen(coverageYear);
  const guardian = child.family.father ?? child.family.mother;
  if (child.needyCategory && subsidy !== "none") {
    const due = SUBSIDY_DUE[child.needyCategory];
    const owed = due === "FULL" ? full : Math.min(due, full);
    // Short: medical assistance paid half of what it owes; the family paid the rest.
    const assistance = subsidy === "owed" ? owed : Math.floor(owed / 2);
    const paid: StoryContribution[] = [
      {
        amountFen: assistance,
        payerKind: "MEDICAL_ASSISTANCE",
        needyCategory: child.needyCategory,
        payerIdNumber: null,
      },
    ];
    if (assistance < full)
      paid.push({ amountFen: full - assistance, payerKind: "SELF", needyCategory: null, payerIdNumber: null });
    return paid;
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
  /** The design's residence rule over what the records show (`recordedResidence`). */
  residenceRegion: string | null;
  needyOnRecord: boolean;
  hasCurrentSchoolRecord: boolean;
}

/**
 * Where the records place a child, by DESIGN.md's rule as issue 19 completes it: the current
 * school's region, else the residence permit's, else the current vaccination site's, else for a
 * child under one the place of birth on its certificate (the hospital's county), else the hukou
 * region the records show, else the certificate's place of birth at any age. Null when no
 * record places the child.
 */
export function recordedResidence(places: {
  school: string | null;
  permit: string | null;
  vaccinationSite: string | null;
  birthPlace: string | null;
  hukou: string | null;
  underOne: boolean;
}): string | null {
  if (places.school) return places.school;
  if (places.permit) return places.permit;
  if (places.vaccinationSite) return places.vaccinationSite;
  if (places.underOne && places.birthPlace) return places.birthPlace;
  return places.hukou ?? places.birthPlace;
}

/** The true reasons, by the definitions of `TRUE_REASONS`, over what the records show, in that list's order. */
export function reasonsOf(
  child: TrueChild,
  story: CoverageStory,
  asOf: IsoDate,
  recorded: RecordedFacts,
): TrueReason[] {
  const year = Number(asOf.slice(0, 4));
  const age = ageInYears(child.birthDate, asOf);
  const reasons = new Set<TrueReason>();
  const thisYear = story.enrollments.filter((e) => e.coverageYear === year);
  const insuring = thisYear.filter((e) => e.status === "ACTIVE" && e.paidOn !== null);
  if (story.status === "DUPLICATE") reasons.add("DUPLICATE_ENROLLMENT");
  else if (story.status !== "INSURED") {
    if (thisYear.some((e) => e.status === "ACTIVE" && e.paidOn === null)) reasons.add("UNPAID_ENROLLMENT");
    else if (thisYear.length > 0) reasons.add("ENROLLMENT_ENDED");
    else if (story.enrollments.some((e) => e.coverageYear < year && e.paidOn !== null)) reasons.add("NOT_RENEWED");
    else reasons.add("NEVER_ENROLLED");
  }
  if (child.needyCategory && recorded.needyOnRecord) {
    const due = SUBSIDY_DUE[child.needyCategory];
    const assisted = insuring.map((e) => ({
      total: e.contributions.reduce((sum, c) => sum + c.amountFen, 0),
      assistance: e.contributions
        .filter((c) => c.payerKind === "MEDICAL_ASSISTANCE")
        .reduce((sum, c) => sum + c.amountFen, 0),
      byAssistance: e.contributions.some((c) => c.payerKind === "MEDICAL_ASSISTANCE"),
    }));
    const subsidised = assisted.filter((a) => a.byAssistance);
    if (subsidised.length === 0) reasons.add("NEEDY_WITHOUT_SUBSIDY");
    else if (!subsidised.some((a) => a.assistance >= (due === "FULL" ? a.total : Math.min(due, a.total))))
      reasons.add("SUBSIDY_BELOW_SETTING");
  }
  if (!recorded.idNumberOnRecord)
    reasons.add(age < NEWBORN_STATUS_MAX_AGE_YEARS ? "NEWBORN_NOT_REGISTERED" : "NO_ID_NUMBER");
  if (recorded.hukouRegion !== null && !isInDemoProvince(recorded.hukouRegion)) reasons.add("NON_LOCAL_HUKOU");
  if (insuring.some((e) => !isInDemoProvince(e.areaCode))) reasons.add("ENROLLED_OUT_OF_PROVINCE");
  const residenceArea = recorded.residenceRegion === null ? null : areaOf(recorded.residenceRegion);
  if (residenceArea !== null && insuring.some((e) => isInDemoProvince(e.areaCode) && e.areaCode !== residenceArea))
    reasons.add("ENROLLED_OUTSIDE_RESIDENCE");
  if (age >= COMPULSORY_SCHOOL_AGES.min && age <= COMPULSORY_SCHOOL_AGES.max && !recorded.hasCurrentSchoolRecord)
    reasons.add("NO_SCHOOL_RECORD");
  return TRUE_REASONS.filter((r) => reasons.has(r));
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
