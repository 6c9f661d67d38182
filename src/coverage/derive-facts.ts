import { ageInYears, yearOf, type IsoDate } from "../domain/dates.ts";
import { parseIdNumber } from "../domain/id-number.ts";
import { NEWBORN_STATUS_MAX_AGE_YEARS, type NeedyCategory } from "../domain/insurance-policy.ts";
import type { LinkedRecords } from "./linked-records.ts";
import type { CoverageFacts, EnrollmentFact } from "./types.ts";

/**
 * One child's coverage facts from its linked records, as of a date (the current school, the
 * active family-doctor contract and needy eligibility depend on it; the enrollments do not —
 * `assessCoverage` filters those by date itself). Null when no record gives a birth date,
 * that is, when nothing is linked.
 *
 *   deriveCoverageFacts(records, "2026-06-30") // { birthDate: "2016-05-10", hasIdNumber: true, … }
 */
export function deriveCoverageFacts(records: LinkedRecords, asOf: IsoDate): CoverageFacts | null {
  const birthDate = birthDateOf(records);
  if (birthDate === null) return null;
  const idNumbers = validIdNumbersOf(records);
  const hukouRegionCode = hukouRegionOf(records, idNumbers);
  const school = currentSchoolOf(records.students, asOf);
  return {
    birthDate,
    hasIdNumber: idNumbers.length > 0,
    hukouRegionCode,
    residenceRegionCode: residenceFrom(school, records, hukouRegionCode, birthDate, asOf),
    currentSchoolCode: school?.schoolCode ?? null,
    contractedDoctorCode: contractedDoctorOf(records.doctorContracts, asOf),
    needyCategory: needyCategoryOf(records, idNumbers, asOf),
    enrollments: records.enrollments.map(
      ({
        coverageYear,
        areaCode,
        status,
        enrolledOn,
        paidOn,
        payers,
        contributionFen,
        assistanceFen,
      }): EnrollmentFact => ({
        coverageYear,
        areaCode,
        status,
        enrolledOn,
        paidOn,
        payers,
        contributionFen,
        assistanceFen,
      }),
    ),
  };
}

/**
 * THE residence rule (DESIGN.md, "Coverage status"): where a child lives, for responsibility,
 * statistics, worklists, the row scope's residence facet and the hub's `Child.residenceRegionCode`
 * alike. In order, the first the records give:
 *
 * 1. the region of the school the child is registered at this school year;
 * 2. the region of its residence permit (居住证): a non-local child lives where the permit says,
 *    not where its hukou is;
 * 3. the region of the vaccination site whose file is in use;
 * 4. for a child under one, the place of birth on its birth medical certificate (the issuing
 *    hospital's county: see `birthPlaceOf` for why not the mother's residence);
 * 5. the hukou region (the registry's, else the ID number's);
 * 6. the certificate's place of birth at any age, when no hukou is known either.
 *
 * Null when none is known: such a child is counted in a "place unknown" group, never dropped.
 *
 *   residenceRegionOf(records, "2026-06-30") // "330106"
 */
export function residenceRegionOf(records: LinkedRecords, asOf: IsoDate): string | null {
  const hukouRegionCode = hukouRegionOf(records, validIdNumbersOf(records));
  return residenceFrom(currentSchoolOf(records.students, asOf), records, hukouRegionCode, birthDateOf(records), asOf);
}

function residenceFrom(
  school: LinkedRecords["students"][number] | null,
  records: LinkedRecords,
  hukouRegionCode: string | null,
  birthDate: IsoDate | null,
  asOf: IsoDate,
): string | null {
  const newborn = birthDate !== null && birthDate <= asOf && ageInYears(birthDate, asOf) < NEWBORN_STATUS_MAX_AGE_YEARS;
  const birthPlace = birthPlaceOf(records.birthCertificates);
  return (
    school?.schoolRegionCode ??
    permitRegionOf(records.persons) ??
    vaccinationRegionOf(records.immunizations) ??
    (newborn ? birthPlace : null) ??
    hukouRegionCode ??
    birthPlace
  );
}

/**
 * Where the household registry's residence permit (居住证) says the child lives: the region most
 * of its person records give (one, almost always). Null for a child without a permit.
 */
export function permitRegionOf(persons: LinkedRecords["persons"]): string | null {
  return mostCommon(persons.flatMap((p) => (p.permitRegionCode ? [p.permitRegionCode] : [])));
}

/**
 * The place of birth on the child's birth medical certificate: the county of the hospital that
 * issued it. Chosen over the mother's residence because it is what the certificate itself states
 * (出生地点) and every certificate has it; the mother's address is not on the certificate, and her
 * hukou — the only place of hers the departments' records hold — is exactly what a migrant
 * family does not live at. A mother gives birth near where she lives (in the synthetic province
 * at a hospital of her county; in life mostly her county or its prefecture's city), and a newborn
 * is placed this way only until a vaccination file, a permit or a school says better.
 */
export function birthPlaceOf(certificates: LinkedRecords["birthCertificates"]): string | null {
  return mostCommon(certificates.flatMap((c) => (c.birthRegionCode ? [c.birthRegionCode] : [])));
}

/**
 * The birth date most records agree on. Registries copy it from documents, immunization sites
 * and schools sometimes mistype it, so a tie goes to the more authoritative source (household
 * registration, then the birth certificate, insurance, the family doctor, school, immunization).
 *
 *   birthDateOf({ …, persons: [{ birthDate: "2016-05-10", … }], immunizations: [{ birthDate: "2016-10-05", … }] })
 *   // "2016-05-10"
 */
