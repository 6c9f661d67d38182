/**
 * DESIGN.md's authorization matrix as data, for the black-box suite (issue #18, second
 * acceptance item). Written here from DESIGN.md ("Authorization") and the README's "Who sees
 * what", never imported from src/'s policy table: the suite checks the running hub against this.
 *
 * Two tables:
 * - MAY_SEE: for each role (department_system once per department), the categories of data it
 *   may see, whole or masked; a category not listed is denied (DESIGN.md: "deny by default").
 * - CATEGORY_OF: every `Type.field` of the composed graph, in one category. A field the graph
 *   gains later without a row here fails the suite, naming the field.
 *
 * Where the hub deliberately refines DESIGN.md's words (the README and the policy table's
 * comments say where), the refinement is written into MAY_SEE with a comment citing it.
 */

export const COLUMNS = [
  "insurance_officer",
  "health_officer",
  "education_officer",
  "school_admin",
  "family_doctor",
  "household_officer",
  "analyst",
  "auditor",
  "department_system:household",
  "department_system:health",
  "department_system:education",
  "department_system:insurance",
] as const;
export type Column = (typeof COLUMNS)[number];

/** The categories of data DESIGN.md's matrix speaks of, cut fine enough that each field has exactly one. */
export const CATEGORIES = {
  // ── a child as such ──
  child: "a child's master id, and lists of children (the key every role with rows reads its rows by)",
  identity: "name, sex, birth date",
  residence: "where the child lives, by DESIGN.md's one residence rule (a county code)",
  idNumber: "the child's resident ID number",
  linkage: "which department records make the child, by which rule and score (the master child index)",
  birthCertificateLookup: "finding a child by its birth certificate number",
  studentLookup: "finding a child by its student number",
  // ── household registration ──
  hukou: "the hukou's kind and division code (local or not, where)",
  hukouAddress: "the hukou address, household number, residence permit number",
  household: "a household and its registered members",
  guardians: "who the guardians are (relation, name)",
  guardianPhone: "guardians' contact: their phone",
  guardianIdNumber: "a guardian's resident ID number",
  // ── health ──
  birthCertificate: "birth medical certificates (and the hospital that issued them)",
  birthCertificateParentIds: "the parents' ID numbers on a birth certificate",
  immunization: "immunization files and doses, and a site's children",
  doctorContracts: "family-doctor contracts and a doctor's patients",
  contractIdNumber: "the child's ID number as a doctor contract records it",
  familyDoctorOfChild: "which family doctor a child is contracted to",
  doctorsRegister: "the register of family doctors (persons: name, institution, phone)",
  sitesRegister: "the register of vaccination sites",
  // ── education ──
  schoolRecords: "school records: registrations (grade, class, status), rosters, student counts",
  studentNumber: "the student number (G + the ID number for most students)",
  schoolGuardianPhone: "the guardian's phone a school registration records",
  schoolsRegister: "the register of schools",
  // ── insurance ──
  insuranceStatus: "insurance status: whether insured, the coverage status and its dates",
  enrollmentStatus: "enrollments as status records: year, type, status, enrolled and benefit dates, area, name",
  enrollmentIdNumber: "the ID number an enrollment is recorded under",
  enrollmentRecordId: "the insurance system's own id of an enrollment",
  newbornIdentifier: "the birth certificate number a newborn is enrolled under",
  payment: "payment details: paid date, contributions, payers",
  payerIdNumber: "the ID number of a parent whose employee account paid",
  assistance: "medical-assistance entitlements (needy categories)",
  insuranceRecords: "an area's or an ID number's enrollments, read as insurance records",
  areasRegister: "the register of coordination areas (windows, contributions)",
  // ── gaps and statistics ──
  gap: "the gap's reasons, the responsible actor (as a kind) and the action",
  gapCode: "the code of who should act (a school, doctor, area or region)",
  gapList: "the list of children with a gap",
  newbornList: "the newborn watchlist",
  statistics: "coverage statistics",
  schoolStatistics: "a school's coverage statistics",
  // ── the hub's own ──
  linkReview: "the review queue and corrections to the master child index",
  auditLog: "the access audit log",
  policySettings:
    "the province's policy settings (newborn window, collection period, waiting period, needy subsidies), " +
    "their history and changes",
  plumbing: "page info every list shares",
  householdIngest: "the household department's batches",
  healthIngest: "the health department's batches",
  educationIngest: "the education department's batches",
  insuranceIngest: "the insurance department's batches",
  ingestReport: "what a batch did",
} as const;
export type Category = keyof typeof CATEGORIES;

/** Whole, or masked as the README says (an ID number keeps only its province). */
export type Grant = "full" | "masked";

/** The decision a field gets for a column: what the suite expects to observe. */
export type Expected = "allow" | "mask" | "deny";

