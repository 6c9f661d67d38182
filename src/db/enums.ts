/**
 * Enumerations stored as text with CHECK constraints (not Postgres enums): adding a value is a
 * plain migration, and the same list drives validation in ingest and the GraphQL enums.
 */
/** The departments that send records: each is one Postgres schema, one subgraph, one set of record kinds. */
export const DEPARTMENTS = ["household", "health", "education", "insurance"] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const SEXES = ["M", "F"] as const;
export type SexCode = (typeof SEXES)[number];

export const GUARDIAN_RELATIONS = ["FATHER", "MOTHER", "GRANDPARENT", "OTHER"] as const;
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];

export const REGISTRATION_KINDS = ["LOCAL_HUKOU", "RESIDENCE_PERMIT"] as const;
export type RegistrationKind = (typeof REGISTRATION_KINDS)[number];

export const SCHOOL_KINDS = [
  "KINDERGARTEN",
  "PRIMARY",
  "JUNIOR_SECONDARY",
  "SENIOR_SECONDARY",
  "VOCATIONAL",
  "SPECIAL",
] as const;
export type SchoolKind = (typeof SCHOOL_KINDS)[number];

export const STUDENT_STATUSES = ["ENROLLED", "TRANSFERRED_OUT", "GRADUATED", "SUSPENDED"] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export const CONTRACT_STATUSES = ["ACTIVE", "EXPIRED", "CANCELLED"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const ENROLLMENT_STATUSES = ["ACTIVE", "SUSPENDED", "TERMINATED"] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const PAYER_KINDS = ["SELF", "MEDICAL_ASSISTANCE", "EMPLOYEE_ACCOUNT", "OTHER"] as const;
export type PayerKind = (typeof PAYER_KINDS)[number];

/** Which department table a linked source record lives in. */
export const SOURCE_KINDS = [
  "household.person",
  "health.birth_certificate",
  "health.immunization_record",
  "health.doctor_contract",
  "education.student",
  "insurance.enrollment",
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * Why a record is linked to its child: an exact identifier shared with the child's other records
 * (ID number, birth certificate number, student number), a probabilistic match, a person's
 * decision, or none (the record founded a new child).
 */
export const LINK_RULES = [
  "ID_NUMBER",
  "BIRTH_CERTIFICATE",
  "STUDENT_NUMBER",
  "PROBABILISTIC",
  "REVIEW_CONFIRMED",
  "MANUAL_MERGE",
  "MANUAL_SPLIT",
  "NEW_CHILD",
] as const;
export type LinkRule = (typeof LINK_RULES)[number];

export const CHILD_STATES = ["ACTIVE", "MERGED"] as const;
/**
 * A review is OPEN until a person decides it (SAME_CHILD, DIFFERENT_CHILDREN), or a later link
 * settles it without one (SUPERSEDED: the record was linked, or the candidate is no longer one).
 */
export const REVIEW_STATUSES = ["OPEN", "SAME_CHILD", "DIFFERENT_CHILDREN", "SUPERSEDED"] as const;
export const CHILD_EVENT_KINDS = ["MERGE", "SPLIT", "REVIEW_RESOLVED", "RELINK", "UNDO", "UNRESOLVED_DECIDED"] as const;

/**
 * Why the matcher left a child unresolved (src/linkage/cluster.ts, UnresolvedItem): one of its
 * records is in review, or it identifies no child and may be a known one.
 */
export const UNRESOLVED_REASONS = ["IN_REVIEW", "POSSIBLE_MATCH"] as const;
export type UnresolvedReason = (typeof UNRESOLVED_REASONS)[number];
/**
 * An unresolved child's entry: OPEN until a person decides (NEW_CHILD: a child of its own;
 * SAME_CHILD: merged into the child it matched) or the matcher no longer finds it unresolved
 * (SUPERSEDED: a later record identified it, or it was linked).
 */
export const UNRESOLVED_STATUSES = ["OPEN", "NEW_CHILD", "SAME_CHILD", "SUPERSEDED"] as const;
export type UnresolvedStatus = (typeof UNRESOLVED_STATUSES)[number];