export function birthDateOf(records: LinkedRecords): IsoDate | null {
  const byAuthority = [
    records.persons,
    records.birthCertificates,
    records.enrollments,
    records.doctorContracts,
    records.students,
    records.immunizations,
  ];
  const votes = new Map<IsoDate, number>();
  for (const list of byAuthority) for (const r of list) votes.set(r.birthDate, (votes.get(r.birthDate) ?? 0) + 1);
  let best: IsoDate | null = null;
  // Map keeps insertion order, which is authority order: `>` keeps the first of equals.
  for (const [date, n] of votes) if (best === null || n > votes.get(best)!) best = date;
  return best;
}

/**
 * The valid resident ID numbers the records carry (a `G` student number is `G` + the ID
 * number), most often seen first. A number failing its check character is a clerk's typo, not
 * an ID number: it neither proves the child has one nor says where the hukou is.
 */
export function validIdNumbersOf(records: LinkedRecords): string[] {
  const seen = new Map<string, number>();
  const add = (candidate: string | null) => {
    if (!candidate) return;
    const parsed = parseIdNumber(candidate);
    if (parsed.ok) seen.set(parsed.value.idNumber, (seen.get(parsed.value.idNumber) ?? 0) + 1);
  };
  for (const r of records.persons) add(r.idNumber);
  for (const r of records.enrollments) add(r.idNumber);
  for (const r of records.students) {
    add(r.idNumber);
    if (r.studentNumber.startsWith("G")) add(r.studentNumber.slice(1));
  }
  for (const r of records.doctorContracts) add(r.idNumber);
  for (const r of records.immunizations) add(r.idNumber);
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

/**
 * The hukou region: the household registry's, else the region the ID number was issued in
 * (issued where the hukou was registered). Null when neither is known — for example a newborn
 * whose hukou is not registered yet.
 */
export function hukouRegionOf(records: LinkedRecords, validIdNumbers: readonly string[]): string | null {
  const registered = mostCommon(records.persons.map((p) => p.hukouRegionCode));
  if (registered) return registered;
  const id = validIdNumbers[0];
  return id ? id.slice(0, 6) : null;
}

/**
 * The school year a date falls in, named by the calendar year it starts in (1 September).
 *
 *   schoolYearOf("2026-06-30") // 2025
 *   schoolYearOf("2026-09-01") // 2026
 */
export function schoolYearOf(asOf: IsoDate): number {
  return Number(asOf.slice(5, 7)) >= 9 ? yearOf(asOf) : yearOf(asOf) - 1;
}

/**
 * The student's current registration: ENROLLED for the school year of `asOf`. A transferred
 * student's old registration (TRANSFERRED_OUT) or last year's (GRADUATED, or a stale school
 * year) does not place the child at a school now.
 */
export function currentSchoolOf<S extends LinkedRecords["students"][number]>(
  students: readonly S[],
  asOf: IsoDate,
): S | null {
  const year = schoolYearOf(asOf);
  const current = students.filter((s) => s.status === "ENROLLED" && s.schoolYear === year);
  return current.sort((a, b) => a.schoolCode.localeCompare(b.schoolCode))[0] ?? null;
}

/**
 * The region of the vaccination site the child is seen at now. A child who moved has a file at
 * each site; the file with the latest dose is the one still in use. Null when there is no file,
 * or when files at different regions tie (no dose to tell them apart): a guess would send an
 * office after the wrong family.
 *
 *   vaccinationRegionOf([
 *     { siteRegionCode: "330106", lastDoseOn: "2020-03-01", … },
 *     { siteRegionCode: "330212", lastDoseOn: "2021-09-01", … },
 *   ]) // "330212"
 */
export function vaccinationRegionOf(files: LinkedRecords["immunizations"]): string | null {
  const withRegion = files.filter((f) => f.siteRegionCode !== null);
  if (withRegion.length === 0) return null;
  const latest = withRegion.reduce<IsoDate | null>(
    (max, f) => (f.lastDoseOn !== null && (max === null || f.lastDoseOn > max) ? f.lastDoseOn : max),
    null,
  );
  const regions = new Set(withRegion.filter((f) => f.lastDoseOn === latest).map((f) => f.siteRegionCode));
  return regions.size === 1 ? [...regions][0]! : null;
}

/** The doctor of a contract in force on `asOf` (the latest signed, if several). */
export function contractedDoctorOf(contracts: LinkedRecords["doctorContracts"], asOf: IsoDate): string | null {
  const inForce = contracts.filter((c) => c.status === "ACTIVE" && c.signedOn <= asOf && asOf <= c.validUntil);
  return inForce.sort((a, b) => b.signedOn.localeCompare(a.signedOn))[0]?.doctorCode ?? null;
}

/**
 * The child's needy category on `asOf`: civil affairs' eligibility under one of the child's
 * valid ID numbers, in force on the date; else the category medical assistance paid the
 * contribution under, this coverage year or the last (eligibility is reviewed yearly). A
 * newborn without an ID number is known to be needy only through the second.
 */
export function needyCategoryOf(
  records: LinkedRecords,
  validIdNumbers: readonly string[],
  asOf: IsoDate,
): NeedyCategory | null {
  const ids = new Set(validIdNumbers);
  const eligible = records.assistance
    .filter((a) => ids.has(a.idNumber) && a.validFrom <= asOf && (a.validUntil === null || asOf <= a.validUntil))
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
  if (eligible) return eligible.needyCategory;
  const year = yearOf(asOf);
  const paidUnder = records.enrollments
    .filter(
      (e) =>
        e.coverageYear >= year - 1 &&
        e.coverageYear <= year &&
        e.enrolledOn <= asOf &&
        e.paidOn !== null &&
        e.paidOn <= asOf,
    )
    .sort((a, b) => b.coverageYear - a.coverageYear)
    .flatMap((e) => e.assistanceCategories);
  return paidUnder[0] ?? null;
}

function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}
