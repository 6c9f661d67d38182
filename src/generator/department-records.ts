import { addDays, ageInYears, type IsoDate } from "../domain/dates.ts";
import { makeIdNumber } from "../domain/id-number.ts";
import type { SourceKind } from "../db/enums.ts";
import type * as t from "../db/schema.ts";
import {
  assistancePaidRecently,
  drawCoverageStory,
  reasonsOf,
  recordedResidence,
  type CoverageStory,
  type RecordedFacts,
} from "./coverage-story.ts";
import type { Family, Parent, TrueChild } from "./family.ts";
import { SCHOOL_AGES, type Institution, type ProvinceLayout, type School } from "./geography.ts";
import { placeholderName, transcriptionVariant } from "./names.ts";
import type { Random } from "./random.ts";
import type { truthChildren, truthRecords } from "./truth.tables.ts";

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
  new ChildWriter(ctx, family, child).write();
}

/**
 * One child's department records, a department at a time, and its truth. The departments draw
 * from the one random stream in a fixed order (the province depends on it: keep `write`'s
 * order), and share what the truth learns from them: the records written for the child, and
 * whether one of them carries its real ID number.
 */
class ChildWriter {
  private readonly truth: { source: SourceKind; recordId: string }[] = [];
  private readonly age: number;
  /** The parent whose name and phone the health and education records give. */
  private readonly guardian: Parent;
  /**
   * Whether some record carries the child's real ID number (a `G` student number does too):
   * what the truth's NO_ID_NUMBER and known hukou rest on (see RecordedFacts).
   */
  private idNumberOnRecord = false;

  constructor(
    private readonly ctx: ChildContext,
    private readonly family: Family,
    private readonly child: TrueChild,
  ) {
    this.age = ageInYears(child.birthDate, ctx.asOf);
    this.guardian = ctx.rng.chance(0.7) || !family.father ? family.mother : family.father;
  }

  write(): void {
    const personWritten = this.writeHousehold();
    const birthPlace = this.writeBirthCertificate();
    const site = this.writeImmunizationFiles();
    const doctorCode = this.writeDoctorContract();
    const school = this.writeSchoolRegistrations();
    const story: CoverageStory = drawCoverageStory(this.ctx.rng, this.child, this.ctx.asOf, this.ctx.layout.counties);
    this.writeInsurance(story);
    const eligibilityWritten = this.writeAssistanceEligibility();
    this.writeTruth({ personWritten, birthPlace, site, doctorCode, school, story, eligibilityWritten });
  }

  /** Records the record as one of the child's (the truth) and returns its id. */
  private link(source: SourceKind, recordId: string): string {
    this.truth.push({ source, recordId });
    return recordId;
  }

  /** A value a record carries, noting when it is the child's real ID number. */
  private carries<T extends string | null>(value: T): T {
    const idNumber = this.child.idNumber;
    if (idNumber !== null && (value === idNumber || value === `G${idNumber}`)) this.idNumberOnRecord = true;
    return value;
  }

  /** The child's name, with probability p as a clerk transcribed it. */
  private noisyName(p: number): string {
    const { rng } = this.ctx;
    const child = this.child;
    return rng.chance(p) ? transcriptionVariant(rng, child.name, child.surname.length) : child.name;
  }

