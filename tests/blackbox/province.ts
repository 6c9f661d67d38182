import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/db/client.ts";
import { makeIdNumber, maskIdNumber, maskPhone } from "../../src/domain/id-number.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { MAY_SEE, type Category, type Column } from "./matrix.ts";
import type { Department } from "../../src/access/identity/viewer.ts";

/**
 * The black-box suite's province, built with the test builders: every viewer's anchors lie in
 * Hangzhou (3301, county 西湖区 330106); Ningbo (3302, county 海曙区 330203) is elsewhere;
 * Wenzhou (3303) holds nothing at all. Each child has every kind of record its story allows, so
 * every field has something to show.
 *
 * - `full`: everything in 330106 — hukou in a household, mother and father as guardians, birth
 *   certificate, immunization file, school (the school admin's), an ACTIVE contract (the
 *   doctor's), an enrollment of 2026 paid partly from the father's employee account, and a
 *   medical-assistance entitlement no subsidy paid (a gap: NEEDY_WITHOUT_SUBSIDY). In every
 *   role's rows.
 * - `away`: the same in Ningbo, insured in 2025 only (LAPSED). In nobody's rows.
 * - `newborn`: 20 days old, no ID number or hukou yet; born, vaccinated and contracted in 330106.
 * - `student`: hukou in Ningbo, at another school of 330106, uninsured: out of the school admin's,
 *   the doctor's, the health and household roles' rows, in the insurance officer's (resident).
 * - `bornHere`: born in 330106, everything else in Ningbo: in health's rows only (#18.19).
 * - `permit`: hukou in Anhui, a residence permit for 330106, at the admin's school, insured with
 *   medical assistance paying most of the contribution.
 * - `reviewedFull`, `reviewedAway`: household records of 330106 without an ID number, each in the
 *   review queue against `full` and `away` (`addReview`); `reviewedNingbo` one placed in Ningbo
 *   against `bornHere`. Each is also an unresolved child whose possible match is its candidate
 *   (`addUnresolved`); `reviewedFull` was one before, decided a new child.
 */

export const AS_OF = "2026-06-30";
export const COVERAGE_YEAR = 2026;
export const HOME = "330106";
export const AWAY = "330203";
/** The viewers' region: a prefecture prefix. */
export const REGION_IN = "3301";
/** A region with records, outside every viewer's. */
export const REGION_OUT = "3302";
/** A region with no record at all, outside every viewer's. */
export const REGION_EMPTY = "3303";
/** A prefecture of another province: where `permit`'s hukou is (瑶海区, 合肥市, Anhui). */
export const REGION_FOREIGN = "3401";

export type ChildName = "full" | "away" | "newborn" | "student" | "bornHere" | "permit" | ReviewedName;
export type ReviewedName = "reviewedFull" | "reviewedAway" | "reviewedNingbo";

/** Where a child's records place it, as DESIGN.md's matrix words it. */
export interface Places {
  hukou: string | null;
  residencePermit: string | null;
  /** School codes and counties of ENROLLED registrations; `anySchoolRegion` of any registration. */
  schools: string[];
  schoolRegions: string[];
  birthCertificate: string | null;
  sites: string[];
  /** Doctor codes and counties of ACTIVE contracts. */
  doctors: string[];
  doctorRegions: string[];
  areas: string[];
  /** The child's resident ID number: its first 6 characters are where it was issued. */
  idNumber: string | null;
  /** Which records carry that number, each shown by its own category. */
  carries: { student: boolean; enrollment: boolean; contract: boolean; household: boolean };
  /**
   * DESIGN.md's one residence rule: the school's region, else the residence permit's, else the
   * vaccination site's, else (newborns) the birth place, else the hukou.
   */
  residence: string | null;
}

export interface Province {
  children: Record<ChildName, BuiltChild>;
  places: Record<ChildName, Places>;
  school: { home: string; home2: string; away: string; empty: string };
  site: { home: string; away: string; empty: string };
  doctor: { home: string; away: string; empty: string };
  area: { home: string; away: string; empty: string };
  household: { home: string; away: string };
  /** Values nobody holds, in valid formats. */
  missing: {
    childId: string;
    idNumber: string;
    certificateNumber: string;
    studentNumber: string;
    householdNumber: string;
  };
  viewers: Record<Column, AuthenticatedViewer>;
}

