import { DEPARTMENTS, ROLES, type Department, type Role, type Viewer } from "../identity/viewer.ts";

/**
 * THE authorization policy of the hub: the one table the shield rules, the masking and the
 * authorization tests are generated from. DESIGN.md's matrix, field by field.
 *
 * Every field of every object type of the supergraph has a row here giving a decision for every
 * column (each role; `department_system` once per department, since "its own department's
 * types" depends on the token's department). A field added to the graph without a row fails
 * tests/access/policy.test.ts; anything the table does not name is denied (shield's
 * `fallbackRule: deny`).
 *
 *   A  allow   the value as stored
 *   M  mask    the same field, with the identifier masked (see masking.ts and MASK_KINDS): an ID
 *              number (or the one inside a G student number) keeps only its province, since
 *              every role that reads it masked also reads the birth date and sex
 *              (src/domain/id-number.ts, maskIdNumber; overrides DESIGN.md's first-6-last-4)
 *   .  deny    FORBIDDEN for the field; the rest of the query still answers
 *
 * Row scopes (which children a role reaches at all) are declared in ROW_SCOPES
 * (src/access/rows/scopes.ts) and applied by the data layer; this table only decides fields.
 */
export type Decision = "allow" | "mask" | "deny";

/** A column of the table: a role, with department_system split by the department it speaks for. */
export type PolicySubject = Exclude<Role, "department_system"> | `department_system:${Department}`;

/**
 * Column order of every row string below: the roles in viewer.ts order, department_system last,
 * once per department (household, health, education, insurance).
 */
