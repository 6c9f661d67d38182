import { addDays, ageInYears, type IsoDate } from "../domain/dates.ts";
import { makeIdNumber } from "../domain/id-number.ts";
import type { SourceKind } from "../db/enums.ts";
import * as t from "../db/schema.ts";
import {
  assistancePaidRecently,
  drawCoverageStory,
  reasonsOf,
  type CoverageStory,
  type RecordedFacts,
} from "./coverage-story.ts";
import type { Family, TrueChild } from "./family.ts";
import { SCHOOL_AGES, type Institution, type ProvinceLayout, type School } from "./geography.ts";
import { placeholderName, transcriptionVariant } from "./names.ts";
import type { Random } from "./random.ts";
import { truthChildren, truthRecords } from "./truth.tables.ts";

/** Rows for every table, accumulated for one chunk of families and then written in batches. */
export interface ProvinceRows {
  households: (typeof t.households.$inferInsert)[];
  persons: (typeof t.persons.$inferInsert)[];
  guardianships: (typeof t.guardianships.$inferInsert)[];
  birthCertificates: (typeof t.birthCertificates.$inferInsert)[];
  immunizationRecords: (typeof t.immunizationRecords.$inferInsert)[];
  immunizationDoses: (typeof t.immunizationDoses.$inferInsert)[];
  doctorContracts: (typeof t.doctorContracts.$inferInsert)[];
  studentRegistrations: (typeof t.studentRegistrations.$inferInsert)[];
  enrollments: (typeof t.enrollments.$inferInsert)[];
  contributions: (typeof t.contributions.$inferInsert)[];
  assistanceEligibility: (typeof t.assistanceEligibility.$inferInsert)[];
  truthChildren: (typeof truthChildren.$inferInsert)[];
  truthRecords: (typeof truthRecords.$inferInsert)[];
}

export function emptyRows(): ProvinceRows {
  return {
    households: [],
    persons: [],
    guardianships: [],
    birthCertificates: [],
    immunizationRecords: [],
    immunizationDoses: [],
    doctorContracts: [],
    studentRegistrations: [],
    enrollments: [],
    contributions: [],
    assistanceEligibility: [],
    truthChildren: [],
    truthRecords: [],
  };
}