/** Categories whose values are identifiers a role may be granted masked, and how they are masked. */
export const MASK_OF: Partial<Record<Category, "idNumber" | "studentNumber">> = {
  idNumber: "idNumber",
  guardianIdNumber: "idNumber",
  birthCertificateParentIds: "idNumber",
  contractIdNumber: "idNumber",
  enrollmentIdNumber: "idNumber",
  payerIdNumber: "idNumber",
  studentNumber: "studentNumber",
};

// The registers (schools, vaccination sites, coordination areas) describe institutions, not
// children: DESIGN.md's matrix withholds children's records, and every role with a region or
// rows works with these (the analyst's statistics group by school). The auditor sees "the
// access audit log" only. Family doctors are persons (a name, a mobile): their register goes to
// the roles that work with health records or a doctor's patients, and to the insurance officer,
// who acts on gaps whose responsible actor is "the family doctor for contracted patients".
const REGISTERS = { schoolsRegister: "full", sitesRegister: "full", areasRegister: "full" } as const;

// README, "Who sees what": statistics go to every role with rows ("A role gets exact statistics
// only where it could count the children itself"; the others' are rounded) and to the analyst
// (DESIGN.md: "coverage statistics only"); department systems "read records, not statistics".
// A school's own statistics (School.coverage) go to the roles of schools and of all insurance
// figures; the health, household and doctor roles get school groupings only through
// coverageSummary's rounding — narrower than DESIGN.md needs, nothing more.

/**
 * DESIGN.md's matrix: for each role, what it may see. Every line cites the matrix's words.
 */
