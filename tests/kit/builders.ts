import { sql, type Table } from "drizzle-orm";
import type { NeedyCategory } from "../../src/domain/insurance-policy.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { insertBatched } from "../../src/db/bulk-insert.ts";
import { queryRows, type Db } from "../../src/db/client.ts";
import type {
  ContractStatus,
  EnrollmentStatus,
  GuardianRelation,
  PayerKind,
  SchoolKind,
  SourceKind,
  StudentStatus,
} from "../../src/db/enums.ts";
import { schools, studentRegistrations } from "../../src/db/tables/education.ts";
import {
  birthCertificates,
  doctorContracts,
  familyDoctors,
  hospitals,
  immunizationDoses,
  immunizationRecords,
  vaccinationSites,
} from "../../src/db/tables/health.ts";
import { guardianships, households, persons } from "../../src/db/tables/household.ts";
import { assistanceEligibility, contributions, coordinationAreas, enrollments } from "../../src/db/tables/insurance.ts";
import { addDays, type IsoDate } from "../../src/domain/dates.ts";
import { lookupDivision, prefectureOf } from "../../src/domain/division-codes.ts";
import { makeIdNumber, sequenceForSex, type Sex } from "../../src/domain/id-number.ts";
import { makeStudentNumberG, makeStudentNumberL } from "../../src/domain/identifiers.ts";
import { linkAll } from "../../src/linkage/index.ts";

/**
 * Test builders: each writes exactly the department records a test needs into the test's own
 * database, with valid identifiers (resident ID numbers with their MOD 11-2 check character,
 * division codes from the real table, codes in each department's format) and defaults for
 * everything the test does not care about. `link()` then links the records into master
 * children (the linkage engine, `linkAll`) and answers each built child's id, so the graph
 * answers as it would for imported records.
 *
 *   const build = builders(database.db);
 *   const school = await build.school({ region: "330106" });
 *   const pupil = await build.child({ registrations: [school] });
 *   await build.link();
 *   pupil.id; // its master child
 *
 * Every code and record id is numbered per database, so builders on the cloned database of
 * each test file never collide, and a file's tests may build more as they go (`link()` again).
 */

/** A medical-assistance category (特困, 低保, orphan, disabled), as the tables hold it. */

/** 西湖区, 杭州市: where a child, school, site or doctor is when a test does not say. */
export const DEFAULT_COUNTY = "330106";
/** Where a non-local child's hukou is when a test does not say: 瑶海区, 合肥市, 安徽省. */
export const NON_LOCAL_COUNTY = "340102";
/** The school year and coverage year records are of when a test does not say. */
export const SCHOOL_YEAR = 2025;
export const COVERAGE_YEAR = 2026;

export interface BuiltSchool {
  recordId: string;
  code: string;
  name: string;
  kind: SchoolKind;
  regionCode: string;
}

export interface BuiltVaccinationSite {
  recordId: string;
  code: string;
  name: string;
  regionCode: string;
}

export interface BuiltHospital {
  recordId: string;
  code: string;
  name: string;
  regionCode: string;
}

export interface BuiltFamilyDoctor {
  recordId: string;
  code: string;
  name: string;
  institution: string;
  teamName: string | null;
  phone: string | null;
  regionCode: string;
}

export interface BuiltCoordinationArea {
  recordId: string;
  code: string;
  name: string;
  windowOpens: string;
  windowCloses: string;
  annualContributionFen: number;
}

export interface BuiltHousehold {
  recordId: string;
  number: string;
  regionCode: string;
  address: string | null;
}

/** A parent of a built child: who the certificate, the files and the guardianships name. */
export interface Parent {
  name: string;
  idNumber: string;
  phone: string;
}

export interface BuiltPerson {
  recordId: string;
  registrationKind: "LOCAL_HUKOU" | "RESIDENCE_PERMIT";
  hukouRegionCode: string;
  residenceRegionCode: string | null;
  householdNumber: string | null;
}

export interface BuiltGuardian {
  recordId: string;
  relation: GuardianRelation;
  name: string;
  idNumber: string | null;
  phone: string | null;
}

export interface BuiltBirthCertificate {
  recordId: string;
  certificateNumber: string;
  childName: string | null;
  sex: Sex;
  birthDate: IsoDate;
  motherName: string;
  motherIdNumber: string | null;
  fatherName: string | null;
  fatherIdNumber: string | null;
  guardianPhone: string | null;
  regionCode: string;
  issuedOn: IsoDate;
  hospital: BuiltHospital;
}

export interface BuiltDose {
  recordId: string;
  vaccineCode: string;
  vaccineName: string;
  doseNumber: number;
  givenOn: IsoDate;
}

export interface BuiltImmunization {
  recordId: string;
  siteCode: string;
  childName: string | null;
  birthDate: IsoDate;
  guardianName: string | null;
  guardianPhone: string | null;
  doses: BuiltDose[];
}