  /**
   * Household registration: local children once registered; non-local ones through a residence
   * permit. Returns whether the child's person record was written.
   */
  private writeHousehold(): boolean {
    const { rng, rows, ids } = this.ctx;
    const { child, family } = this;
    if (!(child.idNumber && (child.isLocal || rng.chance(0.55)))) return false;
    const personId = this.link("household.person", ids.next("HP"));
    rows.persons.push({
      recordId: personId,
      idNumber: this.carries(child.idNumber),
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
    return true;
  }

  /** Birth medical certificate, for children born in the province. Returns its place of birth (null: none). */
  private writeBirthCertificate(): string | null {
    const { rng, asOf, rows, ids, layout } = this.ctx;
    const { child, family } = this;
    if (!child.birthCertificateNumber) return null;
    const hospital = rng.pick(layout.hospitals.get(child.residence.code)!);
    const newbornAtIssue = rng.chance(this.age === 0 ? 0.4 : 0.1);
    rows.birthCertificates.push({
      recordId: this.link("health.birth_certificate", ids.next("BC")),
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
    return hospital.regionCode;
  }

  /**
   * Immunization files at a site where the child lives, with their doses. Returns the site
   * (null when the child has no file).
   */
  private writeImmunizationFiles(): Institution | null {
    const { rng, asOf, layout } = this.ctx;
    const child = this.child;
    if (!(this.age <= 14 && rng.chance(child.bornInProvince ? 0.96 : 0.75))) return null;
    const site = rng.pick(layout.sites.get(child.residence.code)!);
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
      const recordId = this.writeImmunizationRecord(fileSite);
      this.writeDoses(recordId, fileSite, movedOnDay !== null && fromDay === movedOnDay, fromDay, untilDay);
    }
    return site;
  }

  /** One immunization file (with the slips clinics make); returns its record id. */
  private writeImmunizationRecord(fileSite: Institution): string {
    const { rng, asOf, rows, ids } = this.ctx;
    const child = this.child;
    const recordId = this.link("health.immunization_record", ids.next("IM"));
    // A placeholder name (王之子) is the birth hospital's: it opens the file with the first doses,
    // before the naming. A child born elsewhere arrives with a vaccination certificate that
    // carries the name it has by then.
    const young = this.age === 0 && rng.chance(0.5) && this.child.bornInProvince;
    rows.immunizationRecords.push({
      recordId,
      siteCode: fileSite.code,
      childName: young ? placeholderName(rng, child.surname, child.sex) : this.noisyName(0.05),
      sex: rng.chance(0.002) ? flip(child.sex) : child.sex,
      birthDate: rng.chance(0.015) ? minDate(dateTypo(rng, child.birthDate), asOf) : child.birthDate,
      idNumber: this.carries(child.idNumber && rng.chance(0.5) ? child.idNumber : null),
      birthCertificateNumber: child.birthCertificateNumber && rng.chance(0.5) ? child.birthCertificateNumber : null,
      guardianName: this.guardian.name,
      guardianPhone: rng.chance(0.95) ? this.guardian.phone : null,
      residenceRegionCode: fileSite.regionCode,
    });
    return recordId;
  }

  /**
   * The doses a file recorded, given from day `fromDay` of the child's life until `untilDay`
   * (null: still open): about one in five is on file, and a file opened after a move always has
   * the first dose given at its site (`opensWithDose`).
   */
  private writeDoses(
    recordId: string,
    fileSite: Institution,
    opensWithDose: boolean,
    fromDay: number,
    untilDay: number | null,
  ): void {
    const { rng, asOf, rows, ids } = this.ctx;
    let opened = false;
    for (const [code, name, atDay] of VACCINES) {
      const givenOn = addDays(this.child.birthDate, atDay);
      if (givenOn > asOf || atDay < fromDay || (untilDay !== null && atDay >= untilDay)) continue;
      const opening = opensWithDose && !opened;
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

  /** Family doctor contract: more common for the youngest. Returns the doctor of an active one. */
  private writeDoctorContract(): string | null {
    const { rng, asOf, rows, ids, layout } = this.ctx;
    const child = this.child;
    if (!rng.chance(this.age <= 6 ? 0.4 : 0.2)) return null;
    const doctor = rng.pick(layout.doctors.get(child.residence.code)!);
    const signedOn = maxDate(child.birthDate, addDays(asOf, -rng.int(0, 700)));
    const validUntil = addDays(signedOn, 365);
    const status = validUntil >= asOf ? "ACTIVE" : "EXPIRED";
    rows.doctorContracts.push({
      recordId: this.link("health.doctor_contract", ids.next("DC")),
      doctorCode: doctor.code,
      patientName: this.noisyName(0.03),
      patientIdNumber: this.carries(child.idNumber && rng.chance(0.9) ? child.idNumber : null),
      patientSex: child.sex,
      patientBirthDate: child.birthDate,
      guardianName: this.guardian.name,
      guardianPhone: this.guardian.phone,
      signedOn,
      validUntil,
      status,
    });
    return status === "ACTIVE" ? doctor.code : null;
  }

  /**
   * School registration for the current school year (and sometimes last year's, elsewhere).
   * Returns this year's school (null when the child attends none).
   */
  private writeSchoolRegistrations(): School | null {
    const { rng, asOf, rows, ids, layout } = this.ctx;
    const child = this.child;
    const schoolYear = Number(asOf.slice(5, 7)) >= 9 ? Number(asOf.slice(0, 4)) : Number(asOf.slice(0, 4)) - 1;
    // Age on 1 September of the school year decides the grade (children born later are not of school age).
    const schoolYearStart = `${schoolYear}-09-01`;
    const schoolAge = child.birthDate <= schoolYearStart ? ageInYears(child.birthDate, schoolYearStart) : -1;
    const kind = schoolKindFor(schoolAge);
    const attends = kind && rng.chance(kind === "KINDERGARTEN" ? 0.85 : schoolAge <= 14 ? 0.99 : 0.92);
    if (!(kind && attends)) return null;
    const school = rng.pick(layout.schools.get(child.residence.code)!.get(kind)!);
    const grade = kind === "KINDERGARTEN" ? schoolAge - 2 : schoolAge - 5;
    const studentNumber = studentNumberFor(rng, child, asOf);
    if (schoolAge >= 7 && rng.chance(0.15)) {
      // Last year's registration; a temporary L number then, promoted to G since.
      const lastKind = schoolKindFor(schoolAge - 1) ?? kind;
      const lastSchool = rng.pick(layout.schools.get(child.residence.code)!.get(lastKind)!);
      const temporary = rng.chance(0.3) && child.idNumber;
      rows.studentRegistrations.push({
        recordId: this.link("education.student", ids.next("ST")),
        studentNumber: this.carries(temporary ? lNumber(rng, child) : studentNumber),
        idNumber: this.carries(temporary ? null : child.idNumber),
        name: this.noisyName(0.02),
        sex: child.sex,
        birthDate: child.birthDate,
        schoolCode: lastSchool.schoolCode,
        grade: grade - 1,
        className: `${rng.int(1, 8)}班`,
        schoolYear: schoolYear - 1,
        status: lastSchool === school ? "GRADUATED" : "TRANSFERRED_OUT",
        guardianPhone: rng.chance(0.8) ? this.guardian.phone : null,
      });
    }
    const idTypo = child.idNumber !== null && rng.chance(0.003);
    const dateClash = child.idNumber !== null && !idTypo && rng.chance(0.002);
    rows.studentRegistrations.push({
      recordId: this.link("education.student", ids.next("ST")),
      studentNumber: this.carries(studentNumber),
      idNumber: this.carries(
        child.idNumber && rng.chance(0.96) ? (idTypo ? corruptIdNumber(rng, child.idNumber) : child.idNumber) : null,
      ),
      name: this.noisyName(0.02),
      sex: child.sex,
      birthDate: dateClash ? addDays(child.birthDate, rng.pick([-1, 1, 31])) : child.birthDate,
      schoolCode: school.schoolCode,
      grade,
      className: `${rng.int(1, 8)}班`,
      schoolYear,
      status: "ENROLLED",
      guardianPhone: rng.chance(0.8) ? this.guardian.phone : null,
    });
    return school;
  }

  /** Insurance: the true enrollment history, as the insurance system recorded it. */
  private writeInsurance(story: CoverageStory): void {
    const { rows, ids } = this.ctx;
    const child = this.child;
    for (const e of story.enrollments) {
      const recordId = this.link("insurance.enrollment", ids.next("EN"));
      const hadId =
        child.idNumber !== null && child.hukouRegisteredOn !== null && child.hukouRegisteredOn <= e.enrolledOn;
      // Enrolled on no identifier the province holds (born elsewhere, before its hukou): the
      // insurance office enrolled it on the ID number the registration gave since (an
      // enrollment needs an identifier; the birth certificate of another province is not ours).
      const idLater = !hadId && child.birthCertificateNumber === null && child.idNumber !== null;
      rows.enrollments.push({
        recordId,
        idNumber: this.carries(hadId || idLater ? child.idNumber : null),
        birthCertificateNumber: hadId ? null : child.birthCertificateNumber,
        name: hadId ? this.noisyName(0.01) : child.name,
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
  }

  /** Medical assistance eligibility of a needy child with an ID number; returns whether written. */
  private writeAssistanceEligibility(): boolean {
    const { asOf, rows, ids } = this.ctx;
    const child = this.child;
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
    return eligibilityWritten;
  }

  /** The truth: the child as it is, what its records show of it, and which records are its. */
  private writeTruth(written: {
    personWritten: boolean;
    birthPlace: string | null;
    site: Institution | null;
    doctorCode: string | null;
    school: School | null;
    story: CoverageStory;
    eligibilityWritten: boolean;
  }): void {
    const { asOf, rows } = this.ctx;
    const { child, family, idNumberOnRecord } = this;
    const { site, school, story } = written;
    const hukouOnRecord = written.personWritten || idNumberOnRecord ? child.hukouCounty : null;
    const recorded: RecordedFacts = {
      idNumberOnRecord,
      hukouRegion: hukouOnRecord,
      residenceRegion: recordedResidence({
        school: school?.regionCode ?? null,
        // A non-local child's person record is its residence permit, naming where it lives.
        permit: written.personWritten && !child.isLocal ? child.residence.code : null,
        vaccinationSite: site?.regionCode ?? null,
        birthPlace: written.birthPlace,
        hukou: hukouOnRecord,
        underOne: this.age < 1,
      }),
      needyOnRecord:
        child.needyCategory !== null &&
        ((written.eligibilityWritten && idNumberOnRecord) || assistancePaidRecently(story, asOf)),
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
      permitRegionCode: written.personWritten && !child.isLocal ? child.residence.code : null,
      birthRegionCode: written.birthPlace,
      birthCertificateNumber: child.birthCertificateNumber,
      schoolCode: school?.schoolCode ?? null,
      siteCode: site?.code ?? null,
      doctorCode: written.doctorCode,
      needyCategory: child.needyCategory,
      twinKey: child.twinKey,
      status: story.status,
      reasons: reasonsOf(child, story, asOf, recorded),
      asOf,
    });
    for (const r of this.truth) rows.truthRecords.push({ ...r, childKey: child.key });
  }
}

function schoolKindFor(age: number): School["kind"] | null {
  for (const [kind, spec] of Object.entries(SCHOOL_AGES))
    if (age >= spec.min && age <= spec.max) return kind as School["kind"];
  return null;
}

/** G + ID number for most; J + an ID-style code for some; a temporary L number without an ID. */
function studentNumberFor(rng: Random, child: TrueChild, asOf: IsoDate): string {
  if (child.idNumber && rng.chance(0.95)) return `G${child.idNumber}`;
  if (child.idNumber) {
    const sequence = 900 + rng.int(0, 99);
    return `J${makeIdNumber({ regionCode: child.hukouCounty, birthDate: child.birthDate, sequence })}`;
  }
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