export const MAY_SEE: Readonly<Record<Column, Partial<Record<Category, Grant>>>> = {
  // "identity incl. full ID number, hukou, guardians' contact, all insurance fields, gaps";
  // may not see "immunization details".
  insurance_officer: {
    child: "full",
    identity: "full",
    residence: "full",
    idNumber: "full",
    // The officers who correct the master child index see how it was made (policy table, Mutation:
    // "Region-scoped officers who already see full identity review and correct links").
    linkage: "full",
    birthCertificateLookup: "full",
    studentLookup: "full",
    hukou: "full",
    hukouAddress: "full",
    household: "full",
    guardians: "full",
    guardianPhone: "full",
    guardianIdNumber: "full",
    // DESIGN.md, the policy: "A birth medical certificate is enough to apply for newborn insurance
    // ('birth is one thing': health and insurance share birth information)".
    birthCertificate: "full",
    birthCertificateParentIds: "full",
    // "gaps": each gap names its responsible actor, "the family doctor for contracted patients".
    familyDoctorOfChild: "full",
    doctorsRegister: "full",
    ...REGISTERS,
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "full",
    enrollmentRecordId: "full",
    newbornIdentifier: "full",
    payment: "full",
    payerIdNumber: "full",
    assistance: "full",
    insuranceRecords: "full",
    gap: "full",
    gapCode: "full",
    gapList: "full",
    newbornList: "full",
    statistics: "full",
    schoolStatistics: "full",
    linkReview: "full",
    // policySettings: issue 19 gives them to "the province's insurance officer"; this column's
    // officer is a county's, who is refused them (tests/coverage/settings.test.ts: the province's).
    plumbing: "full",
  },
  // "identity (ID masked), birth certificates, immunizations, insurance status";
  // may not see "hukou address, insurance payment details".
  health_officer: {
    child: "full",
    identity: "full",
    residence: "full",
    idNumber: "masked",
    birthCertificateLookup: "full",
    studentLookup: "full",
    // The matrix withholds the hukou *address* from this role, by name: the hukou's kind and
    // region (local or not, which DESIGN.md's gap reasons turn on) are not withheld.
    hukou: "full",
    birthCertificate: "full",
    birthCertificateParentIds: "masked",
    immunization: "full",
    // Family doctors are the health department's (DESIGN.md, Departments): their contracts are
    // health records, which make this role's rows ("children with health records in region").
    doctorContracts: "full",
    contractIdNumber: "masked",
    familyDoctorOfChild: "full",
    doctorsRegister: "full",
    ...REGISTERS,
    // README: roles granted only "insurance status" read "a child's coverage status and its dates,
    // not the gap's reasons, who should act or the action". An enrollment's year, area, status and
    // dates are that status record; its payment, contributions and record id are not.
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "masked",
    // The birth certificate number is the health department's own identifier (it issues them).
    newbornIdentifier: "full",
    gapList: "full",
    newbornList: "full",
    statistics: "full",
    plumbing: "full",
  },
  // "identity (ID masked), enrollment, insurance status and gap"; may not see "health, hukou, guardians".
  education_officer: {
    child: "full",
    identity: "full",
    residence: "full",
    idNumber: "masked",
    studentLookup: "full",
    schoolRecords: "full",
    // README: "G11****************" inside a G student number, as the ID number is masked.
    studentNumber: "masked",
    ...REGISTERS,
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "masked",
    gap: "full",
    gapCode: "full",
    gapList: "full",
    statistics: "full",
    schoolStatistics: "full",
    plumbing: "full",
  },
  // "name, sex, birth date, ID masked, grade and class, insurance status, gap reason, action";
  // may not see "health, hukou, guardians, payment".
  school_admin: {
    child: "full",
    identity: "full",
    // A school's own students live, by the one residence rule, in the school's county ("school
    // region, else …"), which the administrator knows: the code tells it nothing more.
    residence: "full",
    idNumber: "masked",
    studentLookup: "full",
    schoolRecords: "full",
    studentNumber: "masked",
    ...REGISTERS,
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "masked",
    // "gap reason, action": who acts, as a kind (the action names it anyway); not the code of a
    // doctor or a hukou region (policy table, ChildCoverage comment).
    gap: "full",
    gapList: "full",
    statistics: "full",
    schoolStatistics: "full",
    plumbing: "full",
  },
  // "identity incl. ID, immunizations, insurance status, deadlines, guardian contact";
  // may not see "hukou address, school records, payment".
  family_doctor: {
    child: "full",
    identity: "full",
    residence: "full",
    idNumber: "full",
    birthCertificateLookup: "full",
    studentLookup: "full",
    // As for the health officer: only the hukou *address* is withheld by name.
    hukou: "full",
    guardians: "full",
    guardianPhone: "full",
    // "guardian contact" is who the guardian is and how to reach them, not their identifier: the
    // README's mask ("keeps only its province") leaves nothing that identifies the guardian.
    guardianIdNumber: "masked",
    immunization: "full",
    doctorContracts: "full",
    contractIdNumber: "full",
    familyDoctorOfChild: "full",
    doctorsRegister: "full",
    ...REGISTERS,
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "full",
    // A newborn's first identifier (DESIGN.md: "a birth certificate number … comes first"), for
    // "identity incl. ID" and the newborn "deadlines" the doctor mobilises for.
    newbornIdentifier: "full",
    // Refinement, the policy table's ChildCoverage comment: DESIGN.md makes the family doctor the
    // responsible actor for contracted patients, who must know why a patient is uninsured and what
    // to do; the responsible code is withheld (it may be the patient's school).
    gap: "full",
    gapList: "full",
    newbornList: "full",
    statistics: "full",
    plumbing: "full",
  },
  // "identity, hukou, guardians, insurance status"; may not see "health, payment".
  household_officer: {
    child: "full",
    identity: "full",
    residence: "full",
    idNumber: "full",
    linkage: "full",
    birthCertificateLookup: "full",
    studentLookup: "full",
    hukou: "full",
    hukouAddress: "full",
    household: "full",
    guardians: "full",
    guardianPhone: "full",
    guardianIdNumber: "full",
    ...REGISTERS,
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "full",
    gapList: "full",
    newbornList: "full",
    statistics: "full",
    linkReview: "full",
    plumbing: "full",
  },
  // "coverage statistics only"; may not see "any individual child".
  analyst: { ...REGISTERS, statistics: "full", schoolStatistics: "full", plumbing: "full" },
  // "the access audit log"; may not see "children's records".
  auditor: { auditLog: "full", plumbing: "full" },
  // "writes its own department's records; reads them back"; may not see "other departments'
  // fields, except insurance status". The child's master id is how it reads its records back; the
  // hub's merged identity (name, ID number picked from every department's records) is other
  // departments' fields.
  "department_system:household": {
    child: "full",
    hukou: "full",
    hukouAddress: "full",
    household: "full",
    guardians: "full",
    guardianPhone: "full",
    guardianIdNumber: "full",
    insuranceStatus: "full",
    householdIngest: "full",
    ingestReport: "full",
    plumbing: "full",
  },
  "department_system:health": {
    child: "full",
    birthCertificateLookup: "full",
    birthCertificate: "full",
    birthCertificateParentIds: "full",
    immunization: "full",
    doctorContracts: "full",
    contractIdNumber: "full",
    familyDoctorOfChild: "full",
    doctorsRegister: "full",
    sitesRegister: "full",
    insuranceStatus: "full",
    healthIngest: "full",
    ingestReport: "full",
    plumbing: "full",
  },
  "department_system:education": {
    child: "full",
    studentLookup: "full",
    schoolRecords: "full",
    studentNumber: "full",
    schoolGuardianPhone: "full",
    schoolsRegister: "full",
    insuranceStatus: "full",
    educationIngest: "full",
    ingestReport: "full",
    plumbing: "full",
  },
  // Gaps are insurance status by child ("except insurance status"): the insurance system, whose
  // department acts on them, lists them; the other systems read a child's status only.
  "department_system:insurance": {
    child: "full",
    birthCertificateLookup: "full",
    insuranceStatus: "full",
    enrollmentStatus: "full",
    enrollmentIdNumber: "full",
    enrollmentRecordId: "full",
    newbornIdentifier: "full",
    payment: "full",
    payerIdNumber: "full",
    assistance: "full",
    insuranceRecords: "full",
    areasRegister: "full",
    gapList: "full",
    newbornList: "full",
    insuranceIngest: "full",
    ingestReport: "full",
    plumbing: "full",
  },
};