export interface BuiltRegistration {
  recordId: string;
  studentNumber: string;
  schoolCode: string;
  schoolYear: number;
  grade: number;
  className: string;
  status: StudentStatus;
}

export interface BuiltContract {
  recordId: string;
  doctorCode: string;
  status: ContractStatus;
  signedOn: IsoDate;
  validUntil: IsoDate;
}

export interface BuiltContribution {
  recordId: string;
  payerKind: PayerKind;
  amountFen: number;
  needyCategory: NeedyCategory | null;
  payerIdNumber: string | null;
  paidOn: IsoDate;
}

export interface BuiltEnrollment {
  recordId: string;
  areaCode: string;
  coverageYear: number;
  status: EnrollmentStatus;
  idNumber: string | null;
  enrolledOn: IsoDate;
  paidOn: IsoDate | null;
  contributions: BuiltContribution[];
}

export interface BuiltEligibility {
  recordId: string;
  idNumber: string;
  needyCategory: NeedyCategory;
  regionCode: string;
  validFrom: IsoDate;
  validUntil: IsoDate | null;
}

/** A child as its departments' records describe it; `id` is its master child once `link()` ran. */
export class BuiltChild {
  person: BuiltPerson | null = null;
  readonly guardians: BuiltGuardian[] = [];
  birthCertificate: BuiltBirthCertificate | null = null;
  readonly immunizations: BuiltImmunization[] = [];
  readonly registrations: BuiltRegistration[] = [];
  readonly contracts: BuiltContract[] = [];
  readonly enrollments: BuiltEnrollment[] = [];
  #id: number | null = null;

  constructor(
    /** "child-17": the builder's name for it, in messages. */
    readonly key: string,
    readonly name: string,
    readonly sex: Sex,
    readonly birthDate: IsoDate,
    readonly idNumber: string | null,
    readonly mother: Parent,
    readonly father: Parent,
  ) {}