export async function buildProvince(db: Db): Promise<Province> {
  const build = builders(db);
  const school = {
    home: await build.school({ region: HOME }),
    home2: await build.school({ region: HOME }),
    away: await build.school({ region: AWAY }),
    empty: await build.school({ region: AWAY }),
  };
  const site = {
    home: await build.vaccinationSite({ region: HOME }),
    away: await build.vaccinationSite({ region: AWAY }),
    empty: await build.vaccinationSite({ region: AWAY }),
  };
  const doctor = {
    home: await build.familyDoctor({ region: HOME }),
    away: await build.familyDoctor({ region: AWAY }),
    empty: await build.familyDoctor({ region: AWAY }),
  };
  const area = {
    home: await build.coordinationArea({ code: "330100" }),
    away: await build.coordinationArea({ code: "330200" }),
    empty: await build.coordinationArea({ code: "330300" }),
  };
  const household = { home: await build.household({ region: HOME }), away: await build.household({ region: AWAY }) };

  const full = await build.child({
    household: household.home,
    birthCertificate: { region: HOME },
    immunizations: [site.home],
    registrations: [school.home],
    contracts: [doctor.home],
  });
  await build.guardian(full, { relation: "FATHER" });
  await build.enrollment(full, {
    area: area.home,
    contributions: [
      { payerKind: "SELF", amountFen: 20_000 },
      { payerKind: "EMPLOYEE_ACCOUNT", amountFen: 20_000, payerIdNumber: full.father.idNumber },
    ],
  });
  await build.assistanceEligibility({
    child: full,
    needyCategory: "MIN_LIVING",
    region: HOME,
    validUntil: "2026-12-31",
  });

  const away = await build.child({
    household: household.away,
    birthCertificate: { region: AWAY },
    immunizations: [site.away],
    registrations: [school.away],
    contracts: [doctor.away],
    enrollments: [{ area: area.away, coverageYear: COVERAGE_YEAR - 1, enrolledOn: "2024-11-20" }],
  });
  await build.guardian(away, { relation: "FATHER" });
  const newborn = await build.child({
    idNumber: null,
    hukou: null,
    birthDate: "2026-06-10",
    birthCertificate: { region: HOME },
    immunizations: [site.home],
    contracts: [doctor.home],
  });
  const student = await build.child({ hukou: AWAY, registrations: [school.home2] });
  const bornHere = await build.child({
    hukou: AWAY,
    birthCertificate: { region: HOME },
    immunizations: [site.away],
    registrations: [school.away],
  });
  const permit = await build.child({
    residencePermit: { residence: HOME },
    registrations: [school.home],
    enrollments: [
      {
        area: area.home,
        contributions: [
          { payerKind: "SELF", amountFen: 10_000 },
          { payerKind: "MEDICAL_ASSISTANCE", amountFen: 30_000, needyCategory: "DISABLED" },
        ],
      },
    ],
  });
  // Household records without an ID number, each its own child, and a review of it against a child.
  const reviewed = (name: string, hukou: string) => build.child({ name, idNumber: null, hukou });
  const reviewedFull = await reviewed("赵审一", HOME);
  const reviewedAway = await reviewed("赵审二", HOME);
  const reviewedNingbo = await reviewed("赵审三", AWAY);
  await build.link({ coverageAsOf: AS_OF });
  await addReview(db, reviewedFull, full);
  await addReview(db, reviewedAway, away);
  await addReview(db, reviewedNingbo, bornHere);
  await addUnresolved(db, reviewedFull, full);
  await addUnresolved(db, reviewedAway, away);
  await addUnresolved(db, reviewedNingbo, bornHere);
  await addUnresolved(db, reviewedFull, full, { decidedBy: "bb-earlier-officer" });

  const children = { full, away, newborn, student, bornHere, permit, reviewedFull, reviewedAway, reviewedNingbo };
  const places: Record<ChildName, Places> = {
    full: place(
      full,
      { hukou: HOME, schools: [[school.home.code, HOME]], birthCertificate: HOME, sites: [HOME] },
      {
        doctors: [[doctor.home.code, HOME]],
        areas: [area.home.code],
      },
    ),
    away: place(
      away,
      { hukou: AWAY, schools: [[school.away.code, AWAY]], birthCertificate: AWAY, sites: [AWAY] },
      {
        doctors: [[doctor.away.code, AWAY]],
        areas: [area.away.code],
      },
    ),
    newborn: place(
      newborn,
      { hukou: null, schools: [], birthCertificate: HOME, sites: [HOME] },
      {
        doctors: [[doctor.home.code, HOME]],
        areas: [],
      },
    ),
    student: place(student, { hukou: AWAY, schools: [[school.home2.code, HOME]], birthCertificate: null, sites: [] }),
    bornHere: place(bornHere, {
      hukou: AWAY,
      schools: [[school.away.code, AWAY]],
      birthCertificate: HOME,
      sites: [AWAY],
    }),
    permit: place(
      permit,
      { hukou: "340102", schools: [[school.home.code, HOME]], birthCertificate: null, sites: [] },
      { residencePermit: HOME, areas: [area.home.code] },
    ),
    reviewedFull: place(reviewedFull, { hukou: HOME, schools: [], birthCertificate: null, sites: [] }),
    reviewedAway: place(reviewedAway, { hukou: HOME, schools: [], birthCertificate: null, sites: [] }),
    reviewedNingbo: place(reviewedNingbo, { hukou: AWAY, schools: [], birthCertificate: null, sites: [] }),
  };

  const missingIdNumber = makeIdNumber({ regionCode: HOME, birthDate: "2012-12-12", sequence: 997 });
  const region = (role: AuthenticatedViewer["role"], subject: string): AuthenticatedViewer => ({
    subject,
    role,
    scope: { region: REGION_IN },
  });
  const system = (department: "household" | "health" | "education" | "insurance"): AuthenticatedViewer => ({
    subject: `bb-${department}-system`,
    role: "department_system",
    scope: { department, region: REGION_IN },
  });
  return {
    children,
    places,
    school: { home: school.home.code, home2: school.home2.code, away: school.away.code, empty: school.empty.code },
    site: { home: site.home.code, away: site.away.code, empty: site.empty.code },
    doctor: { home: doctor.home.code, away: doctor.away.code, empty: doctor.empty.code },
    area: { home: area.home.code, away: area.away.code, empty: area.empty.code },
    household: { home: household.home.number, away: household.away.number },
    missing: {
      childId: String(Math.max(...Object.values(children).map((c) => c.id)) + 1_000),
      idNumber: missingIdNumber,
      certificateNumber: "P987654321",
      studentNumber: `G${missingIdNumber}`,
      householdNumber: "33010699999999",
    },
    viewers: {
      insurance_officer: region("insurance_officer", "bb-insurance-officer"),
      health_officer: region("health_officer", "bb-health-officer"),
      education_officer: region("education_officer", "bb-education-officer"),
      school_admin: { subject: "bb-school-admin", role: "school_admin", scope: { schools: [school.home.code] } },
      family_doctor: { subject: "bb-family-doctor", role: "family_doctor", scope: { doctor: doctor.home.code } },
      household_officer: region("household_officer", "bb-household-officer"),
      analyst: region("analyst", "bb-analyst"),
      auditor: { subject: "bb-auditor", role: "auditor", scope: {} },
      "department_system:household": system("household"),
      "department_system:health": system("health"),
      "department_system:education": system("education"),
      "department_system:insurance": system("insurance"),
    },
  };
}