/** `Type.field` → its one category. Every field of every object type of the supergraph. */
export const CATEGORY_OF: Readonly<Record<string, Category>> = {
  // ── roots ──
  "Query.child": "child",
  "Query.childByIdNumber": "child",
  "Query.childrenInRegion": "child",
  "Query.childByBirthCertificateNumber": "birthCertificateLookup",
  "Query.childByStudentNumber": "studentLookup",
  "Query.studentRegistration": "schoolRecords",
  "Query.school": "schoolsRegister",
  "Query.schools": "schoolsRegister",
  "Query.familyDoctor": "doctorsRegister",
  "Query.familyDoctors": "doctorsRegister",
  "Query.vaccinationSite": "sitesRegister",
  "Query.vaccinationSites": "sitesRegister",
  "Query.household": "household",
  "Query.coordinationArea": "areasRegister",
  "Query.coordinationAreas": "areasRegister",
  "Query.enrollmentsByIdNumber": "insuranceRecords",
  "Query.coverageGaps": "gapList",
  "Query.newbornWatchlist": "newbornList",
  "Query.coverageSummary": "statistics",
  "Query.linkReviews": "linkReview",
  "Query.accessLog": "auditLog",
  "Mutation.resolveLinkReview": "linkReview",
  "Mutation.mergeChildren": "linkReview",
  "Mutation.splitChild": "linkReview",
  "Mutation.undoChildEvent": "linkReview",
  "Mutation.submitHouseholdRecords": "householdIngest",
  "Mutation.submitHealthRecords": "healthIngest",
  "Mutation.submitEducationRecords": "educationIngest",
  "Mutation.submitInsuranceRecords": "insuranceIngest",

  // ── the child ──
  "Child.id": "child",
  "Child.name": "identity",
  "Child.sex": "identity",
  "Child.birthDate": "identity",
  "Child.residenceRegionCode": "residence",
  "Child.idNumber": "idNumber",
  "Child.sources": "linkage",
  "Child.hukou": "hukou",
  "Child.guardians": "guardians",
  "Child.birthCertificate": "birthCertificate",
  "Child.immunizations": "immunization",
  "Child.familyDoctor": "familyDoctorOfChild",
  "Child.doctorContracts": "doctorContracts",
  "Child.enrollment": "schoolRecords",
  "Child.studentRegistrations": "schoolRecords",
  "Child.insurance": "insuranceStatus",
  "Child.coverage": "insuranceStatus",
  "ChildConnection.edges": "child",
  "ChildConnection.pageInfo": "child",
  "ChildConnection.totalCount": "child",
  "ChildEdge.cursor": "child",
  "ChildEdge.node": "child",
  "ChildSource.source": "linkage",
  "ChildSource.recordId": "linkage",
  "ChildSource.rule": "linkage",
  "ChildSource.score": "linkage",
  "ChildSource.linkedAt": "linkage",
  "PageInfo.hasNextPage": "plumbing",
  "PageInfo.endCursor": "plumbing",

  // ── household ──
  "Hukou.registrationKind": "hukou",
  "Hukou.regionCode": "hukou",
  "Hukou.residenceRegionCode": "hukou",
  "Hukou.address": "hukouAddress",
  "Hukou.householdNumber": "hukouAddress",
  "Hukou.residencePermitNumber": "hukouAddress",
  "Guardian.relation": "guardians",
  "Guardian.name": "guardians",
  "Guardian.phone": "guardianPhone",
  "Guardian.idNumber": "guardianIdNumber",
  "Household.householdNumber": "household",
  "Household.regionCode": "household",
  "Household.address": "household",
  "Household.members": "household",
  "HouseholdMember.name": "household",
  "HouseholdMember.sex": "household",
  "HouseholdMember.birthDate": "household",
  "HouseholdMember.idNumber": "household",

  // ── health ──
  "BirthCertificate.certificateNumber": "birthCertificate",
  "BirthCertificate.childName": "birthCertificate",
  "BirthCertificate.sex": "birthCertificate",
  "BirthCertificate.birthDate": "birthCertificate",
  "BirthCertificate.motherName": "birthCertificate",
  "BirthCertificate.fatherName": "birthCertificate",
  "BirthCertificate.guardianPhone": "birthCertificate",
  "BirthCertificate.regionCode": "birthCertificate",
  "BirthCertificate.issuedOn": "birthCertificate",
  "BirthCertificate.hospital": "birthCertificate",
  "BirthCertificate.motherIdNumber": "birthCertificateParentIds",
  "BirthCertificate.fatherIdNumber": "birthCertificateParentIds",
  "Hospital.code": "birthCertificate",
  "Hospital.name": "birthCertificate",
  "Hospital.regionCode": "birthCertificate",
  // DESIGN.md: "an immunization site records name, birth date, sex and a guardian's phone": the file, as written.
  "ImmunizationRecord.recordId": "immunization",
  "ImmunizationRecord.childName": "immunization",
  "ImmunizationRecord.birthDate": "immunization",
  "ImmunizationRecord.guardianName": "immunization",
  "ImmunizationRecord.guardianPhone": "immunization",
  "ImmunizationRecord.site": "immunization",
  "ImmunizationRecord.doses": "immunization",
  "ImmunizationDose.vaccineCode": "immunization",
  "ImmunizationDose.vaccineName": "immunization",
  "ImmunizationDose.doseNumber": "immunization",
  "ImmunizationDose.givenOn": "immunization",
  "VaccinationSite.code": "sitesRegister",
  "VaccinationSite.name": "sitesRegister",
  "VaccinationSite.regionCode": "sitesRegister",
  "VaccinationSite.children": "immunization",
  "VaccinationSiteConnection.edges": "sitesRegister",
  "VaccinationSiteConnection.pageInfo": "sitesRegister",
  "VaccinationSiteConnection.totalCount": "sitesRegister",
  "VaccinationSiteEdge.cursor": "sitesRegister",
  "VaccinationSiteEdge.node": "sitesRegister",
  "VaccinationSiteChildConnection.edges": "immunization",
  "VaccinationSiteChildConnection.pageInfo": "immunization",
  "VaccinationSiteChildConnection.totalCount": "immunization",
  "VaccinationSiteChildEdge.cursor": "immunization",
  "VaccinationSiteChildEdge.node": "immunization",
  "FamilyDoctor.code": "doctorsRegister",
  "FamilyDoctor.name": "doctorsRegister",
  "FamilyDoctor.institution": "doctorsRegister",
  "FamilyDoctor.teamName": "doctorsRegister",
  "FamilyDoctor.phone": "doctorsRegister",
  "FamilyDoctor.regionCode": "doctorsRegister",
  "FamilyDoctor.patients": "doctorContracts",
  "FamilyDoctorConnection.edges": "doctorsRegister",
  "FamilyDoctorConnection.pageInfo": "doctorsRegister",
  "FamilyDoctorConnection.totalCount": "doctorsRegister",
  "FamilyDoctorEdge.cursor": "doctorsRegister",
  "FamilyDoctorEdge.node": "doctorsRegister",
  "DoctorContract.recordId": "doctorContracts",
  "DoctorContract.patientName": "doctorContracts",
  "DoctorContract.patientBirthDate": "doctorContracts",
  "DoctorContract.guardianName": "doctorContracts",
  "DoctorContract.guardianPhone": "doctorContracts",
  "DoctorContract.signedOn": "doctorContracts",
  "DoctorContract.validUntil": "doctorContracts",
  "DoctorContract.status": "doctorContracts",
  "DoctorContract.patientIdNumber": "contractIdNumber",
  "Patient.contract": "doctorContracts",
  "Patient.child": "doctorContracts",
  "PatientConnection.edges": "doctorContracts",
  "PatientConnection.pageInfo": "doctorContracts",
  "PatientConnection.totalCount": "doctorContracts",
  "PatientEdge.cursor": "doctorContracts",
  "PatientEdge.node": "doctorContracts",

  // ── education ──
  "School.code": "schoolsRegister",
  "School.name": "schoolsRegister",
  "School.kind": "schoolsRegister",
  "School.regionCode": "schoolsRegister",
  "School.students": "schoolRecords",
  "School.studentCount": "schoolRecords",
  "School.coverage": "schoolStatistics",
  "SchoolConnection.edges": "schoolsRegister",
  "SchoolConnection.pageInfo": "schoolsRegister",
  "SchoolConnection.totalCount": "schoolsRegister",
  "SchoolEdge.cursor": "schoolsRegister",
  "SchoolEdge.node": "schoolsRegister",
  "StudentConnection.edges": "schoolRecords",
  "StudentConnection.pageInfo": "schoolRecords",
  "StudentConnection.totalCount": "schoolRecords",
  "StudentConnection.schoolYear": "schoolRecords",
  "StudentEdge.cursor": "schoolRecords",
  "StudentEdge.node": "schoolRecords",
  "StudentRegistration.recordId": "schoolRecords",
  "StudentRegistration.name": "schoolRecords",
  "StudentRegistration.sex": "schoolRecords",
  "StudentRegistration.birthDate": "schoolRecords",
  "StudentRegistration.grade": "schoolRecords",
  "StudentRegistration.className": "schoolRecords",
  "StudentRegistration.schoolYear": "schoolRecords",
  "StudentRegistration.status": "schoolRecords",
  "StudentRegistration.school": "schoolRecords",
  "StudentRegistration.child": "schoolRecords",
  "StudentRegistration.studentNumber": "studentNumber",
  "StudentRegistration.guardianPhone": "schoolGuardianPhone",

  // ── insurance ──
  "ChildInsurance.insuredFor": "insuranceStatus",
  "ChildInsurance.enrollments": "enrollmentStatus",
  "ChildInsurance.assistanceEligibility": "assistance",
  "Enrollment.coverageYear": "enrollmentStatus",
  "Enrollment.insuranceType": "enrollmentStatus",
  "Enrollment.status": "enrollmentStatus",
  "Enrollment.enrolledOn": "enrollmentStatus",
  "Enrollment.benefitStartsOn": "enrollmentStatus",
  "Enrollment.name": "enrollmentStatus",
  "Enrollment.area": "enrollmentStatus",
  "Enrollment.idNumber": "enrollmentIdNumber",
  "Enrollment.recordId": "enrollmentRecordId",
  "Enrollment.birthCertificateNumber": "newbornIdentifier",
  "Enrollment.paidOn": "payment",
  "Enrollment.contributions": "payment",
  "Contribution.recordId": "payment",
  "Contribution.amountFen": "payment",
  "Contribution.amountYuan": "payment",
  "Contribution.payerKind": "payment",
  "Contribution.needyCategory": "payment",
  "Contribution.paidOn": "payment",
  "Contribution.payerIdNumber": "payerIdNumber",
  "AssistanceEligibility.needyCategory": "assistance",
  "AssistanceEligibility.regionCode": "assistance",
  "AssistanceEligibility.validFrom": "assistance",
  "AssistanceEligibility.validUntil": "assistance",
  "CoordinationArea.code": "areasRegister",
  "CoordinationArea.name": "areasRegister",
  "CoordinationArea.windowOpens": "areasRegister",
  "CoordinationArea.windowCloses": "areasRegister",
  "CoordinationArea.annualContributionFen": "areasRegister",
  "CoordinationArea.enrollments": "insuranceRecords",
  "CoordinationArea.enrolledCount": "insuranceRecords",
  "CoordinationAreaConnection.edges": "areasRegister",
  "CoordinationAreaConnection.pageInfo": "areasRegister",
  "CoordinationAreaConnection.totalCount": "areasRegister",
  "CoordinationAreaEdge.cursor": "areasRegister",
  "CoordinationAreaEdge.node": "areasRegister",
  "EnrollmentConnection.edges": "insuranceRecords",
  "EnrollmentConnection.pageInfo": "insuranceRecords",
  "EnrollmentConnection.totalCount": "insuranceRecords",
  "EnrollmentEdge.cursor": "insuranceRecords",
  "EnrollmentEdge.node": "insuranceRecords",

  // ── coverage ──
  "ChildCoverage.asOf": "insuranceStatus",
  "ChildCoverage.coverageYear": "insuranceStatus",
  "ChildCoverage.status": "insuranceStatus",
  // README: "Roles granted only 'insurance status' … read a child's coverage status and its dates".
  "ChildCoverage.deadline": "insuranceStatus",
  "ChildCoverage.daysLeft": "insuranceStatus",
  "ChildCoverage.codeWindowEndsOn": "insuranceStatus",
  "ChildCoverage.waitingPeriodMonths": "insuranceStatus",
  "ChildCoverage.reasons": "gap",
  "ChildCoverage.leadingReason": "gap",
  // #19: the needy category a gap owes a subsidy to is the insurance office's, as the eligibility is.
  "ChildCoverage.needyCategory": "assistance",
  "ChildCoverage.responsibleActor": "gap",
  "ChildCoverage.action": "gap",
  "ChildCoverage.responsibleCode": "gapCode",
  "CoverageGapConnection.edges": "gapList",
  "CoverageGapConnection.pageInfo": "gapList",
  "CoverageGapConnection.totalCount": "gapList",
  "CoverageGapEdge.cursor": "gapList",
  "CoverageGapEdge.node": "gapList",
  "CoverageGap.child": "gapList",
  "CoverageGap.coverage": "gapList",
  // The gap list's names (#22.3): the residence's name says what its code says; the responsible
  // unit's name what its code (ChildCoverage.responsibleCode) says.
  "CoverageGap.residenceRegionName": "residence",
  "CoverageGap.responsibleName": "gapCode",
  "CoverageSummary.asOf": "statistics",
  "CoverageSummary.coverageYear": "statistics",
  "CoverageSummary.region": "statistics",
  "CoverageSummary.school": "statistics",
  "CoverageSummary.groupBy": "statistics",
  "CoverageSummary.total": "statistics",
  "CoverageSummary.groups": "statistics",
  "CoverageSummary.targets": "statistics",
  "CoverageGroup.key": "statistics",
  "CoverageGroup.label": "statistics",
  "CoverageGroup.suppressed": "statistics",
  "CoverageGroup.children": "statistics",
  "CoverageGroup.insured": "statistics",
  "CoverageGroup.insuredRate": "statistics",
  "CoverageGroup.newborns": "statistics",
  "CoverageGroup.newbornsInsured": "statistics",
  "CoverageGroup.newbornInsuredRate": "statistics",
  "CoverageGroup.newbornsInsuredWithinWindow": "statistics",
  "CoverageGroup.newbornWithinWindowRate": "statistics",
  "CoverageGroup.statusCounts": "statistics",
  "StatusCount.status": "statistics",
  "StatusCount.count": "statistics",
  "PolicyTargets.overallInsuredRate": "statistics",
  "PolicyTargets.newbornInsuredRate": "statistics",
  "PolicyTargets.newbornWindowDays": "statistics",

  // ── link reviews ──
  "LinkReviewConnection.edges": "linkReview",
  "LinkReviewConnection.pageInfo": "linkReview",
  "LinkReviewConnection.totalCount": "linkReview",
  "LinkReviewEdge.cursor": "linkReview",
  "LinkReviewEdge.node": "linkReview",
  "LinkReview.id": "linkReview",
  "LinkReview.source": "linkReview",
  "LinkReview.recordId": "linkReview",
  "LinkReview.candidate": "linkReview",
  "LinkReview.score": "linkReview",
  "LinkReview.reason": "linkReview",
  "LinkReview.fields": "linkReview",
  "LinkReview.record": "linkReview",
  "LinkReview.candidateRecord": "linkReview",
  "LinkReview.regionCode": "linkReview",
  "LinkReview.status": "linkReview",
  "LinkReview.createdAt": "linkReview",
  "LinkReview.resolvedAt": "linkReview",
  "LinkReview.resolvedBy": "linkReview",
  "FieldAgreement.field": "linkReview",
  "FieldAgreement.level": "linkReview",
  "ReviewedRecord.source": "linkReview",
  "ReviewedRecord.recordId": "linkReview",
  "ReviewedRecord.name": "linkReview",
  "ReviewedRecord.sex": "linkReview",
  "ReviewedRecord.birthDate": "linkReview",
  "ReviewedRecord.maskedIdNumber": "linkReview",
  "ReviewedRecord.maskedBirthCertificateNumber": "linkReview",
  "ReviewedRecord.maskedGuardianIdNumbers": "linkReview",
  "ReviewedRecord.maskedGuardianPhones": "linkReview",
  "ReviewedRecord.regionCodes": "linkReview",
  "ChildEventResult.eventId": "linkReview",
  "ChildEventResult.child": "linkReview",

  // ── the audit log ──
  "AccessLogConnection.edges": "auditLog",
  "AccessLogConnection.pageInfo": "auditLog",
  "AccessLogConnection.totalCount": "auditLog",
  "AccessLogEdge.cursor": "auditLog",
  "AccessLogEdge.node": "auditLog",
  "AccessLogEntry.at": "auditLog",
  "AccessLogEntry.actor": "auditLog",
  "AccessLogEntry.role": "auditLog",
  "AccessLogEntry.scope": "auditLog",
  "AccessLogEntry.operation": "auditLog",
  "AccessLogEntry.childIds": "auditLog",
  "AccessLogEntry.fields": "auditLog",
  "AccessLogEntry.purpose": "auditLog",
  "AccessLogEntry.requestId": "auditLog",

  // ── who looked at a child (#19): the access log read for one child, the auditor's ──
  "ChildAccess.date": "auditLog",
  "ChildAccess.role": "auditLog",
  "ChildAccess.department": "auditLog",
  "ChildAccess.region": "auditLog",
  "ChildAccess.schools": "auditLog",
  "ChildAccess.fields": "auditLog",
  "ChildAccess.purpose": "auditLog",
  "ChildAccessConnection.edges": "auditLog",
  "ChildAccessConnection.pageInfo": "auditLog",
  "ChildAccessConnection.totalCount": "auditLog",
  "ChildAccessEdge.cursor": "auditLog",
  "ChildAccessEdge.node": "auditLog",
  "Query.whoLookedAt": "auditLog",

  // ── unresolved children (#19): the review queue seen from the doubtful child ──
  "Mutation.resolveUnresolvedChild": "linkReview",
  "Query.unresolvedChildren": "linkReview",
  "UnresolvedChild.id": "linkReview",
  "UnresolvedChild.child": "linkReview",
  "UnresolvedChild.reason": "linkReview",
  "UnresolvedChild.source": "linkReview",
  "UnresolvedChild.recordId": "linkReview",
  "UnresolvedChild.record": "linkReview",
  "UnresolvedChild.candidate": "linkReview",
  "UnresolvedChild.candidateRecord": "linkReview",
  "UnresolvedChild.score": "linkReview",
  "UnresolvedChild.fields": "linkReview",
  "UnresolvedChild.regionCode": "linkReview",
  "UnresolvedChild.status": "linkReview",
  "UnresolvedChild.createdAt": "linkReview",
  "UnresolvedChild.resolvedAt": "linkReview",
  "UnresolvedChild.resolvedBy": "linkReview",
  "UnresolvedChildConnection.edges": "linkReview",
  "UnresolvedChildConnection.pageInfo": "linkReview",
  "UnresolvedChildConnection.totalCount": "linkReview",
  "UnresolvedChildEdge.cursor": "linkReview",
  "UnresolvedChildEdge.node": "linkReview",

  // ── policy settings (#19) ──
  "CollectionPeriod.opensOn": "policySettings",
  "CollectionPeriod.closesOn": "policySettings",
  "Mutation.setPolicySetting": "policySettings",
  "NeedySubsidy.category": "policySettings",
  "NeedySubsidy.kind": "policySettings",
  "NeedySubsidy.amountFen": "policySettings",
  "PolicySetting.key": "policySettings",
  "PolicySetting.regionCode": "policySettings",
  "PolicySetting.effectiveFrom": "policySettings",
  "PolicySetting.value": "policySettings",
  "PolicySetting.changedAt": "policySettings",
  "PolicySetting.changedBy": "policySettings",
  "PolicySetting.note": "policySettings",
  "PolicySettingChange.at": "policySettings",
  "PolicySettingChange.actor": "policySettings",
  "PolicySettingChange.role": "policySettings",
  "PolicySettingChange.source": "policySettings",
  "PolicySettingChange.key": "policySettings",
  "PolicySettingChange.regionCode": "policySettings",
  "PolicySettingChange.effectiveFrom": "policySettings",
  "PolicySettingChange.oldValue": "policySettings",
  "PolicySettingChange.newValue": "policySettings",
  "PolicySettingChange.note": "policySettings",
  "PolicySettingChange.changed": "policySettings",
  "PolicySettingChange.reassessed": "policySettings",
  "PolicySettingsInForce.on": "policySettings",
  "PolicySettingsInForce.regionCode": "policySettings",
  "PolicySettingsInForce.newbornWindowDays": "policySettings",
  "PolicySettingsInForce.coverageYear": "policySettings",
  "PolicySettingsInForce.collectionPeriod": "policySettings",
  "PolicySettingsInForce.waitingPeriod": "policySettings",
  "PolicySettingsInForce.needySubsidies": "policySettings",
  "PolicySettingValue.newbornWindowDays": "policySettings",
  "PolicySettingValue.collectionPeriod": "policySettings",
  "PolicySettingValue.waitingPeriod": "policySettings",
  "PolicySettingValue.needySubsidy": "policySettings",
  "Query.policySettings": "policySettings",
  "Query.policySettingHistory": "policySettings",
  "Query.policySettingChanges": "policySettings",
  "WaitingPeriodRule.fixedMonths": "policySettings",
  "WaitingPeriodRule.monthsPerLapsedYear": "policySettings",
  "WaitingPeriodRule.longLapseYears": "policySettings",
  "WaitingPeriodRule.longLapseMinimumMonths": "policySettings",
  "WaitingPeriodRule.newbornExemption": "policySettings",
  "WaitingPeriodRule.neverInsured": "policySettings",
  "WaitingPeriodRule.needyExempt": "policySettings",
  "WaitingPeriodRule.lapsesCountFrom": "policySettings",

  // ── ingestion ──
  "IngestReport.accepted": "ingestReport",
  "IngestReport.updated": "ingestReport",
  "IngestReport.unchanged": "ingestReport",
  "IngestReport.rejectedRows": "ingestReport",
  "IngestReport.rejected": "ingestReport",
  "IngestReport.touchedChildren": "ingestReport",
  "RejectedRow.index": "ingestReport",
  "RejectedRow.recordId": "ingestReport",
  "RejectedRow.field": "ingestReport",
  "RejectedRow.message": "ingestReport",
};

