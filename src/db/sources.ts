import { DEPARTMENTS, SOURCE_KINDS, type Department, type SourceKind } from "./enums.ts";

/**
 * THE source registry: for every kind of department record that describes a child (a source
 * of the master child index), which table holds it, which columns carry what the hub reads
 * about the child (identity, identifiers, guardians, the facts coverage weighs), and where the
 * record places the child (its region, school or doctor). Linkage's reader, the hub's identity
 * and lookups, coverage's facts, the `hub.child_scope` view (generated from `PLACES` into a
 * migration) and row access all read it: a table or column of a source is named here, once.
 *
 * Every SQL expression below is written over `x`, the record's own row, and the aliases of the
 * joins it names (`JOINS`); source-queries.ts assembles statements from them.
 */

/** A table joined to a record to reach what it names: its school, its site, its doctor. */
export type JoinName = "school" | "site" | "doctor";

export const JOINS: Readonly<Record<JoinName, { alias: string; table: string; on: string }>> = {
  school: { alias: "sc", table: "education.schools", on: "sc.school_code = x.school_code" },
  site: { alias: "vs", table: "health.vaccination_sites", on: "vs.site_code = x.site_code" },
  doctor: { alias: "fd", table: "health.family_doctors", on: "fd.doctor_code = x.doctor_code" },
};

/**
 * What a source record may say about its child. Identity: what linkage compares and the hub
 * shows. The rest: what coverage weighs (`LinkedRecords` in src/coverage/linked-records.ts).
 */
export const SOURCE_FIELDS = [
  "recordId",
  "name",
  "sex",
  "birthDate",
  "idNumber",
  "birthCertificateNumber",
  "studentNumber",
  "hukouRegionCode",
  "permitRegionCode",
  "birthRegionCode",
  "siteRegionCode",
  "lastDoseOn",
  "doctorCode",
  "status",
  "signedOn",
  "validUntil",
  "schoolCode",
  "schoolRegionCode",
  "schoolYear",
  "areaCode",
  "coverageYear",
  "enrolledOn",
  "paidOn",
  "payers",
  "assistanceCategories",
  "contributionFen",
  "assistanceFen",
] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];

/** One field of a source: an SQL expression over `x` and the joins it needs. */
export interface FieldSql {
  sql: string;
  joins?: readonly JoinName[];
}

/**
 * Where a record places its child, as a facet of `hub.child_scope`: a region (a division code),
 * a school (its code) or a doctor (their code). Row access reaches a child through these
 * (src/access/rows); a region prefix is only ever compared with region facets.
 */
export const PLACE_FACETS = {
  hukou: "region",
  residence_permit: "region",
  school: "school",
  school_region: "region",
  student_record_region: "region",
  birth_certificate: "region",
  vaccination_site: "region",
  doctor: "doctor",
  doctor_region: "region",
  insurance_area: "region",
} as const;
export type PlaceFacet = keyof typeof PLACE_FACETS;
export type PlaceKind = (typeof PLACE_FACETS)[PlaceFacet];

/**
 * Facets of `hub.child_scope` that no single record gives, derived from all of a child's records:
 * `residence`, where the child lives by coverage's one residence rule (`residenceRegionOf`:
 * the current school's county, else the residence permit's, else the vaccination site whose
 * file is in use, else for a newborn the birth certificate's place, else the hukou), as the
 * latest coverage snapshot on or before today (China) holds it. A region.
 */
export const DERIVED_FACETS = { residence: "region" } as const;
/** Every facet of `hub.child_scope`: the places records give, and the derived ones. */
export type ScopeFacet = PlaceFacet | keyof typeof DERIVED_FACETS;

export interface Place {
  facet: PlaceFacet;
  /** The code the record places the child at. */
  code: FieldSql;
  /** Only records for which this holds place the child (a current registration, an active contract). */
  when?: string;
  /** The code may be null (a column only some records fill): such records do not place the child. */
  optional?: boolean;
}

/** A person's guardians, kept in rows of their own (the person's record id in `recordColumn`). */
export interface GuardianRows {
  table: string;
  recordColumn: string;
  idNumber: string;
  phone: string;
  /** The guardian's name. */
  name: string;
}