function place(
  child: BuiltChild,
  p: { hukou: string | null; schools: [string, string][]; birthCertificate: string | null; sites: string[] },
  more: { residencePermit?: string; doctors?: [string, string][]; areas?: string[] } = {},
): Places {
  const schoolRegions = p.schools.map(([, county]) => county);
  const residence = schoolRegions[0] ?? more.residencePermit ?? p.sites[0] ?? p.birthCertificate ?? p.hukou;
  return {
    hukou: p.hukou,
    residencePermit: more.residencePermit ?? null,
    schools: p.schools.map(([code]) => code),
    schoolRegions,
    birthCertificate: p.birthCertificate,
    sites: p.sites,
    doctors: (more.doctors ?? []).map(([code]) => code),
    doctorRegions: (more.doctors ?? []).map(([, county]) => county),
    areas: more.areas ?? [],
    idNumber: child.idNumber,
    carries: {
      student: child.registrations.length > 0,
      enrollment: child.enrollments.length > 0,
      contract: child.contracts.length > 0,
      household: child.person?.householdNumber != null,
    },
    residence,
  };
}

/**
 * Which of a child's places each category of the matrix shows: per record, with the department
 * that keeps it. A resident ID number shows where it was issued (its first 6 characters), masked
 * its province (the README's mask), on every record that carries it.
 */