  /** The master child its records were linked into. */
  get id(): number {
    if (this.#id === null) throw new Error(`${this.key} is not linked yet: call link() after building`);
    return this.#id;
  }

  /** As `_entities` takes it. */
  get ref(): { __typename: "Child"; id: string } {
    return { __typename: "Child", id: String(this.id) };
  }

  get birthCertificateNumber(): string | null {
    return this.birthCertificate?.certificateNumber ?? null;
  }

  /** The linked records (source, record id) that make this child. */
  get records(): { source: SourceKind; recordId: string }[] {
    return [
      ...(this.person ? [{ source: "household.person" as const, recordId: this.person.recordId }] : []),
      ...(this.birthCertificate
        ? [{ source: "health.birth_certificate" as const, recordId: this.birthCertificate.recordId }]
        : []),
      ...this.immunizations.map((r) => ({ source: "health.immunization_record" as const, recordId: r.recordId })),
      ...this.contracts.map((r) => ({ source: "health.doctor_contract" as const, recordId: r.recordId })),
      ...this.registrations.map((r) => ({ source: "education.student" as const, recordId: r.recordId })),
      ...this.enrollments.map((r) => ({ source: "insurance.enrollment" as const, recordId: r.recordId })),
    ];
  }

  /** @internal the builders' `link()` sets it. */
  linkedTo(id: number): void {
    this.#id = id;
  }
}

export interface GuardianSpec {
  relation?: GuardianRelation;
  /** The mother's or father's name, ID number and phone unless given. */
  name?: string;
  idNumber?: string | null;
  phone?: string | null;
}

export interface BirthCertificateSpec {
  /** The issuing hospital's county; the child's hukou county in the province, else DEFAULT_COUNTY. */
  region?: string;
  hospital?: BuiltHospital;
  certificateNumber?: string;
  /** The child's name unless given; null for a certificate issued before the child was named. */
  childName?: string | null;
  issuedOn?: IsoDate;
}

export interface DoseSpec {
  vaccineCode: string;
  vaccineName?: string;
  doseNumber?: number;
  givenOn: IsoDate;
}

export interface ImmunizationSpec {
  site: BuiltVaccinationSite;
  /** Hepatitis B at birth and a month later, BCG at birth, unless given. */
  doses?: readonly DoseSpec[];
  childName?: string | null;
}

export interface RegistrationSpec {
  school: BuiltSchool;
  schoolYear?: number;
  grade?: number;
  className?: string;
  status?: StudentStatus;
  /** G + the child's ID number unless given (a temporary L number for a child without one). */
  studentNumber?: string;
  /** The child's unless given. */
  idNumber?: string | null;
}

export interface ContractSpec {
  doctor: BuiltFamilyDoctor;
  status?: ContractStatus;
  signedOn?: IsoDate;
  validUntil?: IsoDate;
}

export interface ContributionSpec {
  payerKind?: PayerKind;
  /** The area's annual contribution unless given. */
  amountFen?: number;
  needyCategory?: NeedyCategory | null;
  payerIdNumber?: string | null;
  paidOn?: IsoDate;
}

export interface EnrollmentSpec {
  area: BuiltCoordinationArea;
  coverageYear?: number;
  status?: EnrollmentStatus;
  /** Paid (and so insuring, if ACTIVE) unless false. */
  paid?: boolean;
  enrolledOn?: IsoDate;
  paidOn?: IsoDate;
  /** The child's unless given. */
  idNumber?: string | null;
  /** One SELF payment of the area's contribution for a paid enrollment, unless given. */
  contributions?: readonly ContributionSpec[];
}

export interface ChildSpec {
  name?: string;
  sex?: Sex;
  birthDate?: IsoDate;
  /** A valid resident ID number from the hukou county and the birth date unless given; null for none yet. */
  idNumber?: string | null;
  /**
   * The county of the child's local hukou (a household.person record): DEFAULT_COUNTY, or the
   * household's county, unless given; null for a child the household registry does not know.
   */
  hukou?: string | null;
  /** A member of this household (its county is the hukou county). */
  household?: BuiltHousehold;
  /** A non-local child with a residence permit: lives in `residence`, hukou in `hukou` (NON_LOCAL_COUNTY). */
  residencePermit?: { residence: string; hukou?: string };
  /** Guardianships of the person record: the mother unless given. */
  guardians?: readonly GuardianSpec[];
  birthCertificate?: true | BirthCertificateSpec;
  immunizations?: readonly (BuiltVaccinationSite | ImmunizationSpec)[];
  registrations?: readonly (BuiltSchool | RegistrationSpec)[];
  contracts?: readonly (BuiltFamilyDoctor | ContractSpec)[];
  enrollments?: readonly (BuiltCoordinationArea | EnrollmentSpec)[];
}

export interface Builders {
  school(spec?: { region?: string; name?: string; kind?: SchoolKind; code?: string }): Promise<BuiltSchool>;
  vaccinationSite(spec?: { region?: string; name?: string; code?: string }): Promise<BuiltVaccinationSite>;
  hospital(spec?: { region?: string; name?: string }): Promise<BuiltHospital>;
  familyDoctor(spec?: {
    region?: string;
    name?: string;
    institution?: string;
    teamName?: string | null;
    phone?: string | null;
  }): Promise<BuiltFamilyDoctor>;
  /** An area (a prefecture, 市级统筹) with the usual window 09-01 to 12-31 and 400 yuan a year unless given. */
  coordinationArea(spec?: {
    code?: string;
    name?: string;
    windowOpens?: string;
    windowCloses?: string;
    annualContributionFen?: number;
  }): Promise<BuiltCoordinationArea>;
  household(spec?: { region?: string; number?: string; address?: string | null }): Promise<BuiltHousehold>;
  /** One child and all its records. */
  child(spec?: ChildSpec): Promise<BuiltChild>;
  /** `count` children, `specOf(i)` each, written in one statement per table: for tests that need many. */
  children(count: number, specOf?: (i: number) => ChildSpec): Promise<BuiltChild[]>;
  /** Another guardian of a child the household registry knows. */
  guardian(child: BuiltChild, spec?: GuardianSpec): Promise<BuiltGuardian>;
  birthCertificate(child: BuiltChild, spec?: BirthCertificateSpec): Promise<BuiltBirthCertificate>;
  immunization(child: BuiltChild, spec: BuiltVaccinationSite | ImmunizationSpec): Promise<BuiltImmunization>;
  registration(child: BuiltChild, spec: BuiltSchool | RegistrationSpec): Promise<BuiltRegistration>;
  contract(child: BuiltChild, spec: BuiltFamilyDoctor | ContractSpec): Promise<BuiltContract>;
  /** An enrollment and its contributions. */
  enrollment(child: BuiltChild, spec: BuiltCoordinationArea | EnrollmentSpec): Promise<BuiltEnrollment>;
  /** Civil affairs' word that a child (or an ID number) is needy, from `validFrom` (2025-01-01) on. */
  assistanceEligibility(spec: {
    child?: BuiltChild;
    idNumber?: string;
    name?: string;
    needyCategory: NeedyCategory;
    region?: string;
    validFrom?: IsoDate;
    validUntil?: IsoDate | null;
  }): Promise<BuiltEligibility>;
  /**
   * Links every record built so far (`linkAll`: the engine, not a stand-in) and sets each built
   * child's `id`; fails when the engine did not make exactly one master child of each built
   * child's records. With `coverageAsOf`, also builds that day's coverage snapshot.
   */
  link(options?: { coverageAsOf?: IsoDate }): Promise<void>;
}

/** The builders for one test database. */
export function builders(db: Db): Builders {
  let state = states.get(db);
  if (!state) states.set(db, (state = { serials: new Map(), hospitals: new Map(), children: [] }));
  return new DatabaseBuilders(db, state);
}

interface State {
  serials: Map<string, number>;
  hospitals: Map<string, BuiltHospital>;
  children: BuiltChild[];
}
const states = new WeakMap<Db, State>();

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: Record<Sex, readonly string[]> = {
  M: ["子轩", "浩然", "宇航", "俊杰", "思远", "梓睿", "一鸣", "皓宇", "明哲", "嘉懿"],
  F: ["欣怡", "梓涵", "诗琪", "雨桐", "一诺", "语嫣", "可馨", "思彤", "佳怡", "若曦"],
};
const MOTHER_SURNAMES = ["林", "何", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯"];
const ADULT_GIVEN: Record<Sex, readonly string[]> = {
  M: ["强", "伟", "军", "磊", "勇", "涛", "斌", "杰"],
  F: ["丽", "娜", "静", "敏", "燕", "芳", "霞", "婷"],
};
const VACCINE_NAMES: Record<string, string> = {
  HepB: "乙肝疫苗",
  BCG: "卡介苗",
  IPV: "脊灰灭活疫苗",
  DTaP: "百白破疫苗",
  MMR: "麻腮风疫苗",
  JE: "乙脑减毒活疫苗",
  HepA: "甲肝减毒活疫苗",
};

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** The division, failing loudly for a code the real table does not have. */
function division(code: string) {
  const found = lookupDivision(code);
  if (!found) throw new Error(`builders: ${JSON.stringify(code)} is not a known division code`);
  return found;
}

function county(code: string): string {
  if (division(code).level !== "county") throw new Error(`builders: ${code} is not a county`);
  return code;
}

/** Rows waiting to be written, by table, in the order they were made. */
class Rows {
  readonly byTable = new Map<Table, object[]>();
  add<T extends Table>(table: T, row: T["$inferInsert"]): void {
    let rows = this.byTable.get(table);
    if (!rows) this.byTable.set(table, (rows = []));
    rows.push(row);
  }
  async write(db: Db): Promise<void> {
    for (const [table, rows] of this.byTable) await insertBatched(db, table, rows as Table["$inferInsert"][]);
  }
}

class DatabaseBuilders implements Builders {
  constructor(
    private readonly db: Db,
    private readonly state: State,
  ) {}

  /** The next number of a kind of thing in this database: 1, 2, 3 … */
  private serial(kind: string): number {
    const n = (this.state.serials.get(kind) ?? 0) + 1;
    this.state.serials.set(kind, n);
    return n;
  }

  private recordId(prefix: string): string {
    return `${prefix}-${pad(this.serial(prefix), 6)}`;
  }

  private phone(): string {
    return `139${pad(this.serial("phone"), 8)}`;
  }

  async school(spec: { region?: string; name?: string; kind?: SchoolKind; code?: string } = {}) {
    const regionCode = county(spec.region ?? DEFAULT_COUNTY);
    const n = this.serial(`school-${regionCode}`);
    const school: BuiltSchool = {
      recordId: this.recordId("SCH"),
      code: spec.code ?? `2${regionCode}${pad(n, 3)}`,
      name: spec.name ?? `${division(regionCode).name}第${n}小学`,
      kind: spec.kind ?? "PRIMARY",
      regionCode,
    };
    await this.db.insert(schools).values({
      recordId: school.recordId,
      schoolCode: school.code,
      name: school.name,
      kind: school.kind,
      regionCode,
    });
    return school;
  }

  async vaccinationSite(spec: { region?: string; name?: string; code?: string } = {}) {
    const regionCode = county(spec.region ?? DEFAULT_COUNTY);
    const n = this.serial(`site-${regionCode}`);
    const site: BuiltVaccinationSite = {
      recordId: this.recordId("VS"),
      code: spec.code ?? `V${regionCode}${pad(n, 3)}`,
      name: spec.name ?? `${division(regionCode).name}第${n}预防接种门诊`,
      regionCode,
    };
    await this.db
      .insert(vaccinationSites)
      .values({ recordId: site.recordId, siteCode: site.code, name: site.name, regionCode });
    return site;
  }

  async hospital(spec: { region?: string; name?: string } = {}) {
    const regionCode = county(spec.region ?? DEFAULT_COUNTY);
    const n = this.serial(`hospital-${regionCode}`);
    const hospital: BuiltHospital = {
      recordId: this.recordId("HO"),
      code: `H${regionCode}${pad(n, 2)}`,
      name: spec.name ?? `${division(regionCode).name}第${n}妇幼保健院`,
      regionCode,
    };
    await this.db
      .insert(hospitals)
      .values({ recordId: hospital.recordId, hospitalCode: hospital.code, name: hospital.name, regionCode });
    return hospital;
  }

  async familyDoctor(
    spec: {
      region?: string;
      name?: string;
      institution?: string;
      teamName?: string | null;
      phone?: string | null;
    } = {},
  ) {
    const regionCode = county(spec.region ?? DEFAULT_COUNTY);
    const n = this.serial(`doctor-${regionCode}`);
    const doctor: BuiltFamilyDoctor = {
      recordId: this.recordId("FD"),
      code: `D${regionCode}${pad(n, 4)}`,
      name: spec.name ?? `${pick(MOTHER_SURNAMES, n)}医生${n}`,
      institution: spec.institution ?? `${division(regionCode).name}第${n}社区卫生服务中心`,
      teamName: spec.teamName === undefined ? `家庭医生团队${n}` : spec.teamName,
      phone: spec.phone === undefined ? this.phone() : spec.phone,
      regionCode,
    };
    await this.db.insert(familyDoctors).values({
      recordId: doctor.recordId,
      doctorCode: doctor.code,
      name: doctor.name,
      institution: doctor.institution,
      teamName: doctor.teamName,
      phone: doctor.phone,
      regionCode,
    });
    return doctor;
  }

  async coordinationArea(
    spec: {
      code?: string;
      name?: string;
      windowOpens?: string;
      windowCloses?: string;
      annualContributionFen?: number;
    } = {},
  ) {
    const code = spec.code ?? prefectureOf(DEFAULT_COUNTY);
    const area: BuiltCoordinationArea = {
      recordId: this.recordId("CA"),
      code,
      name: spec.name ?? `${division(code).name}城乡居民医保`,
      windowOpens: spec.windowOpens ?? "09-01",
      windowCloses: spec.windowCloses ?? "12-31",
      annualContributionFen: spec.annualContributionFen ?? 40_000,
    };
    await this.db.insert(coordinationAreas).values({
      recordId: area.recordId,
      areaCode: code,
      name: area.name,
      windowOpens: area.windowOpens,
      windowCloses: area.windowCloses,
      annualContributionFen: area.annualContributionFen,
    });
    return area;
  }

  async household(spec: { region?: string; number?: string; address?: string | null } = {}) {
    const regionCode = county(spec.region ?? DEFAULT_COUNTY);
    const n = this.serial("household");
    const household: BuiltHousehold = {
      recordId: this.recordId("HH"),
      number: spec.number ?? `${regionCode}${pad(n, 8)}`,
      regionCode,
      address: spec.address === undefined ? `${division(regionCode).name}某街道${n}号` : spec.address,
    };
    await this.db.insert(households).values({
      recordId: household.recordId,
      householdNumber: household.number,
      regionCode,
      address: household.address,
    });
    return household;
  }

  async child(spec: ChildSpec = {}) {
    const [child] = await this.children(1, () => spec);
    return child!;
  }

  async children(count: number, specOf: (i: number) => ChildSpec = () => ({})) {
    const rows = new Rows();
    const built: BuiltChild[] = [];
    for (let i = 0; i < count; i++) {
      // Hospitals are made (once per county) before the rows that name them.
      const spec = specOf(i);
      const certificate = spec.birthCertificate === true ? {} : spec.birthCertificate;
      const home = spec.residencePermit?.residence ?? hukouOf(spec);
      const hospital = certificate ? await this.hospitalFor(certificate, home) : null;
      built.push(this.childRows(rows, spec, hospital));
    }
    await rows.write(this.db);
    this.state.children.push(...built);
    return built;
  }

  private childRows(rows: Rows, spec: ChildSpec, hospital: BuiltHospital | null): BuiltChild {
    const n = this.serial("child");
    const sex = spec.sex ?? (n % 2 === 1 ? "M" : "F");
    const surname = pick(SURNAMES, n);
    // One day apart: no two children share a birth date (and so never look like twins) unless a test says so.
    const birthDate = spec.birthDate ?? addDays("2016-01-01", n);
    const permit = spec.residencePermit;
    const hukou = permit ? county(permit.hukou ?? NON_LOCAL_COUNTY) : hukouOf(spec);
    const idRegion = hukou ?? DEFAULT_COUNTY;
    const idNumber =
      spec.idNumber === undefined
        ? makeIdNumber({ regionCode: idRegion, birthDate, sequence: sequenceForSex(n, sex) })
        : spec.idNumber;
    const parent = (parentSex: Sex, born: IsoDate): Parent => ({
      name: `${parentSex === "F" ? pick(MOTHER_SURNAMES, n) : surname}${pick(ADULT_GIVEN[parentSex], n >> 4)}`,
      idNumber: makeIdNumber({ regionCode: idRegion, birthDate: born, sequence: sequenceForSex(n, parentSex) }),
      phone: this.phone(),
    });
    const child = new BuiltChild(
      `child-${n}`,
      spec.name ?? `${surname}${pick(GIVEN[sex], n >> 4)}`,
      sex,
      birthDate,
      idNumber,
      parent("F", addDays("1988-01-01", n)),
      parent("M", addDays("1986-01-01", n)),
    );
    if (hukou !== null) {
      child.person = {
        recordId: this.recordId("HP"),
        registrationKind: permit ? "RESIDENCE_PERMIT" : "LOCAL_HUKOU",
        hukouRegionCode: hukou,
        residenceRegionCode: permit ? county(permit.residence) : null,
        householdNumber: spec.household?.number ?? null,
      };
      rows.add(persons, {
        recordId: child.person.recordId,
        idNumber,
        name: child.name,
        sex,
        birthDate,
        registrationKind: child.person.registrationKind,
        hukouRegionCode: hukou,
        hukouAddress: `${division(hukou).name}某街道${n}号`,
        residenceRegionCode: child.person.residenceRegionCode,
        residencePermitNumber: permit ? `JZ${child.person.residenceRegionCode}${pad(n, 8)}` : null,
        householdNumber: child.person.householdNumber,
      });
      for (const guardian of spec.guardians ?? [{ relation: "MOTHER" }]) this.guardianRows(rows, child, guardian);
    }
    if (spec.birthCertificate) {
      const certificate = spec.birthCertificate === true ? {} : spec.birthCertificate;
      this.certificateRows(rows, child, certificate, hospital!);
    }
    for (const s of spec.immunizations ?? []) this.immunizationRows(rows, child, "site" in s ? s : { site: s });
    for (const s of spec.registrations ?? []) this.registrationRows(rows, child, "school" in s ? s : { school: s });
    for (const s of spec.contracts ?? []) this.contractRows(rows, child, "doctor" in s ? s : { doctor: s });
    for (const s of spec.enrollments ?? []) this.enrollmentRows(rows, child, "area" in s ? s : { area: s });
    return child;
  }

  private guardianRows(rows: Rows, child: BuiltChild, spec: GuardianSpec): BuiltGuardian {
    if (!child.person) throw new Error(`${child.key} has no person record for a guardian to be of`);
    const relation = spec.relation ?? "MOTHER";
    const parent = relation === "FATHER" ? child.father : child.mother;
    const guardian: BuiltGuardian = {
      recordId: this.recordId("HG"),
      relation,
      name: spec.name ?? parent.name,
      idNumber: spec.idNumber === undefined ? parent.idNumber : spec.idNumber,
      phone: spec.phone === undefined ? parent.phone : spec.phone,
    };
    rows.add(guardianships, {
      recordId: guardian.recordId,
      childRecordId: child.person.recordId,
      relation,
      guardianName: guardian.name,
      guardianIdNumber: guardian.idNumber,
      guardianPhone: guardian.phone,
    });
    child.guardians.push(guardian);
    return guardian;
  }

  /** The hospital of a certificate: the one given, else one (made once) in `spec.region` or the child's home county. */
  private async hospitalFor(spec: BirthCertificateSpec, home: string | null): Promise<BuiltHospital> {
    if (spec.hospital) return spec.hospital;
    const region = spec.region ?? (home?.startsWith(DEFAULT_COUNTY.slice(0, 2)) ? home : DEFAULT_COUNTY);
    let hospital = this.state.hospitals.get(region);
    if (!hospital) this.state.hospitals.set(region, (hospital = await this.hospital({ region })));
    return hospital;
  }

  private certificateRows(
    rows: Rows,
    child: BuiltChild,
    spec: BirthCertificateSpec,
    hospital: BuiltHospital,
  ): BuiltBirthCertificate {
    if (child.birthCertificate) throw new Error(`${child.key} has a birth certificate already`);
    const certificate: BuiltBirthCertificate = {
      recordId: this.recordId("BC"),
      certificateNumber: spec.certificateNumber ?? `P${pad(this.serial("certificate"), 9)}`,
      childName: spec.childName === undefined ? child.name : spec.childName,
      sex: child.sex,
      birthDate: child.birthDate,
      motherName: child.mother.name,
      motherIdNumber: child.mother.idNumber,
      fatherName: child.father.name,
      fatherIdNumber: child.father.idNumber,
      guardianPhone: child.mother.phone,
      regionCode: county(spec.region ?? hospital.regionCode),
      issuedOn: spec.issuedOn ?? addDays(child.birthDate, 2),
      hospital,
    };
    rows.add(birthCertificates, {
      recordId: certificate.recordId,
      certificateNumber: certificate.certificateNumber,
      childName: certificate.childName,
      sex: certificate.sex,
      birthDate: certificate.birthDate,
      motherName: certificate.motherName,
      motherIdNumber: certificate.motherIdNumber,
      fatherName: certificate.fatherName,
      fatherIdNumber: certificate.fatherIdNumber,
      guardianPhone: certificate.guardianPhone,
      hospitalCode: hospital.code,
      regionCode: certificate.regionCode,
      issuedOn: certificate.issuedOn,
    });
    child.birthCertificate = certificate;
    return certificate;
  }

  private immunizationRows(rows: Rows, child: BuiltChild, spec: ImmunizationSpec): BuiltImmunization {
    const doses = spec.doses ?? [
      { vaccineCode: "HepB", doseNumber: 1, givenOn: child.birthDate },
      { vaccineCode: "BCG", doseNumber: 1, givenOn: child.birthDate },
      { vaccineCode: "HepB", doseNumber: 2, givenOn: addDays(child.birthDate, 30) },
    ];
    const file: BuiltImmunization = {
      recordId: this.recordId("IM"),
      siteCode: spec.site.code,
      childName: spec.childName === undefined ? child.name : spec.childName,
      birthDate: child.birthDate,
      guardianName: child.mother.name,
      guardianPhone: child.mother.phone,
      doses: doses.map((d) => ({
        recordId: this.recordId("ID"),
        vaccineCode: d.vaccineCode,
        vaccineName: d.vaccineName ?? VACCINE_NAMES[d.vaccineCode] ?? d.vaccineCode,
        doseNumber: d.doseNumber ?? 1,
        givenOn: d.givenOn,
      })),
    };
    rows.add(immunizationRecords, {
      recordId: file.recordId,
      siteCode: file.siteCode,
      childName: file.childName,
      sex: child.sex,
      birthDate: child.birthDate,
      idNumber: child.idNumber,
      birthCertificateNumber: child.birthCertificateNumber,
      guardianName: file.guardianName,
      guardianPhone: file.guardianPhone,
      residenceRegionCode: spec.site.regionCode,
    });
    for (const dose of file.doses) {
      rows.add(immunizationDoses, {
        recordId: dose.recordId,
        immunizationRecordId: file.recordId,
        vaccineCode: dose.vaccineCode,
        vaccineName: dose.vaccineName,
        doseNumber: dose.doseNumber,
        givenOn: dose.givenOn,
        siteCode: file.siteCode,
      });
    }
    child.immunizations.push(file);
    return file;
  }

  private registrationRows(rows: Rows, child: BuiltChild, spec: RegistrationSpec): BuiltRegistration {
    const idNumber = spec.idNumber === undefined ? child.idNumber : spec.idNumber;
    const studentNumber =
      spec.studentNumber ??
      (idNumber
        ? makeStudentNumberG(idNumber)
        : makeStudentNumberL({
            areaCode: spec.school.regionCode,
            birthDate: child.birthDate,
            serial: this.serial("student-number-L") % 10_000,
          }));
    const registration: BuiltRegistration = {
      recordId: this.recordId("STU"),
      studentNumber,
      schoolCode: spec.school.code,
      schoolYear: spec.schoolYear ?? SCHOOL_YEAR,
      grade: spec.grade ?? 3,
      className: spec.className ?? "1班",
      status: spec.status ?? "ENROLLED",
    };
    rows.add(studentRegistrations, {
      recordId: registration.recordId,
      studentNumber,
      idNumber,
      name: child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      schoolCode: registration.schoolCode,
      grade: registration.grade,
      className: registration.className,
      schoolYear: registration.schoolYear,
      status: registration.status,
      guardianPhone: child.mother.phone,
    });
    child.registrations.push(registration);
    return registration;
  }

  private contractRows(rows: Rows, child: BuiltChild, spec: ContractSpec): BuiltContract {
    const contract: BuiltContract = {
      recordId: this.recordId("DC"),
      doctorCode: spec.doctor.code,
      status: spec.status ?? "ACTIVE",
      signedOn: spec.signedOn ?? "2025-03-01",
      validUntil: spec.validUntil ?? addDays(spec.signedOn ?? "2025-03-01", 364),
    };
    rows.add(doctorContracts, {
      recordId: contract.recordId,
      doctorCode: contract.doctorCode,
      patientName: child.name,
      patientIdNumber: child.idNumber,
      patientSex: child.sex,
      patientBirthDate: child.birthDate,
      guardianName: child.mother.name,
      guardianPhone: child.mother.phone,
      signedOn: contract.signedOn,
      validUntil: contract.validUntil,
      status: contract.status,
    });
    child.contracts.push(contract);
    return contract;
  }

  private enrollmentRows(rows: Rows, child: BuiltChild, spec: EnrollmentSpec): BuiltEnrollment {
    const coverageYear = spec.coverageYear ?? COVERAGE_YEAR;
    const paid = spec.paid ?? true;
    const enrolledOn = spec.enrolledOn ?? `${coverageYear - 1}-11-20`;
    const paidOn = paid ? (spec.paidOn ?? enrolledOn) : null;
    const enrollment: BuiltEnrollment = {
      recordId: this.recordId("EN"),
      areaCode: spec.area.code,
      coverageYear,
      status: spec.status ?? "ACTIVE",
      idNumber: spec.idNumber === undefined ? child.idNumber : spec.idNumber,
      enrolledOn,
      paidOn,
      contributions: [],
    };
    rows.add(enrollments, {
      recordId: enrollment.recordId,
      idNumber: enrollment.idNumber,
      birthCertificateNumber: child.birthCertificateNumber,
      name: child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      areaCode: enrollment.areaCode,
      coverageYear,
      insuranceType: "390",
      status: enrollment.status,
      enrolledOn,
      paidOn,
      benefitStartsOn: paidOn === null ? null : `${coverageYear}-01-01`,
    });
    for (const c of spec.contributions ?? (paid ? [{}] : [])) {
      const contribution: BuiltContribution = {
        recordId: this.recordId("CO"),
        payerKind: c.payerKind ?? "SELF",
        amountFen: c.amountFen ?? spec.area.annualContributionFen,
        needyCategory: c.needyCategory ?? null,
        payerIdNumber: c.payerIdNumber ?? null,
        paidOn: c.paidOn ?? paidOn ?? enrolledOn,
      };
      rows.add(contributions, {
        recordId: contribution.recordId,
        enrollmentRecordId: enrollment.recordId,
        coverageYear,
        amountFen: contribution.amountFen,
        payerKind: contribution.payerKind,
        needyCategory: contribution.needyCategory,
        payerIdNumber: contribution.payerIdNumber,
        paidOn: contribution.paidOn,
      });
      enrollment.contributions.push(contribution);
    }
    child.enrollments.push(enrollment);
    return enrollment;
  }

  /** Writes the rows one record of an existing child makes. */
  private async one<T>(make: (rows: Rows) => T): Promise<T> {
    const rows = new Rows();
    const made = make(rows);
    await rows.write(this.db);
    return made;
  }

  guardian(child: BuiltChild, spec: GuardianSpec = {}) {
    return this.one((rows) => this.guardianRows(rows, child, spec));
  }

  async birthCertificate(child: BuiltChild, spec: BirthCertificateSpec = {}) {
    const home = child.person?.residenceRegionCode ?? child.person?.hukouRegionCode ?? null;
    const hospital = await this.hospitalFor(spec, home);
    return this.one((rows) => this.certificateRows(rows, child, spec, hospital));
  }

  immunization(child: BuiltChild, spec: BuiltVaccinationSite | ImmunizationSpec) {
    return this.one((rows) => this.immunizationRows(rows, child, "site" in spec ? spec : { site: spec }));
  }

  registration(child: BuiltChild, spec: BuiltSchool | RegistrationSpec) {
    return this.one((rows) => this.registrationRows(rows, child, "school" in spec ? spec : { school: spec }));
  }

  contract(child: BuiltChild, spec: BuiltFamilyDoctor | ContractSpec) {
    return this.one((rows) => this.contractRows(rows, child, "doctor" in spec ? spec : { doctor: spec }));
  }

  enrollment(child: BuiltChild, spec: BuiltCoordinationArea | EnrollmentSpec) {
    return this.one((rows) => this.enrollmentRows(rows, child, "area" in spec ? spec : { area: spec }));
  }

  async assistanceEligibility(spec: {
    child?: BuiltChild;
    idNumber?: string;
    name?: string;
    needyCategory: NeedyCategory;
    region?: string;
    validFrom?: IsoDate;
    validUntil?: IsoDate | null;
  }) {
    const idNumber = spec.idNumber ?? spec.child?.idNumber;
    if (!idNumber) throw new Error("builders: assistance eligibility needs an ID number (or a child with one)");
    const region = spec.region ?? spec.child?.person?.hukouRegionCode ?? DEFAULT_COUNTY;
    const eligibility: BuiltEligibility = {
      recordId: this.recordId("AE"),
      idNumber,
      needyCategory: spec.needyCategory,
      regionCode: county(region),
      validFrom: spec.validFrom ?? "2025-01-01",
      validUntil: spec.validUntil ?? null,
    };
    await this.db.insert(assistanceEligibility).values({
      recordId: eligibility.recordId,
      idNumber,
      name: spec.name ?? spec.child?.name ?? "无名",
      needyCategory: eligibility.needyCategory,
      regionCode: eligibility.regionCode,
      validFrom: eligibility.validFrom,
      validUntil: eligibility.validUntil,
    });
    return eligibility;
  }

  async link(options: { coverageAsOf?: IsoDate } = {}) {
    await linkAll(this.db);
    const links = await queryRows<{ source: string; record_id: string; child_id: number | string }>(
      this.db,
      sql`select source, record_id, child_id from hub.links where unlinked_at is null`,
    );
    const childOf = new Map(links.map((l) => [`${l.source}|${l.record_id}`, Number(l.child_id)]));
    const owner = new Map<number, BuiltChild>();
    for (const child of this.state.children) {
      const records = child.records;
      if (records.length === 0) throw new Error(`${child.key} has no record that links: give it one`);
      const ids = new Set(records.map((r) => childOf.get(`${r.source}|${r.recordId}`)));
      const [id] = ids;
      if (ids.size !== 1 || id === undefined) {
        const where = records.map((r) => `${r.source} ${r.recordId} → ${childOf.get(`${r.source}|${r.recordId}`)}`);
        throw new Error(`linkage did not make one child of ${child.key}'s records: ${where.join(", ")}`);
      }
      const other = owner.get(id);
      if (other) throw new Error(`linkage merged ${other.key} and ${child.key} into child ${id}`);
      owner.set(id, child);
      child.linkedTo(id);
    }
    if (options.coverageAsOf) await buildSnapshot(this.db, options.coverageAsOf);
  }
}

function hukouOf(spec: ChildSpec): string | null {
  if (spec.hukou === null) return null;
  return county(spec.hukou ?? spec.household?.regionCode ?? DEFAULT_COUNTY);
}