export interface SourceSpec {
  source: SourceKind;
  department: Department;
  /** The department table, schema-qualified. */
  table: string;
  fields: Readonly<Partial<Record<SourceField, FieldSql>>>;
  /** Guardians' resident ID numbers the record itself carries (a certificate: the parents'). */
  guardianIdNumbers: readonly string[];
  /** Guardians' phones the record itself carries. */
  guardianPhones: readonly string[];
  /** Guardians' names the record itself carries (a certificate: the parents'; a clinic: who brought the child). */
  guardianNames: readonly string[];
  /** Guardians kept in rows of their own, beside the record's own columns. */
  guardianRows?: GuardianRows;
  /**
   * The regions the record names (where it was issued, or where the child lives as the
   * department wrote it): evidence linkage weighs when two records are compared.
   */
  regionEvidence: readonly FieldSql[];
  places: readonly Place[];
}

const col = (sql: string, ...joins: JoinName[]): FieldSql => (joins.length > 0 ? { sql, joins } : { sql });

/** `char(6)` division codes are read trimmed (the drivers differ on padding). */
const trimmed = (sql: string, ...joins: JoinName[]): FieldSql => col(`trim(${sql})`, ...joins);

export const SOURCES: Readonly<Record<SourceKind, SourceSpec>> = {
  "household.person": {
    source: "household.person",
    department: "household",
    table: "household.persons",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.name"),
      sex: col("x.sex"),
      birthDate: col("x.birth_date"),
      idNumber: col("x.id_number"),
      hukouRegionCode: trimmed("x.hukou_region_code"),
      // Where a residence-permit (居住证) holder lives: the residence rule's second place.
      permitRegionCode: trimmed("x.residence_region_code"),
    },
    guardianIdNumbers: [],
    guardianPhones: [],
    guardianNames: [],
    guardianRows: {
      table: "household.guardianships",
      recordColumn: "child_record_id",
      idNumber: "guardian_id_number",
      phone: "guardian_phone",
      name: "guardian_name",
    },
    regionEvidence: [col("x.hukou_region_code"), col("x.residence_region_code")],
    places: [
      { facet: "hukou", code: col("x.hukou_region_code") },
      { facet: "residence_permit", code: col("x.residence_region_code"), optional: true },
    ],
  },
  "health.birth_certificate": {
    source: "health.birth_certificate",
    department: "health",
    table: "health.birth_certificates",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.child_name"),
      sex: col("x.sex"),
      birthDate: col("x.birth_date"),
      birthCertificateNumber: col("x.certificate_number"),
      // The place of birth the certificate states (the issuing hospital's county): a newborn's place.
      birthRegionCode: trimmed("x.region_code"),
    },
    guardianIdNumbers: ["x.mother_id_number", "x.father_id_number"],
    guardianPhones: ["x.guardian_phone"],
    guardianNames: ["x.mother_name", "x.father_name"],
    regionEvidence: [col("x.region_code")],
    places: [{ facet: "birth_certificate", code: col("x.region_code") }],
  },
  "health.immunization_record": {
    source: "health.immunization_record",
    department: "health",
    table: "health.immunization_records",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.child_name"),
      sex: col("x.sex"),
      birthDate: col("x.birth_date"),
      idNumber: col("x.id_number"),
      birthCertificateNumber: col("x.birth_certificate_number"),
      siteRegionCode: trimmed("vs.region_code", "site"),
      lastDoseOn: col(
        "(select max(d.given_on) from health.immunization_doses d where d.immunization_record_id = x.record_id)",
      ),
    },
    guardianIdNumbers: [],
    guardianPhones: ["x.guardian_phone"],
    guardianNames: ["x.guardian_name"],
    // Where the site wrote the child lives; the site's own region places the child (below).
    regionEvidence: [col("x.residence_region_code")],
    places: [{ facet: "vaccination_site", code: col("vs.region_code", "site") }],
  },
  "health.doctor_contract": {
    source: "health.doctor_contract",
    department: "health",
    table: "health.doctor_contracts",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.patient_name"),
      sex: col("x.patient_sex"),
      birthDate: col("x.patient_birth_date"),
      idNumber: col("x.patient_id_number"),
      doctorCode: col("x.doctor_code"),
      status: col("x.status"),
      signedOn: col("x.signed_on"),
      validUntil: col("x.valid_until"),
    },
    guardianIdNumbers: [],
    guardianPhones: ["x.guardian_phone"],
    guardianNames: ["x.guardian_name"],
    regionEvidence: [col("fd.region_code", "doctor")],
    places: [
      { facet: "doctor", code: col("x.doctor_code"), when: "x.status = 'ACTIVE'" },
      { facet: "doctor_region", code: col("fd.region_code", "doctor"), when: "x.status = 'ACTIVE'" },
    ],
  },
  "education.student": {
    source: "education.student",
    department: "education",
    table: "education.student_registrations",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.name"),
      sex: col("x.sex"),
      birthDate: col("x.birth_date"),
      idNumber: col("x.id_number"),
      studentNumber: col("x.student_number"),
      schoolCode: col("x.school_code"),
      schoolRegionCode: trimmed("sc.region_code", "school"),
      status: col("x.status"),
      schoolYear: col("x.school_year"),
    },
    guardianIdNumbers: [],
    guardianPhones: ["x.guardian_phone"],
    guardianNames: [],
    regionEvidence: [col("sc.region_code", "school")],
    places: [
      { facet: "school", code: col("x.school_code"), when: "x.status = 'ENROLLED'" },
      { facet: "school_region", code: col("sc.region_code", "school"), when: "x.status = 'ENROLLED'" },
      { facet: "student_record_region", code: col("sc.region_code", "school") },
    ],
  },
  "insurance.enrollment": {
    source: "insurance.enrollment",
    department: "insurance",
    table: "insurance.enrollments",
    fields: {
      recordId: col("x.record_id"),
      name: col("x.name"),
      sex: col("x.sex"),
      birthDate: col("x.birth_date"),
      idNumber: col("x.id_number"),
      birthCertificateNumber: col("x.birth_certificate_number"),
      areaCode: trimmed("x.area_code"),
      coverageYear: col("x.coverage_year"),
      status: col("x.status"),
      enrolledOn: col("x.enrolled_on"),
      paidOn: col("x.paid_on"),
      payers: col(
        "coalesce((select json_agg(distinct co.payer_kind) from insurance.contributions co" +
          " where co.enrollment_record_id = x.record_id), '[]'::json)",
      ),
      assistanceCategories: col(
        "coalesce((select json_agg(distinct co.needy_category) from insurance.contributions co" +
          " where co.enrollment_record_id = x.record_id and co.payer_kind = 'MEDICAL_ASSISTANCE'" +
          " and co.needy_category is not null), '[]'::json)",
      ),
      contributionFen: col(
        "(select coalesce(sum(co.amount_fen), 0) from insurance.contributions co" +
          " where co.enrollment_record_id = x.record_id)",
      ),
      assistanceFen: col(
        "(select coalesce(sum(co.amount_fen), 0) from insurance.contributions co" +
          " where co.enrollment_record_id = x.record_id and co.payer_kind = 'MEDICAL_ASSISTANCE')",
      ),
    },
    guardianIdNumbers: [],
    guardianPhones: [],
    guardianNames: [],
    regionEvidence: [col("x.area_code")],
    places: [{ facet: "insurance_area", code: col("x.area_code") }],
  },
};

/** The registry as a list, in `SOURCE_KINDS` order (the order linkage reads and numbers them in). */
export const SOURCE_LIST: readonly SourceSpec[] = SOURCE_KINDS.map((kind) => SOURCES[kind]);

/** The sources a department sends. */
export function sourcesOf(department: Department): SourceSpec[] {
  if (!DEPARTMENTS.includes(department)) throw new Error(`no department "${String(department)}"`);
  return SOURCE_LIST.filter((s) => s.department === department);
}

/** The region facets a department's records place children by (what its own system reaches). */
export function regionFacetsOf(department: Department): PlaceFacet[] {
  return sourcesOf(department).flatMap((s) => s.places.map((p) => p.facet).filter((f) => PLACE_FACETS[f] === "region"));
}