/** Per-department record id counters: each department numbers its own records. */
export class RecordIds {
  private readonly counters = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${String(n).padStart(8, "0")}`;
  }
}

const VACCINES: readonly (readonly [string, string, number])[] = [
  // code, name, age in days the dose is given at
  ["HepB", "乙肝疫苗", 0],
  ["BCG", "卡介苗", 0],
  ["HepB", "乙肝疫苗", 30],
  ["IPV", "脊灰灭活疫苗", 60],
  ["DTaP", "百白破疫苗", 90],
  ["MMR", "麻腮风疫苗", 240],
  ["JE", "乙脑减毒活疫苗", 240],
  ["HepA", "甲肝减毒活疫苗", 540],
  ["DTaP", "百白破疫苗", 540],
];

export interface ChildContext {
  rng: Random;
  asOf: IsoDate;
  layout: ProvinceLayout;
  ids: RecordIds;
  rows: ProvinceRows;
}

/** Writes a family's department records (with the noise real registries have) and its truth. */
export function writeFamily(ctx: ChildContext, family: Family): void {
  const { rows, ids } = ctx;
  if (family.householdNumber) {
    rows.households.push({
      recordId: ids.next("HH"),
      householdNumber: family.householdNumber,
      regionCode: family.hukouCounty,
      address: `${family.hukouCounty}某街道${ctx.rng.int(1, 300)}号`,
    });
  }
  for (const child of family.children) writeChild(ctx, family, child);
}

function writeChild(ctx: ChildContext, family: Family, child: TrueChild): void {
  const { rng, asOf, rows, ids, layout } = ctx;
  const truth: { source: SourceKind; recordId: string }[] = [];
  const link = (source: SourceKind, recordId: string) => {
    truth.push({ source, recordId });
    return recordId;
  };
  const age = ageInYears(child.birthDate, asOf);
  const surnameLength = child.surname.length;
  const guardian = rng.chance(0.7) || !family.father ? family.mother : family.father;
  const noisyName = (p: number) => (rng.chance(p) ? transcriptionVariant(rng, child.name, surnameLength) : child.name);
  // Whether some record carries the child's real ID number (a `G` student number does too): what
  // the truth's NO_ID_NUMBER and known hukou rest on (see RecordedFacts).
  let idNumberOnRecord = false;
  const carries = <T extends string | null>(value: T): T => {
    if (child.idNumber !== null && (value === child.idNumber || value === `G${child.idNumber}`))
      idNumberOnRecord = true;
    return value;
  };

  let personWritten = false;
  // Household registration: local children once registered; non-local ones through a residence permit.
  if (child.idNumber && (child.isLocal || rng.chance(0.55))) {
    personWritten = true;
    const personId = link("household.person", ids.next("HP"));
    rows.persons.push({
      recordId: personId,
      idNumber: carries(child.idNumber),
      name: child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      registrationKind: child.isLocal ? "LOCAL_HUKOU" : "RESIDENCE_PERMIT",
      hukouRegionCode: child.hukouCounty,
      hukouAddress: `${child.hukouCounty}某街道${rng.int(1, 300)}号`,
      residenceRegionCode: child.isLocal ? null : child.residence.code,
      residencePermitNumber: child.isLocal ? null : `JZ${child.residence.code}${rng.digits(8)}`,
      householdNumber: family.householdNumber,
    });
    for (const [parent, relation] of [
      [family.father, "FATHER"],
      [family.mother, "MOTHER"],
    ] as const) {
      if (!parent || (parent === family.father && rng.chance(0.1))) continue;
      rows.guardianships.push({
        recordId: ids.next("HG"),
        childRecordId: personId,
        relation,
        guardianName: parent.name,
        guardianIdNumber: parent.idNumber,
        guardianPhone: rng.chance(0.85) ? parent.phone : null,
      });
    }
  }

  // Birth medical certificate, for children born in the province.
  if (child.birthCertificateNumber) {
    const hospital = rng.pick(layout.hospitals.get(child.residence.code)!);
    const newbornAtIssue = rng.chance(age === 0 ? 0.4 : 0.1);
    rows.birthCertificates.push({
      recordId: link("health.birth_certificate", ids.next("BC")),
      certificateNumber: child.birthCertificateNumber,
      childName: newbornAtIssue
        ? rng.chance(0.75)
          ? placeholderName(rng, child.surname, child.sex)
          : null
        : child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      motherName: family.mother.name,
      motherIdNumber: rng.chance(0.95) ? family.mother.idNumber : null,
      fatherName: family.father?.name ?? null,
      fatherIdNumber: family.father && rng.chance(0.8) ? family.father.idNumber : null,
      guardianPhone: rng.chance(0.85) ? family.mother.phone : null,
      hospitalCode: hospital.code,
      regionCode: hospital.regionCode,
      issuedOn: minDate(addDays(child.birthDate, rng.int(0, 3)), asOf),
    });
  }

  // Immunization file at a site where the child lives.
  let siteCode: string | null = null;
  let siteRegion: string | null = null;
  if (age <= 14 && rng.chance(child.bornInProvince ? 0.96 : 0.75)) {
    const site = rng.pick(layout.sites.get(child.residence.code)!);
    siteCode = site.code;
    siteRegion = site.regionCode;
    // Moved house (3%): the first file stays at a site where the family lived before; the file
    // at today's site was opened with the first dose given there, so its latest dose is later
    // than any in the old file. That dose is how the departments' records tell the current
    // file apart (the file carries no date of its own); without it the move would be invisible.
    const doseDays = [
      ...new Set(VACCINES.map(([, , atDay]) => atDay).filter((atDay) => addDays(child.birthDate, atDay) <= asOf)),
    ];
    const movedOnDay = rng.chance(0.03) && doseDays.length >= 2 ? rng.pick(doseDays.slice(1)) : null;
    const files: { fileSite: Institution; fromDay: number; untilDay: number | null }[] =
      movedOnDay === null
        ? [{ fileSite: site, fromDay: 0, untilDay: null }]
        : [
            { fileSite: rng.pick(layout.allSites), fromDay: 0, untilDay: movedOnDay },
            { fileSite: site, fromDay: movedOnDay, untilDay: null },
          ];
    for (const { fileSite, fromDay, untilDay } of files) {
      const recordId = link("health.immunization_record", ids.next("IM"));
      const young = age === 0 && rng.chance(0.5);
      rows.immunizationRecords.push({
        recordId,
        siteCode: fileSite.code,
        childName: young ? placeholderName(rng, child.surname, child.sex) : noisyName(0.05),
        sex: rng.chance(0.002) ? flip(child.sex) : child.sex,
        birthDate: rng.chance(0.015) ? minDate(dateTypo(rng, child.birthDate), asOf) : child.birthDate,
        idNumber: carries(child.idNumber && rng.chance(0.5) ? child.idNumber : null),
        birthCertificateNumber: child.birthCertificateNumber && rng.chance(0.5) ? child.birthCertificateNumber : null,
        guardianName: guardian.name,
        guardianPhone: rng.chance(0.95) ? guardian.phone : null,
        residenceRegionCode: fileSite.regionCode,
      });
      let opened = false;
      for (const [code, name, atDay] of VACCINES) {
        const givenOn = addDays(child.birthDate, atDay);
        if (givenOn > asOf || atDay < fromDay || (untilDay !== null && atDay >= untilDay)) continue;
        const opening = movedOnDay !== null && fromDay === movedOnDay && !opened;
        if (!opening && rng.chance(0.8)) continue;
        opened = true;
        rows.immunizationDoses.push({
          recordId: ids.next("ID"),
          immunizationRecordId: recordId,
          vaccineCode: code,
          vaccineName: name,
          doseNumber: atDay === 0 || code === "MMR" || code === "JE" || code === "HepA" ? 1 : 2,
          givenOn,
          siteCode: fileSite.code,
        });
      }
    }
  }

  // Family doctor contract: more common for the youngest.
  let doctorCode: string | null = null;
  if (rng.chance(age <= 6 ? 0.4 : 0.2)) {
    const doctor = rng.pick(layout.doctors.get(child.residence.code)!);
    const signedOn = maxDate(child.birthDate, addDays(asOf, -rng.int(0, 700)));
    const validUntil = addDays(signedOn, 365);
    const status = validUntil >= asOf ? "ACTIVE" : "EXPIRED";
    if (status === "ACTIVE") doctorCode = doctor.code;
    rows.doctorContracts.push({
      recordId: link("health.doctor_contract", ids.next("DC")),
      doctorCode: doctor.code,
      patientName: noisyName(0.03),
      patientIdNumber: carries(child.idNumber && rng.chance(0.9) ? child.idNumber : null),
      patientSex: child.sex,
      patientBirthDate: child.birthDate,
      guardianName: guardian.name,
      guardianPhone: guardian.phone,
      signedOn,
      validUntil,
      status,
    });
  }

  // School registration for the current school year (and sometimes last year's, elsewhere).
  let school: School | null = null;
  const schoolYear = Number(asOf.slice(5, 7)) >= 9 ? Number(asOf.slice(0, 4)) : Number(asOf.slice(0, 4)) - 1;
  // Age on 1 September of the school year decides the grade (children born later are not of school age).
  const schoolYearStart = `${schoolYear}-09-01`;
  const schoolAge = child.birthDate <= schoolYearStart ? ageInYears(child.birthDate, schoolYearStart) : -1;
  const kind = schoolKindFor(schoolAge);
  const attends = kind && rng.chance(kind === "KINDERGARTEN" ? 0.85 : schoolAge <= 14 ? 0.99 : 0.92);
  if (kind && attends) {
    school = rng.pick(layout.schools.get(child.residence.code)!.get(kind)!);
    const grade = kind === "KINDERGARTEN" ? schoolAge - 2 : schoolAge - 5;
    const studentNumber = studentNumberFor(rng, child, asOf);
    if (schoolAge >= 7 && rng.chance(0.15)) {
      // Last year's registration; a temporary L number then, promoted to G since.
      const lastKind = schoolKindFor(schoolAge - 1) ?? kind;
      const lastSchool = rng.pick(layout.schools.get(child.residence.code)!.get(lastKind)!);
      const temporary = rng.chance(0.3) && child.idNumber;
      rows.studentRegistrations.push({
        recordId: link("education.student", ids.next("ST")),
        studentNumber: carries(temporary ? lNumber(rng, child) : studentNumber),
        idNumber: carries(temporary ? null : child.idNumber),
        name: noisyName(0.02),
        sex: child.sex,
        birthDate: child.birthDate,
        schoolCode: lastSchool.schoolCode,
        grade: grade - 1,
        className: `${rng.int(1, 8)}班`,
        schoolYear: schoolYear - 1,
        status: lastSchool === school ? "GRADUATED" : "TRANSFERRED_OUT",
        guardianPhone: rng.chance(0.8) ? guardian.phone : null,
      });
    }
    const idTypo = child.idNumber !== null && rng.chance(0.003);
    const dateClash = child.idNumber !== null && !idTypo && rng.chance(0.002);
    rows.studentRegistrations.push({
      recordId: link("education.student", ids.next("ST")),
      studentNumber: carries(studentNumber),
      idNumber: carries(
        child.idNumber && rng.chance(0.96) ? (idTypo ? corruptIdNumber(rng, child.idNumber) : child.idNumber) : null,
      ),
      name: noisyName(0.02),
      sex: child.sex,
      birthDate: dateClash ? addDays(child.birthDate, rng.pick([-1, 1, 31])) : child.birthDate,
      schoolCode: school.schoolCode,
      grade,
      className: `${rng.int(1, 8)}班`,
      schoolYear,
      status: "ENROLLED",
      guardianPhone: rng.chance(0.8) ? guardian.phone : null,
    });
  }

  // Insurance: the true enrollment history, as the insurance system recorded it.
  const story: CoverageStory = drawCoverageStory(rng, child, asOf, layout.counties);
  for (const e of story.enrollments) {
    const recordId = link("insurance.enrollment", ids.next("EN"));
    const hadId =
      child.idNumber !== null && child.hukouRegisteredOn !== null && child.hukouRegisteredOn <= e.enrolledOn;
    rows.enrollments.push({
      recordId,
      idNumber: carries(hadId ? child.idNumber : null),
      birthCertificateNumber: hadId ? null : child.birthCertificateNumber,
      name: hadId ? noisyName(0.01) : child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      areaCode: e.areaCode,
      coverageYear: e.coverageYear,
      insuranceType: "390",
      status: e.status,
      enrolledOn: e.enrolledOn,
      paidOn: e.paidOn,
      benefitStartsOn: e.paidOn ? benefitStart(child.birthDate, e.enrolledOn, e.coverageYear) : null,
    });
    for (const c of e.contributions) {
      rows.contributions.push({
        recordId: ids.next("CO"),
        enrollmentRecordId: recordId,
        coverageYear: e.coverageYear,
        amountFen: c.amountFen,
        payerKind: c.payerKind,
        needyCategory: c.needyCategory,
        payerIdNumber: c.payerIdNumber,
        paidOn: e.paidOn!,
      });
    }
  }
  const eligibilityWritten = child.needyCategory !== null && child.idNumber !== null;
  if (child.needyCategory && child.idNumber) {
    rows.assistanceEligibility.push({
      recordId: ids.next("MA"),
      idNumber: child.idNumber,
      name: child.name,
      needyCategory: child.needyCategory,
      regionCode: child.hukouCounty,
      validFrom: maxDate(child.birthDate, `${Number(asOf.slice(0, 4)) - 1}-01-01`),
      validUntil: null,
    });
  }

  const hukouOnRecord = personWritten || idNumberOnRecord ? child.hukouCounty : null;
  const recorded: RecordedFacts = {
    idNumberOnRecord,
    hukouRegion: hukouOnRecord,
    residenceRegion: school?.regionCode ?? siteRegion ?? hukouOnRecord,
    needyOnRecord:
      child.needyCategory !== null && ((eligibilityWritten && idNumberOnRecord) || assistancePaidRecently(story, asOf)),
    hasCurrentSchoolRecord: school !== null,
  };
  rows.truthChildren.push({
    childKey: child.key,
    familyKey: family.key,
    idNumber: child.idNumber,
    name: child.name,
    sex: child.sex,
    birthDate: child.birthDate,
    hukouRegionCode: child.hukouCounty,
    livingRegionCode: child.residence.code,
    residenceRegionCode: recorded.residenceRegion,
    birthCertificateNumber: child.birthCertificateNumber,
    schoolCode: school?.schoolCode ?? null,
    siteCode,
    doctorCode,
    needyCategory: child.needyCategory,
    twinKey: child.twinKey,
    status: story.status,
    reasons: reasonsOf(child, story, asOf, recorded),
    asOf,
  });
  for (const r of truth) rows.truthRecords.push({ ...r, childKey: child.key });
}

function schoolKindFor(age: number): School["kind"] | null {
  for (const [kind, spec] of Object.entries(SCHOOL_AGES))
    if (age >= spec.min && age <= spec.max) return kind as School["kind"];
  return null;
}

/** G + ID number for most; J + an ID-style code for some; a temporary L number without an ID. */
function studentNumberFor(rng: Random, child: TrueChild, asOf: IsoDate): string {
  if (child.idNumber && rng.chance(0.95)) return `G${child.idNumber}`;
  if (child.idNumber)
    return `J${makeIdNumber({ regionCode: child.hukouCounty, birthDate: child.birthDate, sequence: 900 + rng.int(0, 99) })}`;
  void asOf;
  return lNumber(rng, child);
}

function lNumber(rng: Random, child: TrueChild): string {
  return `L${child.residence.code}${child.birthDate.replaceAll("-", "")}${rng.digits(4)}`;
}

/** A clerk's slip: one digit of the first 17 changed, so the check character no longer fits. */
function corruptIdNumber(rng: Random, id: string): string {
  const at = rng.int(6, 16);
  const digit = String((Number(id[at]) + rng.int(1, 9)) % 10);
  return id.slice(0, at) + digit + id.slice(at + 1);
}

/** A transcription slip in a date: day and month swapped when that is a date, else one day off. */
function dateTypo(rng: Random, date: IsoDate): IsoDate {
  const [y, m, d] = date.split("-");
  if (Number(d) <= 12 && d !== m && rng.chance(0.6)) return `${y}-${d}-${m}`;
  return addDays(date, rng.chance(0.5) ? 1 : -1);
}

function flip(sex: "M" | "F"): "M" | "F" {
  return sex === "M" ? "F" : "M";
}

function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}
function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

/** Newborns paid within 90 days are covered from birth; everyone else from the coverage year start. */
function benefitStart(birthDate: IsoDate, enrolledOn: IsoDate, coverageYear: number): IsoDate {
  if (Number(birthDate.slice(0, 4)) === coverageYear && enrolledOn <= addDays(birthDate, 90)) return birthDate;
  return maxDate(`${coverageYear}-01-01`, enrolledOn);
}