/**
 * Fields always shown masked, whoever reads them (review evidence: DESIGN.md, "Reviewers see the
 * evidence … with identifiers masked"), and how.
 */
export const ALWAYS_MASKED: Readonly<Record<string, "idNumber" | "phone" | "certificateNumber">> = {
  "ReviewedRecord.maskedIdNumber": "idNumber",
  "ReviewedRecord.maskedGuardianIdNumbers": "idNumber",
  "ReviewedRecord.maskedGuardianPhones": "phone",
  "ReviewedRecord.maskedBirthCertificateNumber": "certificateNumber",
};

/**
 * Categories that describe no individual child: reading them is not a read of a child's fields
 * (nothing to log), and a container outside the rows may show them as it shows any other.
 */
export const NOT_INDIVIDUAL: ReadonlySet<Category> = new Set<Category>([
  "schoolsRegister",
  "sitesRegister",
  "areasRegister",
  "doctorsRegister",
  "statistics",
  "schoolStatistics",
  "auditLog",
  "plumbing",
  "householdIngest",
  "healthIngest",
  "educationIngest",
  "insuranceIngest",
  "ingestReport",
]);

/**
 * What DESIGN.md's matrix lets `column` do with `Type.field`. A field without a category is
 * denied (deny by default), and the suite fails naming it (blackbox.test.ts, the contract tests).
 */
export function expectedFor(column: Column, key: string): Expected {
  const category = CATEGORY_OF[key];
  const grant = category === undefined ? undefined : MAY_SEE[column][category];
  if (grant === undefined) return "deny";
  return grant === "masked" ? "mask" : "allow";
}