const PLACES_SHOWN: readonly {
  category: Category;
  department: Department | "hub";
  records(p: Places): (string | null)[][];
}[] = [
  { category: "hukou", department: "household", records: (p) => [[p.hukou, p.residencePermit]] },
  { category: "schoolRecords", department: "education", records: (p) => p.schoolRegions.map((r) => [r]) },
  { category: "birthCertificate", department: "health", records: (p) => [[p.birthCertificate]] },
  { category: "immunization", department: "health", records: (p) => p.sites.map((r) => [r]) },
  { category: "doctorContracts", department: "health", records: (p) => p.doctorRegions.map((r) => [r]) },
  { category: "familyDoctorOfChild", department: "health", records: (p) => p.doctorRegions.map((r) => [r]) },
  { category: "enrollmentStatus", department: "insurance", records: (p) => p.areas.map((r) => [r]) },
  { category: "residence", department: "hub", records: (p) => [[p.residence]] },
];
const NUMBER_SHOWN: readonly { category: Category; department: Department | "hub"; on(p: Places): boolean }[] = [
  { category: "idNumber", department: "hub", on: () => true },
  { category: "studentNumber", department: "education", on: (p) => p.carries.student },
  { category: "enrollmentIdNumber", department: "insurance", on: (p) => p.carries.enrollment },
  { category: "contractIdNumber", department: "health", on: (p) => p.carries.contract },
  { category: "household", department: "household", on: (p) => p.carries.household },
];

/** The department whose records of a child a role reads inside its own region only (README, "Who sees what"). */
const REGION_RECORDS: Partial<Record<Column, Department>> = {
  health_officer: "health",
  education_officer: "education",
  household_officer: "household",
  "department_system:household": "household",
  "department_system:health": "health",
  "department_system:education": "education",
  "department_system:insurance": "insurance",
};

/**
 * Where a role may see a child placed: the places its categories show (matrix.ts). The README:
 * "Of a child it reaches, a department system — and a health, education or household officer —
 * reads that department's records of its own region only": a record of that department shows
 * its places only when it lies in the region. (The records that carry the ID number are not
 * told apart here: where the role reads any of them, the number's region counts as seen.)
 */
export function visiblePlaces(column: Column, viewer: AuthenticatedViewer, p: Places): string[] {
  const region = viewer.scope.region ?? "";
  const own = REGION_RECORDS[column];
  const readable = (department: Department | "hub", places: (string | null)[]) =>
    own !== department || places.some((place) => place?.startsWith(region));
  const visible: string[] = [];
  for (const shown of PLACES_SHOWN) {
    if (MAY_SEE[column][shown.category] === undefined) continue;
    for (const record of shown.records(p))
      if (readable(shown.department, record)) visible.push(...record.filter((x): x is string => x !== null));
  }
  if (p.idNumber) {
    for (const shown of NUMBER_SHOWN) {
      const grant = MAY_SEE[column][shown.category];
      if (grant === undefined || !shown.on(p)) continue;
      visible.push(p.idNumber.slice(0, grant === "full" ? 6 : 2));
    }
  }
  return visible;
}

/**
 * Each role's rows, from DESIGN.md's matrix ("rows" column) and the README's "Who sees what":
 * which of a child's places put it inside a viewer's scope. Never from src's ROW_SCOPES.
 */