export const POLICY_COLUMNS: readonly PolicySubject[] = [
  ...ROLES.filter((r): r is Exclude<Role, "department_system"> => r !== "department_system"),
  ...DEPARTMENTS.map((d) => `department_system:${d}` as const),
];
// A table read by people (prettier keeps its columns under this header):
// Columns:                                  ins hea edu sch doc hou ana aud | d:hou d:hea d:edu d:ins
// prettier-ignore
const TABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Query: {
    studentRegistration:                      ".   .   A   A   .   .   .   . | .     .     A     .",
    school:                                   "A   A   A   A   A   A   A   . | .     .     A     .",
    schools:                                  "A   A   A   A   A   A   A   . | .     .     A     .",
    familyDoctor:                             "A   A   .   .   A   .   .   . | .     A     .     .",
    familyDoctors:                            "A   A   .   .   A   .   .   . | .     A     .     .",
    vaccinationSite:                          "A   A   A   A   A   A   A   . | .     A     .     .",
    vaccinationSites:                         "A   A   A   A   A   A   A   . | .     A     .     .",
    household:                                "A   .   .   .   .   A   .   . | A     .     .     .",
    child:                                    "A   A   A   A   A   A   .   . | A     A     A     A",
    childByIdNumber:                          "A   A   A   A   A   A   .   . | A     A     A     A",
    childByBirthCertificateNumber:            "A   A   .   .   A   A   .   . | .     A     .     A",
    childByStudentNumber:                     "A   A   A   A   A   A   .   . | .     .     A     .",
    childrenInRegion:                         "A   A   A   A   A   A   .   . | A     A     A     A",
    coordinationArea:                         "A   A   A   A   A   A   A   . | .     .     .     A",
    coordinationAreas:                        "A   A   A   A   A   A   A   . | .     .     .     A",
    enrollmentsByIdNumber:                    "A   .   .   .   .   .   .   . | .     .     .     A",
    linkReviews:                              "A   .   .   .   .   A   .   . | .     .     .     .",
    // Children the matcher could not tell from another (#19.6): the officers who review links.
    unresolvedChildren:                       "A   .   .   .   .   A   .   . | .     .     .     .",
    accessLog:                                ".   .   .   .   .   .   .   A | .     .     .     .",
    whoLookedAt:                              ".   .   .   .   .   .   .   A | .     .     .     .",
    coverageGaps:                             "A   A   A   A   A   A   .   . | .     .     .     A",
    newbornWatchlist:                         "A   A   .   .   A   A   .   . | .     .     .     A",
    coverageSummary:                          "A   A   A   A   A   A   A   . | .     .     .     .",
    // The province's policy settings (#19): its insurance officer's; the resolver also requires the province's region.
    policySettings:                           "A   .   .   .   .   .   .   . | .     .     .     .",
    policySettingHistory:                     "A   .   .   .   .   .   .   . | .     .     .     .",
    policySettingChanges:                     "A   .   .   .   .   .   .   . | .     .     .     .",
  },

  // Corrections to the master child index (#5). Region-scoped officers who already see full
  // identity review and correct links; nobody else writes to the index.
  Mutation: {
    resolveLinkReview:                        "A   .   .   .   .   A   .   . | .     .     .     .",
    resolveUnresolvedChild:                   "A   .   .   .   .   A   .   . | .     .     .     .",
    mergeChildren:                            "A   .   .   .   .   A   .   . | .     .     .     .",
    splitChild:                               "A   .   .   .   .   A   .   . | .     .     .     .",
    undoChildEvent:                           "A   .   .   .   .   A   .   . | .     .     .     .",
    setPolicySetting:                         "A   .   .   .   .   .   .   . | .     .     .     .",
    // Ingestion (#7): each department's own system submits its own department's records; nobody else writes them.
    submitHouseholdRecords:                   ".   .   .   .   .   .   .   . | A     .     .     .",
    submitHealthRecords:                      ".   .   .   .   .   .   .   . | .     A     .     .",
    submitEducationRecords:                   ".   .   .   .   .   .   .   . | .     .     A     .",
    submitInsuranceRecords:                   ".   .   .   .   .   .   .   . | .     .     .     A",
  },
  // What a submitted batch did: read by whichever department system sent it (a value type the four
  // subgraphs share).
  IngestReport: {
    accepted:                                 ".   .   .   .   .   .   .   . | A     A     A     A",
    updated:                                  ".   .   .   .   .   .   .   . | A     A     A     A",
    unchanged:                                ".   .   .   .   .   .   .   . | A     A     A     A",
    rejectedRows:                             ".   .   .   .   .   .   .   . | A     A     A     A",
    rejected:                                 ".   .   .   .   .   .   .   . | A     A     A     A",
    touchedChildren:                          ".   .   .   .   .   .   .   . | A     A     A     A",
  },
  RejectedRow: {
    index:                                    ".   .   .   .   .   .   .   . | A     A     A     A",
    recordId:                                 ".   .   .   .   .   .   .   . | A     A     A     A",
    field:                                    ".   .   .   .   .   .   .   . | A     A     A     A",
    message:                                  ".   .   .   .   .   .   .   . | A     A     A     A",
  },

  // ── the shared child (owned by the hub, extended by every department) ──────────────────────
  Child: {
    id:                                       "A   A   A   A   A   A   .   . | A     A     A     A",
    name:                                     "A   A   A   A   A   A   .   . | .     .     .     .",
    sex:                                      "A   A   A   A   A   A   .   . | .     .     .     .",
    birthDate:                                "A   A   A   A   A   A   .   . | .     .     .     .",
    idNumber:                                 "A   M   M   M   A   A   .   . | .     .     .     .",
    residenceRegionCode:                      "A   A   A   A   A   A   .   . | .     .     .     .",
    // The master index's provenance (each linked record's kind, id, rule, score) is for the officers
    // who review and correct links, insurance and household (#18: not the health officer, to whom
    // other departments' record ids are FORBIDDEN on their own types).
    sources:                                  "A   .   .   .   .   A   .   . | .     .     .     .",
    enrollment:                               ".   .   A   A   .   .   .   . | .     .     A     .",
    studentRegistrations:                     ".   .   A   A   .   .   .   . | .     .     A     .",
    birthCertificate:                         "A   A   .   .   .   .   .   . | .     A     .     .",
    immunizations:                            ".   A   .   .   A   .   .   . | .     A     .     .",
    familyDoctor:                             "A   A   .   .   A   .   .   . | .     A     .     .",
    doctorContracts:                          ".   A   .   .   A   .   .   . | .     A     .     .",
    hukou:                                    "A   A   .   .   A   A   .   . | A     .     .     .",
    guardians:                                "A   .   .   .   A   A   .   . | A     .     .     .",
    insurance:                                "A   A   A   A   A   A   .   . | A     A     A     A",
    coverage:                                 "A   A   A   A   A   A   .   . | A     A     A     A",
  },
  ChildConnection: {
    edges:                                    "A   A   A   A   A   A   .   . | A     A     A     A",
    pageInfo:                                 "A   A   A   A   A   A   .   . | A     A     A     A",
    totalCount:                               "A   A   A   A   A   A   .   . | A     A     A     A",
  },
  ChildEdge: {
    cursor:                                   "A   A   A   A   A   A   .   . | A     A     A     A",
    node:                                     "A   A   A   A   A   A   .   . | A     A     A     A",
  },
  ChildSource: {
    source:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    recordId:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    rule:                                     "A   .   .   .   .   A   .   . | .     .     .     .",
    score:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    linkedAt:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  // ── link reviews: what the matcher could not decide (identifiers arrive already masked) ──
  LinkReview: {
    id:                                       "A   .   .   .   .   A   .   . | .     .     .     .",
    source:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    recordId:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    candidate:                                "A   .   .   .   .   A   .   . | .     .     .     .",
    score:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    reason:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    fields:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    record:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    candidateRecord:                          "A   .   .   .   .   A   .   . | .     .     .     .",
    regionCode:                               "A   .   .   .   .   A   .   . | .     .     .     .",
    status:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    createdAt:                                "A   .   .   .   .   A   .   . | .     .     .     .",
    resolvedAt:                               "A   .   .   .   .   A   .   . | .     .     .     .",
    resolvedBy:                               "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  LinkReviewConnection: {
    edges:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    pageInfo:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    totalCount:                               "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  LinkReviewEdge: {
    cursor:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    node:                                     "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  // ── unresolved children: kept out of coverage until a person decides (identifiers arrive masked) ──
  UnresolvedChild: {
    id:                                       "A   .   .   .   .   A   .   . | .     .     .     .",
    child:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    reason:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    source:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    recordId:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    record:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    candidate:                                "A   .   .   .   .   A   .   . | .     .     .     .",
    candidateRecord:                          "A   .   .   .   .   A   .   . | .     .     .     .",
    score:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    fields:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    regionCode:                               "A   .   .   .   .   A   .   . | .     .     .     .",
    status:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    createdAt:                                "A   .   .   .   .   A   .   . | .     .     .     .",
    resolvedAt:                               "A   .   .   .   .   A   .   . | .     .     .     .",
    resolvedBy:                               "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  UnresolvedChildConnection: {
    edges:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    pageInfo:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    totalCount:                               "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  UnresolvedChildEdge: {
    cursor:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    node:                                     "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  FieldAgreement: {
    field:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
    level:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  ReviewedRecord: {
    source:                                   "A   .   .   .   .   A   .   . | .     .     .     .",
    recordId:                                 "A   .   .   .   .   A   .   . | .     .     .     .",
    name:                                     "A   .   .   .   .   A   .   . | .     .     .     .",
    sex:                                      "A   .   .   .   .   A   .   . | .     .     .     .",
    birthDate:                                "A   .   .   .   .   A   .   . | .     .     .     .",
    maskedIdNumber:                           "A   .   .   .   .   A   .   . | .     .     .     .",
    maskedBirthCertificateNumber:             "A   .   .   .   .   A   .   . | .     .     .     .",
    maskedGuardianIdNumbers:                  "A   .   .   .   .   A   .   . | .     .     .     .",
    maskedGuardianPhones:                     "A   .   .   .   .   A   .   . | .     .     .     .",
    regionCodes:                              "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  ChildEventResult: {
    eventId:                                  "A   .   .   .   .   A   .   . | .     .     .     .",
    child:                                    "A   .   .   .   .   A   .   . | .     .     .     .",
  },
  PageInfo: {
    hasNextPage:                              "A   A   A   A   A   A   A   A | A     A     A     A",
    endCursor:                                "A   A   A   A   A   A   A   A | A     A     A     A",
  },

  // ── household registration ─────────────────────────────────────────────────────────────────
  Hukou: {
    registrationKind:                         "A   A   .   .   A   A   .   . | A     .     .     .",
    regionCode:                               "A   A   .   .   A   A   .   . | A     .     .     .",
    residenceRegionCode:                      "A   A   .   .   A   A   .   . | A     .     .     .",
    address:                                  "A   .   .   .   .   A   .   . | A     .     .     .",
    householdNumber:                          "A   .   .   .   .   A   .   . | A     .     .     .",
    residencePermitNumber:                    "A   .   .   .   .   A   .   . | A     .     .     .",
  },
  Guardian: {
    relation:                                 "A   .   .   .   A   A   .   . | A     .     .     .",
    name:                                     "A   .   .   .   A   A   .   . | A     .     .     .",
    idNumber:                                 "A   .   .   .   M   A   .   . | A     .     .     .",
    phone:                                    "A   .   .   .   A   A   .   . | A     .     .     .",
  },
  Household: {
    householdNumber:                          "A   .   .   .   .   A   .   . | A     .     .     .",
    regionCode:                               "A   .   .   .   .   A   .   . | A     .     .     .",
    address:                                  "A   .   .   .   .   A   .   . | A     .     .     .",
    members:                                  "A   .   .   .   .   A   .   . | A     .     .     .",
  },
  HouseholdMember: {
    name:                                     "A   .   .   .   .   A   .   . | A     .     .     .",
    sex:                                      "A   .   .   .   .   A   .   . | A     .     .     .",
    birthDate:                                "A   .   .   .   .   A   .   . | A     .     .     .",
    idNumber:                                 "A   .   .   .   .   A   .   . | A     .     .     .",
  },

  // ── health ─────────────────────────────────────────────────────────────────────────────────
  BirthCertificate: {
    certificateNumber:                        "A   A   .   .   .   .   .   . | .     A     .     .",
    childName:                                "A   A   .   .   .   .   .   . | .     A     .     .",
    sex:                                      "A   A   .   .   .   .   .   . | .     A     .     .",
    birthDate:                                "A   A   .   .   .   .   .   . | .     A     .     .",
    motherName:                               "A   A   .   .   .   .   .   . | .     A     .     .",
    motherIdNumber:                           "A   M   .   .   .   .   .   . | .     A     .     .",
    fatherName:                               "A   A   .   .   .   .   .   . | .     A     .     .",
    fatherIdNumber:                           "A   M   .   .   .   .   .   . | .     A     .     .",
    guardianPhone:                            "A   A   .   .   .   .   .   . | .     A     .     .",
    regionCode:                               "A   A   .   .   .   .   .   . | .     A     .     .",
    issuedOn:                                 "A   A   .   .   .   .   .   . | .     A     .     .",
    hospital:                                 "A   A   .   .   .   .   .   . | .     A     .     .",
  },
  Hospital: {
    code:                                     "A   A   .   .   .   .   .   . | .     A     .     .",
    name:                                     "A   A   .   .   .   .   .   . | .     A     .     .",
    regionCode:                               "A   A   .   .   .   .   .   . | .     A     .     .",
  },
  ImmunizationRecord: {
    recordId:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    childName:                                ".   A   .   .   A   .   .   . | .     A     .     .",
    birthDate:                                ".   A   .   .   A   .   .   . | .     A     .     .",
    guardianName:                             ".   A   .   .   A   .   .   . | .     A     .     .",
    guardianPhone:                            ".   A   .   .   A   .   .   . | .     A     .     .",
    site:                                     ".   A   .   .   A   .   .   . | .     A     .     .",
    doses:                                    ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  ImmunizationDose: {
    vaccineCode:                              ".   A   .   .   A   .   .   . | .     A     .     .",
    vaccineName:                              ".   A   .   .   A   .   .   . | .     A     .     .",
    doseNumber:                               ".   A   .   .   A   .   .   . | .     A     .     .",
    givenOn:                                  ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  VaccinationSite: {
    code:                                     "A   A   A   A   A   A   A   . | .     A     .     .",
    name:                                     "A   A   A   A   A   A   A   . | .     A     .     .",
    regionCode:                               "A   A   A   A   A   A   A   . | .     A     .     .",
    children:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  VaccinationSiteConnection: {
    edges:                                    "A   A   A   A   A   A   A   . | .     A     .     .",
    pageInfo:                                 "A   A   A   A   A   A   A   . | .     A     .     .",
    totalCount:                               "A   A   A   A   A   A   A   . | .     A     .     .",
  },
  VaccinationSiteEdge: {
    cursor:                                   "A   A   A   A   A   A   A   . | .     A     .     .",
    node:                                     "A   A   A   A   A   A   A   . | .     A     .     .",
  },
  VaccinationSiteChildConnection: {
    edges:                                    ".   A   .   .   A   .   .   . | .     A     .     .",
    pageInfo:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    totalCount:                               ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  VaccinationSiteChildEdge: {
    cursor:                                   ".   A   .   .   A   .   .   . | .     A     .     .",
    node:                                     ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  FamilyDoctor: {
    code:                                     "A   A   .   .   A   .   .   . | .     A     .     .",
    name:                                     "A   A   .   .   A   .   .   . | .     A     .     .",
    institution:                              "A   A   .   .   A   .   .   . | .     A     .     .",
    teamName:                                 "A   A   .   .   A   .   .   . | .     A     .     .",
    phone:                                    "A   A   .   .   A   .   .   . | .     A     .     .",
    regionCode:                               "A   A   .   .   A   .   .   . | .     A     .     .",
    patients:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  FamilyDoctorConnection: {
    edges:                                    "A   A   .   .   A   .   .   . | .     A     .     .",
    pageInfo:                                 "A   A   .   .   A   .   .   . | .     A     .     .",
    totalCount:                               "A   A   .   .   A   .   .   . | .     A     .     .",
  },
  FamilyDoctorEdge: {
    cursor:                                   "A   A   .   .   A   .   .   . | .     A     .     .",
    node:                                     "A   A   .   .   A   .   .   . | .     A     .     .",
  },
  DoctorContract: {
    recordId:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    patientName:                              ".   A   .   .   A   .   .   . | .     A     .     .",
    patientIdNumber:                          ".   M   .   .   A   .   .   . | .     A     .     .",
    patientBirthDate:                         ".   A   .   .   A   .   .   . | .     A     .     .",
    guardianName:                             ".   A   .   .   A   .   .   . | .     A     .     .",
    guardianPhone:                            ".   A   .   .   A   .   .   . | .     A     .     .",
    signedOn:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    validUntil:                               ".   A   .   .   A   .   .   . | .     A     .     .",
    status:                                   ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  Patient: {
    contract:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    child:                                    ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  PatientConnection: {
    edges:                                    ".   A   .   .   A   .   .   . | .     A     .     .",
    pageInfo:                                 ".   A   .   .   A   .   .   . | .     A     .     .",
    totalCount:                               ".   A   .   .   A   .   .   . | .     A     .     .",
  },
  PatientEdge: {
    cursor:                                   ".   A   .   .   A   .   .   . | .     A     .     .",
    node:                                     ".   A   .   .   A   .   .   . | .     A     .     .",
  },

  // ── education ──────────────────────────────────────────────────────────────────────────────
  School: {
    code:                                     "A   A   A   A   A   A   A   . | .     .     A     .",
    name:                                     "A   A   A   A   A   A   A   . | .     .     A     .",
    kind:                                     "A   A   A   A   A   A   A   . | .     .     A     .",
    regionCode:                               "A   A   A   A   A   A   A   . | .     .     A     .",
    students:                                 ".   .   A   A   .   .   .   . | .     .     A     .",
    studentCount:                             ".   .   A   A   .   .   .   . | .     .     A     .",
    coverage:                                 "A   .   A   A   .   .   A   . | .     .     .     .",
  },
  SchoolConnection: {
    edges:                                    "A   A   A   A   A   A   A   . | .     .     A     .",
    pageInfo:                                 "A   A   A   A   A   A   A   . | .     .     A     .",
    totalCount:                               "A   A   A   A   A   A   A   . | .     .     A     .",
  },
  SchoolEdge: {
    cursor:                                   "A   A   A   A   A   A   A   . | .     .     A     .",
    node:                                     "A   A   A   A   A   A   A   . | .     .     A     .",
  },
  StudentConnection: {
    edges:                                    ".   .   A   A   .   .   .   . | .     .     A     .",
    pageInfo:                                 ".   .   A   A   .   .   .   . | .     .     A     .",
    totalCount:                               ".   .   A   A   .   .   .   . | .     .     A     .",
    schoolYear:                               ".   .   A   A   .   .   .   . | .     .     A     .",
  },
  StudentEdge: {
    cursor:                                   ".   .   A   A   .   .   .   . | .     .     A     .",
    node:                                     ".   .   A   A   .   .   .   . | .     .     A     .",
  },
  StudentRegistration: {
    recordId:                                 ".   .   A   A   .   .   .   . | .     .     A     .",
    studentNumber:                            ".   .   M   M   .   .   .   . | .     .     A     .",
    name:                                     ".   .   A   A   .   .   .   . | .     .     A     .",
    sex:                                      ".   .   A   A   .   .   .   . | .     .     A     .",
    birthDate:                                ".   .   A   A   .   .   .   . | .     .     A     .",
    grade:                                    ".   .   A   A   .   .   .   . | .     .     A     .",
    className:                                ".   .   A   A   .   .   .   . | .     .     A     .",
    schoolYear:                               ".   .   A   A   .   .   .   . | .     .     A     .",
    status:                                   ".   .   A   A   .   .   .   . | .     .     A     .",
    guardianPhone:                            ".   .   .   .   .   .   .   . | .     .     A     .",
    school:                                   ".   .   A   A   .   .   .   . | .     .     A     .",
    child:                                    ".   .   A   A   .   .   .   . | .     .     A     .",
  },

  // ── medical insurance ──────────────────────────────────────────────────────────────────────
  ChildInsurance: {
    insuredFor:                               "A   A   A   A   A   A   .   . | A     A     A     A",
    enrollments:                              "A   A   A   A   A   A   .   . | .     .     .     A",
    assistanceEligibility:                    "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  Enrollment: {
    recordId:                                 "A   .   .   .   .   .   .   . | .     .     .     A",
    coverageYear:                             "A   A   A   A   A   A   .   . | .     .     .     A",
    insuranceType:                            "A   A   A   A   A   A   .   . | .     .     .     A",
    status:                                   "A   A   A   A   A   A   .   . | .     .     .     A",
    enrolledOn:                               "A   A   A   A   A   A   .   . | .     .     .     A",
    benefitStartsOn:                          "A   A   A   A   A   A   .   . | .     .     .     A",
    paidOn:                                   "A   .   .   .   .   .   .   . | .     .     .     A",
    idNumber:                                 "A   M   M   M   A   A   .   . | .     .     .     A",
    birthCertificateNumber:                   "A   A   .   .   A   .   .   . | .     .     .     A",
    name:                                     "A   A   A   A   A   A   .   . | .     .     .     A",
    area:                                     "A   A   A   A   A   A   .   . | .     .     .     A",
    contributions:                            "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  EnrollmentConnection: {
    edges:                                    "A   .   .   .   .   .   .   . | .     .     .     A",
    pageInfo:                                 "A   .   .   .   .   .   .   . | .     .     .     A",
    totalCount:                               "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  EnrollmentEdge: {
    cursor:                                   "A   .   .   .   .   .   .   . | .     .     .     A",
    node:                                     "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  Contribution: {
    recordId:                                 "A   .   .   .   .   .   .   . | .     .     .     A",
    amountFen:                                "A   .   .   .   .   .   .   . | .     .     .     A",
    amountYuan:                               "A   .   .   .   .   .   .   . | .     .     .     A",
    payerKind:                                "A   .   .   .   .   .   .   . | .     .     .     A",
    needyCategory:                            "A   .   .   .   .   .   .   . | .     .     .     A",
    payerIdNumber:                            "A   .   .   .   .   .   .   . | .     .     .     A",
    paidOn:                                   "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  AssistanceEligibility: {
    needyCategory:                            "A   .   .   .   .   .   .   . | .     .     .     A",
    regionCode:                               "A   .   .   .   .   .   .   . | .     .     .     A",
    validFrom:                                "A   .   .   .   .   .   .   . | .     .     .     A",
    validUntil:                               "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  CoordinationArea: {
    code:                                     "A   A   A   A   A   A   A   . | .     .     .     A",
    name:                                     "A   A   A   A   A   A   A   . | .     .     .     A",
    windowOpens:                              "A   A   A   A   A   A   A   . | .     .     .     A",
    windowCloses:                             "A   A   A   A   A   A   A   . | .     .     .     A",
    annualContributionFen:                    "A   A   A   A   A   A   A   . | .     .     .     A",
    enrollments:                              "A   .   .   .   .   .   .   . | .     .     .     A",
    enrolledCount:                            "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  CoordinationAreaConnection: {
    edges:                                    "A   A   A   A   A   A   A   . | .     .     .     A",
    pageInfo:                                 "A   A   A   A   A   A   A   . | .     .     .     A",
    totalCount:                               "A   A   A   A   A   A   A   . | .     .     .     A",
  },
  CoordinationAreaEdge: {
    cursor:                                   "A   A   A   A   A   A   A   . | .     .     .     A",
    node:                                     "A   A   A   A   A   A   A   . | .     .     .     A",
  },


  // ── coverage (#6): a child's status is "insurance status", which every role with individuals sees ──
  // The status and its dates (the newborn deadline and code window follow from the birth date, the
  // waiting period is what a LAPSED status shows: DESIGN.md, "Coverage status") go with it. The gap
  // beyond it (#18.20): its reasons say needy and non-local hukou, the action names the needy
  // category and the areas of a duplicate, the code is a school, a doctor, an area or a region.
  // - insurance officer ("gaps") and education officer ("insurance status and gap"): all of it;
  // - school administrator ("insurance status, gap reason, action"): the reasons and the action, and
  //   who acts as a kind (the action names it anyway), not the code: it may be a doctor's (health)
  //   or a hukou region's, which the school may not see;
  // - family doctor ("insurance status, deadlines"), more than the words, and why: DESIGN.md makes the
  //   doctor the responsible actor for contracted patients (insurance mobilisation is part of the
  //   contracted service), who must know why a patient is uninsured and what to do; the code is
  //   withheld (it may be the patient's school, and school records are not the doctor's);
  // - health and household officers and department systems ("insurance status" only): the status
  //   and its dates, nothing of the gap.
  ChildCoverage: {
    asOf:                                     "A   A   A   A   A   A   .   . | A     A     A     A",
    coverageYear:                             "A   A   A   A   A   A   .   . | A     A     A     A",
    status:                                   "A   A   A   A   A   A   .   . | A     A     A     A",
    reasons:                                  "A   .   A   A   A   .   .   . | .     .     .     .",
    leadingReason:                            "A   .   A   A   A   .   .   . | .     .     .     .",
    deadline:                                 "A   A   A   A   A   A   .   . | A     A     A     A",
    daysLeft:                                 "A   A   A   A   A   A   .   . | A     A     A     A",
    codeWindowEndsOn:                         "A   A   A   A   A   A   .   . | A     A     A     A",
    waitingPeriodMonths:                      "A   A   A   A   A   A   .   . | A     A     A     A",
    responsibleActor:                         "A   .   A   A   A   .   .   . | .     .     .     .",
    responsibleCode:                          "A   .   A   .   .   .   .   . | .     .     .     .",
    action:                                   "A   .   A   A   A   .   .   . | .     .     .     .",
    // The needy category (#19): the insurance office's ("all insurance fields"), as AssistanceEligibility is.
    needyCategory:                            "A   .   .   .   .   .   .   . | .     .     .     A",
  },
  CoverageGap: {
    child:                                    "A   A   A   A   A   A   .   . | .     .     .     A",
    coverage:                                 "A   A   A   A   A   A   .   . | .     .     .     A",
    // Names for the gap list (#22.3): the residence's name goes with Child.residenceRegionCode, the
    // responsible unit's with ChildCoverage.responsibleCode (a doctor's name further needs FamilyDoctor.name).
    residenceRegionName:                      "A   A   A   A   A   A   .   . | .     .     .     .",
    responsibleName:                          "A   .   A   .   .   .   .   . | .     .     .     .",
  },
  CoverageGapConnection: {
    edges:                                    "A   A   A   A   A   A   .   . | .     .     .     A",
    pageInfo:                                 "A   A   A   A   A   A   .   . | .     .     .     A",
    totalCount:                               "A   A   A   A   A   A   .   . | .     .     .     A",
  },
  CoverageGapEdge: {
    cursor:                                   "A   A   A   A   A   A   .   . | .     .     .     A",
    node:                                     "A   A   A   A   A   A   .   . | .     .     .     A",
  },
  // Aggregates: the analyst's too (small cells suppressed); department systems read records, not statistics.
  CoverageSummary: {
    asOf:                                     "A   A   A   A   A   A   A   . | .     .     .     .",
    coverageYear:                             "A   A   A   A   A   A   A   . | .     .     .     .",
    region:                                   "A   A   A   A   A   A   A   . | .     .     .     .",
    school:                                   "A   A   A   A   A   A   A   . | .     .     .     .",
    groupBy:                                  "A   A   A   A   A   A   A   . | .     .     .     .",
    total:                                    "A   A   A   A   A   A   A   . | .     .     .     .",
    groups:                                   "A   A   A   A   A   A   A   . | .     .     .     .",
    targets:                                  "A   A   A   A   A   A   A   . | .     .     .     .",
  },
  CoverageGroup: {
    key:                                      "A   A   A   A   A   A   A   . | .     .     .     .",
    label:                                    "A   A   A   A   A   A   A   . | .     .     .     .",
    suppressed:                               "A   A   A   A   A   A   A   . | .     .     .     .",
    children:                                 "A   A   A   A   A   A   A   . | .     .     .     .",
    insured:                                  "A   A   A   A   A   A   A   . | .     .     .     .",
    insuredRate:                              "A   A   A   A   A   A   A   . | .     .     .     .",
    newborns:                                 "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornsInsured:                          "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornInsuredRate:                       "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornsInsuredWithinWindow:              "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornWithinWindowRate:                  "A   A   A   A   A   A   A   . | .     .     .     .",
    statusCounts:                             "A   A   A   A   A   A   A   . | .     .     .     .",
  },
  StatusCount: {
    status:                                   "A   A   A   A   A   A   A   . | .     .     .     .",
    count:                                    "A   A   A   A   A   A   A   . | .     .     .     .",
  },
  PolicyTargets: {
    overallInsuredRate:                       "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornInsuredRate:                       "A   A   A   A   A   A   A   . | .     .     .     .",
    newbornWindowDays:                        "A   A   A   A   A   A   A   . | .     .     .     .",
  },

  // ── the province's policy settings (#19): read and set by its insurance officer only ──────────
  PolicySettingsInForce: {
    on:                                       "A   .   .   .   .   .   .   . | .     .     .     .",
    regionCode:                               "A   .   .   .   .   .   .   . | .     .     .     .",
    newbornWindowDays:                        "A   .   .   .   .   .   .   . | .     .     .     .",
    coverageYear:                             "A   .   .   .   .   .   .   . | .     .     .     .",
    collectionPeriod:                         "A   .   .   .   .   .   .   . | .     .     .     .",
    waitingPeriod:                            "A   .   .   .   .   .   .   . | .     .     .     .",
    needySubsidies:                           "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  CollectionPeriod: {
    opensOn:                                  "A   .   .   .   .   .   .   . | .     .     .     .",
    closesOn:                                 "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  WaitingPeriodRule: {
    fixedMonths:                              "A   .   .   .   .   .   .   . | .     .     .     .",
    monthsPerLapsedYear:                      "A   .   .   .   .   .   .   . | .     .     .     .",
    longLapseYears:                           "A   .   .   .   .   .   .   . | .     .     .     .",
    longLapseMinimumMonths:                   "A   .   .   .   .   .   .   . | .     .     .     .",
    newbornExemption:                         "A   .   .   .   .   .   .   . | .     .     .     .",
    neverInsured:                             "A   .   .   .   .   .   .   . | .     .     .     .",
    needyExempt:                              "A   .   .   .   .   .   .   . | .     .     .     .",
    lapsesCountFrom:                          "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  NeedySubsidy: {
    category:                                 "A   .   .   .   .   .   .   . | .     .     .     .",
    kind:                                     "A   .   .   .   .   .   .   . | .     .     .     .",
    amountFen:                                "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  PolicySettingValue: {
    newbornWindowDays:                        "A   .   .   .   .   .   .   . | .     .     .     .",
    collectionPeriod:                         "A   .   .   .   .   .   .   . | .     .     .     .",
    waitingPeriod:                            "A   .   .   .   .   .   .   . | .     .     .     .",
    needySubsidy:                             "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  PolicySetting: {
    key:                                      "A   .   .   .   .   .   .   . | .     .     .     .",
    regionCode:                               "A   .   .   .   .   .   .   . | .     .     .     .",
    effectiveFrom:                            "A   .   .   .   .   .   .   . | .     .     .     .",
    value:                                    "A   .   .   .   .   .   .   . | .     .     .     .",
    changedAt:                                "A   .   .   .   .   .   .   . | .     .     .     .",
    changedBy:                                "A   .   .   .   .   .   .   . | .     .     .     .",
    note:                                     "A   .   .   .   .   .   .   . | .     .     .     .",
  },
  PolicySettingChange: {
    at:                                       "A   .   .   .   .   .   .   . | .     .     .     .",
    actor:                                    "A   .   .   .   .   .   .   . | .     .     .     .",
    role:                                     "A   .   .   .   .   .   .   . | .     .     .     .",
    source:                                   "A   .   .   .   .   .   .   . | .     .     .     .",
    key:                                      "A   .   .   .   .   .   .   . | .     .     .     .",
    regionCode:                               "A   .   .   .   .   .   .   . | .     .     .     .",
    effectiveFrom:                            "A   .   .   .   .   .   .   . | .     .     .     .",
    oldValue:                                 "A   .   .   .   .   .   .   . | .     .     .     .",
    newValue:                                 "A   .   .   .   .   .   .   . | .     .     .     .",
    note:                                     "A   .   .   .   .   .   .   . | .     .     .     .",
    changed:                                  "A   .   .   .   .   .   .   . | .     .     .     .",
    reassessed:                               "A   .   .   .   .   .   .   . | .     .     .     .",
  },

  // ── the access log: the auditor's, and nobody else's ──────────────────────────────────────
  AccessLogEntry: {
    at:                                       ".   .   .   .   .   .   .   A | .     .     .     .",
    actor:                                    ".   .   .   .   .   .   .   A | .     .     .     .",
    role:                                     ".   .   .   .   .   .   .   A | .     .     .     .",
    scope:                                    ".   .   .   .   .   .   .   A | .     .     .     .",
    operation:                                ".   .   .   .   .   .   .   A | .     .     .     .",
    childIds:                                 ".   .   .   .   .   .   .   A | .     .     .     .",
    fields:                                   ".   .   .   .   .   .   .   A | .     .     .     .",
    purpose:                                  ".   .   .   .   .   .   .   A | .     .     .     .",
    requestId:                                ".   .   .   .   .   .   .   A | .     .     .     .",
  },
  AccessLogConnection: {
    edges:                                    ".   .   .   .   .   .   .   A | .     .     .     .",
    pageInfo:                                 ".   .   .   .   .   .   .   A | .     .     .     .",
    totalCount:                               ".   .   .   .   .   .   .   A | .     .     .     .",
  },
  AccessLogEdge: {
    cursor:                                   ".   .   .   .   .   .   .   A | .     .     .     .",
    node:                                     ".   .   .   .   .   .   .   A | .     .     .     .",
  },
  // "Who looked at my child": one child's history, readers as organisations (#19.7). The auditor's now;
  // the guardian's own children with issue #21.
  ChildAccess: {
    date:                                     ".   .   .   .   .   .   .   A | .     .     .     .",
    role:                                     ".   .   .   .   .   .   .   A | .     .     .     .",
    department:                               ".   .   .   .   .   .   .   A | .     .     .     .",
    region:                                   ".   .   .   .   .   .   .   A | .     .     .     .",
    schools:                                  ".   .   .   .   .   .   .   A | .     .     .     .",
    fields:                                   ".   .   .   .   .   .   .   A | .     .     .     .",
    purpose:                                  ".   .   .   .   .   .   .   A | .     .     .     .",
  },
  ChildAccessConnection: {
    edges:                                    ".   .   .   .   .   .   .   A | .     .     .     .",
    pageInfo:                                 ".   .   .   .   .   .   .   A | .     .     .     .",
    totalCount:                               ".   .   .   .   .   .   .   A | .     .     .     .",
  },
  ChildAccessEdge: {
    cursor:                                   ".   .   .   .   .   .   .   A | .     .     .     .",
    node:                                     ".   .   .   .   .   .   .   A | .     .     .     .",
  },
};

/**
 * Federation plumbing every subgraph must answer for the gateway to work at all. `_entities`
 * only returns references: the rules of the entity's own fields, and the data layer's row
 * scopes, still apply to everything read through it.
 */
export const FEDERATION_FIELDS: ReadonlySet<string> = new Set(["Query._service", "_Service.sdl", "Query._entities"]);

/** Fields whose value a role with "mask" sees masked, and how (masking.ts). */
export type MaskKind = "idNumber" | "studentNumber" | "phone" | "certificateNumber";
export const MASK_KINDS: Readonly<Record<string, MaskKind>> = {
  "Child.idNumber": "idNumber",
  "Guardian.idNumber": "idNumber",
  "HouseholdMember.idNumber": "idNumber",
  "Hukou.residencePermitNumber": "idNumber",
  "BirthCertificate.motherIdNumber": "idNumber",
  "BirthCertificate.fatherIdNumber": "idNumber",
  "DoctorContract.patientIdNumber": "idNumber",
  "Enrollment.idNumber": "idNumber",
  "Contribution.payerIdNumber": "idNumber",
  "StudentRegistration.studentNumber": "studentNumber",
  "Guardian.phone": "phone",
  "BirthCertificate.guardianPhone": "phone",
  "ImmunizationRecord.guardianPhone": "phone",
  "DoctorContract.guardianPhone": "phone",
  "StudentRegistration.guardianPhone": "phone",
  "FamilyDoctor.phone": "phone",
  "BirthCertificate.certificateNumber": "certificateNumber",
  "Enrollment.birthCertificateNumber": "certificateNumber",
};

// ── lookups ─────────────────────────────────────────────────────────────────────────────────────

export interface PolicyEntry {
  subject: PolicySubject;
  role: Role;
  department?: Department;
  typeName: string;
  fieldName: string;
  decision: Decision;
}

const CODES: Readonly<Record<string, Decision>> = { A: "allow", M: "mask", ".": "deny" };

/** "Type.field" → decision per column, parsed once; a malformed row is a programming error caught at import. */
const PARSED: ReadonlyMap<string, readonly Decision[]> = (() => {
  const parsed = new Map<string, Decision[]>();
  for (const [typeName, fields] of Object.entries(TABLE)) {
    for (const [fieldName, row] of Object.entries(fields)) {
      const cells = row.replace("|", " ").trim().split(/\s+/);
      if (cells.length !== POLICY_COLUMNS.length)
        throw new Error(
          `policy row ${typeName}.${fieldName} must have ${POLICY_COLUMNS.length} decisions, but has ${cells.length}`,
        );
      parsed.set(
        `${typeName}.${fieldName}`,
        cells.map((cell) => {
          const decision = CODES[cell];
          if (!decision)
            throw new Error(`policy row ${typeName}.${fieldName} has "${cell}": use A (allow), M (mask) or . (deny)`);
          return decision;
        }),
      );
    }
  }
  return parsed;
})();

/** The table's column for a role (and, for department_system, its department); null: no column, deny. */
export function policySubjectOf(role: Role | "anonymous", department?: Department): PolicySubject | null {
  if (role === "anonymous") return null;
  if (role === "department_system") return department ? `department_system:${department}` : null;
  return role;
}

/**
 * What `role` may do with `typeName.fieldName`. Unlisted fields are denied; department_system
 * needs its department (the token's `scope.department`). Federation plumbing is allowed.
 *
 * @example decisionFor("health_officer", "Child", "idNumber")                     // "mask"
 * @example decisionFor("department_system", "Child", "immunizations", "health")   // "allow"
 * @example decisionFor("analyst", "Child", "name")                                // "deny"
 */
export function decisionFor(
  role: Role | "anonymous",
  typeName: string,
  fieldName: string,
  department?: Department,
): Decision {
  const key = `${typeName}.${fieldName}`;
  if (FEDERATION_FIELDS.has(key)) return "allow";
  const subject = policySubjectOf(role, department);
  if (subject === null) return "deny";
  const row = PARSED.get(key);
  return row?.[POLICY_COLUMNS.indexOf(subject)] ?? "deny";
}

/** `decisionFor` for a request's viewer. */
export function decisionForViewer(viewer: Viewer, typeName: string, fieldName: string): Decision {
  if (viewer.role === "anonymous") return decisionFor("anonymous", typeName, fieldName);
  return decisionFor(viewer.role, typeName, fieldName, viewer.scope.department);
}

/** Every (column, type, field) of the table with its decision: what the shield builder and the generated tests walk. */
export function listPolicyEntries(): PolicyEntry[] {
  const entries: PolicyEntry[] = [];
  for (const [key, decisions] of PARSED) {
    const dot = key.indexOf(".");
    const typeName = key.slice(0, dot);
    const fieldName = key.slice(dot + 1);
    POLICY_COLUMNS.forEach((subject, i) => {
      const [role, department] = subject.split(":") as [Role, Department | undefined];
      entries.push({
        subject,
        role,
        ...(department ? { department } : {}),
        typeName,
        fieldName,
        decision: decisions[i]!,
      });
    });
  }
  return entries;
}

/** Every "Type.field" the table has a row for. */
export function policyRows(): string[] {
  return [...PARSED.keys()];
}

/** How a masked field is masked; undefined for a field that is never masked. */
export function maskKindOf(typeName: string, fieldName: string): MaskKind | undefined {
  return MASK_KINDS[`${typeName}.${fieldName}`];
}