export function inRows(column: Column, viewer: AuthenticatedViewer, p: Places): boolean {
  const region = viewer.scope.region;
  const inRegion = (...codes: (string | null)[]) =>
    region !== undefined && codes.some((c) => c !== null && c.startsWith(region));
  switch (column) {
    // "children resident or registered in their region": residence by the one rule; hukou,
    // residence permit, insurance enrollment area (README).
    case "insurance_officer":
      return inRegion(p.residence, p.hukou, p.residencePermit, ...p.areas);
    // "children with health records in region": birth certificate, vaccination file, ACTIVE contract.
    case "health_officer":
      return inRegion(p.birthCertificate, ...p.sites, ...p.doctorRegions);
    // "students of schools in region".
    case "education_officer":
      return inRegion(...p.schoolRegions);
    // "students of their own schools".
    case "school_admin":
      return p.schools.some((s) => viewer.scope.schools?.includes(s));
    // "their contracted patients".
    case "family_doctor":
      return p.doctors.includes(viewer.scope.doctor ?? "");
    // "persons registered in region".
    case "household_officer":
    case "department_system:household":
      return inRegion(p.hukou, p.residencePermit);
    // "its department, its region": its department's records placed in the region.
    case "department_system:health":
      return inRegion(p.birthCertificate, ...p.sites, ...p.doctorRegions);
    case "department_system:education":
      return inRegion(...p.schoolRegions);
    case "department_system:insurance":
      return inRegion(...p.areas);
    // "coverage statistics only" / "—".
    case "analyst":
    case "auditor":
      return false;
  }
}

/**
 * Puts a child's household record in the review queue against a candidate child, as the linkage
 * engine stores an uncertain pair (src/linkage/store.ts: identifiers masked, placed by the
 * record's county). Written directly rather than engineered through the match weights, so the
 * queue holds exactly these pairs however the engine is tuned.
 */
export async function addReview(db: Db, record: BuiltChild, candidate: BuiltChild): Promise<number> {
  const evidence = reviewEvidence(record, candidate);
  const [row] = await queryRows<{ id: number | string }>(
    db,
    sql`insert into hub.link_reviews (source, record_id, candidate_child_id, score, evidence, region_code)
        values ('household.person', ${record.person!.recordId}, ${candidate.id}, 11, ${JSON.stringify(evidence)}::jsonb,
                ${record.person!.hukouRegionCode}) returning id`,
  );
  return Number(row!.id);
}

/**
 * Enters a child as unresolved (hub.unresolved_children), its household record a possible match
 * of a candidate child, as the linkage stores a doubtful singleton (src/linkage/store.ts): placed,
 * as a review is, by the record's county.
 */
export async function addUnresolved(
  db: Db,
  record: BuiltChild,
  candidate: BuiltChild,
  options: { decidedBy?: string } = {},
): Promise<void> {
  const evidence = reviewEvidence(record, candidate);
  // An entry an officer already decided (a new child) keeps who decided it and when.
  const decided = options.decidedBy ?? null;
  await queryRows(
    db,
    sql`insert into hub.unresolved_children
          (child_id, source, record_id, candidate_child_id, reason, score, evidence, region_code,
           status, resolved_at, resolved_by)
        values (${record.id}, 'household.person', ${record.person!.recordId}, ${candidate.id}, 'POSSIBLE_MATCH', 11,
                ${JSON.stringify(evidence)}::jsonb, ${record.person!.hukouRegionCode},
                ${decided ? "NEW_CHILD" : "OPEN"}, ${decided ? sql`now()` : null}, ${decided})`,
  );
}

/** What the engine keeps of a doubtful pair: the agreements, and both records with identifiers masked. */
function reviewEvidence(record: BuiltChild, candidate: BuiltChild) {
  const shown = (c: BuiltChild) => ({
    source: "household.person",
    recordId: c.person!.recordId,
    name: c.name,
    sex: c.sex,
    birthDate: c.birthDate,
    idNumber: c.idNumber ? maskIdNumber(c.idNumber) : null,
    birthCertificateNumber: null,
    guardianIdNumbers: c.guardians.flatMap((g) => (g.idNumber ? [maskIdNumber(g.idNumber)] : [])),
    guardianPhones: c.guardians.flatMap((g) => (g.phone ? [maskPhone(g.phone)] : [])),
    regionCodes: [c.person!.hukouRegionCode],
  });
  return {
    score: 11,
    reason: "SCORE_BETWEEN_THRESHOLDS",
    fields: { name: "SIMILAR", birthDate: "DIFFERENT", sex: record.sex === candidate.sex ? "AGREE" : "DIFFERENT" },
    record: shown(record),
    candidate: shown(candidate),
  };
}
