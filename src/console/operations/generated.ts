/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type CoverageGapFilter = {
  /** Born on or after. */
  bornAfter?: string | null | undefined;
  /** Born on or before. */
  bornBefore?: string | null | undefined;
  hukouType?: HukouType | null | undefined;
  reason?: GapReason | null | undefined;
  /** Residence region: a division code or prefix. */
  region?: string | null | undefined;
  /** A 10-digit school code. */
  school?: string | null | undefined;
  status?: CoverageStatus | null | undefined;
};

/** REGION groups one level below the region asked (province → prefectures → counties); AGE_BAND by 0, 1-2, 3-5, 6-11, 12-14, 15-17. */
export type CoverageGroupBy =
  | 'AGE_BAND'
  | 'HUKOU_TYPE'
  | 'NEEDY_CATEGORY'
  | 'REGION'
  | 'SCHOOL';

/** A child's insurance status for the coverage year of the as-of date. */
export type CoverageStatus =
  | 'DUPLICATE'
  | 'INSURED'
  | 'LAPSED'
  | 'NEWBORN_IN_WINDOW'
  | 'NEWBORN_OVERDUE'
  | 'UNINSURED';

/** Why a child has, or risks, a gap. */
export type GapReason =
  | 'ENROLLED_OUTSIDE_RESIDENCE'
  | 'NEEDY_WITHOUT_SUBSIDY'
  | 'NON_LOCAL_HUKOU'
  | 'NO_ID_NUMBER'
  | 'NO_SCHOOL_RECORD'
  | 'UNPAID_ENROLLMENT';

export type GuardianRelation =
  | 'FATHER'
  | 'GRANDPARENT'
  | 'MOTHER'
  | 'OTHER';

/** LOCAL: hukou in the province; NON_LOCAL: outside it; UNKNOWN: no hukou on record yet. */
export type HukouType =
  | 'LOCAL'
  | 'NON_LOCAL'
  | 'UNKNOWN';

/** Who should act on a gap. */
export type ResponsibleActor =
  | 'FAMILY_DOCTOR'
  | 'HOUSEHOLD_REGISTRATION'
  | 'INSURANCE_OFFICE'
  | 'SCHOOL';

/** A reviewer's answer: the record belongs to the candidate child, or it does not. */
export type ReviewDecision =
  | 'DIFFERENT_CHILDREN'
  | 'SAME_CHILD';

export type Sex =
  | 'F'
  | 'M';

/** The department table a linked record lives in. */
export type SourceKind =
  | 'EDUCATION_STUDENT'
  | 'HEALTH_BIRTH_CERTIFICATE'
  | 'HEALTH_DOCTOR_CONTRACT'
  | 'HEALTH_IMMUNIZATION_RECORD'
  | 'HOUSEHOLD_PERSON'
  | 'INSURANCE_ENROLLMENT';

export type ConsolePatientDetailFragment = { id: string, name: string | null, sex: Sex | null, birthDate: string | null, idNumber: string | null, coverage: { asOf: string, status: CoverageStatus, reasons: Array<GapReason>, deadline: string | null, daysLeft: number | null, codeWindowEndsOn: string | null, waitingPeriodMonths: number | null, responsibleActor: ResponsibleActor | null } | null, immunizations: Array<{ site: { name: string } | null, doses: Array<{ vaccineName: string, doseNumber: number, givenOn: string }> }> | null, guardians: Array<{ relation: GuardianRelation, name: string, phone: string | null }> | null };

export type ConsolePatientByIdNumberQueryVariables = Exact<{
  idNumber: string;
}>;


export type ConsolePatientByIdNumberQuery = { childByIdNumber: { id: string, name: string | null, sex: Sex | null, birthDate: string | null, idNumber: string | null, coverage: { asOf: string, status: CoverageStatus, reasons: Array<GapReason>, deadline: string | null, daysLeft: number | null, codeWindowEndsOn: string | null, waitingPeriodMonths: number | null, responsibleActor: ResponsibleActor | null } | null, immunizations: Array<{ site: { name: string } | null, doses: Array<{ vaccineName: string, doseNumber: number, givenOn: string }> }> | null, guardians: Array<{ relation: GuardianRelation, name: string, phone: string | null }> | null } | null };

export type ConsolePatientQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsolePatientQuery = { child: { id: string, name: string | null, sex: Sex | null, birthDate: string | null, idNumber: string | null, coverage: { asOf: string, status: CoverageStatus, reasons: Array<GapReason>, deadline: string | null, daysLeft: number | null, codeWindowEndsOn: string | null, waitingPeriodMonths: number | null, responsibleActor: ResponsibleActor | null } | null, immunizations: Array<{ site: { name: string } | null, doses: Array<{ vaccineName: string, doseNumber: number, givenOn: string }> }> | null, guardians: Array<{ relation: GuardianRelation, name: string, phone: string | null }> | null } | null };

export type ConsoleDoctorPatientsQueryVariables = Exact<{
  code: string;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleDoctorPatientsQuery = { familyDoctor: { code: string, name: string, institution: string, patients: { totalCount: number | null, edges: Array<{ node: { contract: { patientName: string | null, patientBirthDate: string | null }, child: { id: string, idNumber: string | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export type ConsoleNewbornWatchlistQueryVariables = Exact<{
  withinDays: number;
  first: number;
}>;


export type ConsoleNewbornWatchlistQuery = { newbornWatchlist: { totalCount: number | null, edges: Array<{ node: { child: { id: string, name: string | null, birthDate: string | null }, coverage: { status: CoverageStatus, deadline: string | null, daysLeft: number | null, codeWindowEndsOn: string | null } } }> } | null };

export type ConsoleGapListQueryVariables = Exact<{
  filter?: CoverageGapFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleGapListQuery = { coverageGaps: { totalCount: number | null, edges: Array<{ node: { child: { id: string, name: string | null, idNumber: string | null, residenceRegionCode: string | null }, coverage: { status: CoverageStatus, reasons: Array<GapReason>, deadline: string | null, daysLeft: number | null, responsibleActor: ResponsibleActor | null, responsibleCode: string | null } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type ConsoleRegionSummaryQueryVariables = Exact<{
  region: string;
  groupBy: CoverageGroupBy;
}>;


export type ConsoleRegionSummaryQuery = { coverageSummary: { asOf: string, coverageYear: number, region: string, total: { label: string | null, children: number | null, insured: number | null, insuredRate: number | null, newborns: number | null, newbornInsuredRate: number | null, newbornWithinWindowRate: number | null, statusCounts: Array<{ status: CoverageStatus, count: number | null }> }, groups: Array<{ key: string | null, label: string | null, suppressed: boolean, children: number | null, insured: number | null, insuredRate: number | null, newborns: number | null, newbornInsuredRate: number | null }>, targets: { overallInsuredRate: number, newbornInsuredRate: number, newbornWindowDays: number } } | null };

export type ConsoleSchoolNamesQueryVariables = Exact<{
  region: string;
  first: number;
}>;


export type ConsoleSchoolNamesQuery = { schools: { edges: Array<{ node: { code: string, name: string } }> } | null };

export type ConsoleReviewedRecordFragment = { source: SourceKind, recordId: string, name: string | null, sex: string | null, birthDate: string | null, maskedIdNumber: string | null, maskedBirthCertificateNumber: string | null, maskedGuardianPhones: Array<string>, regionCodes: Array<string> };

export type ConsoleLinkReviewsQueryVariables = Exact<{
  region?: string | null | undefined;
  first: number;
}>;


export type ConsoleLinkReviewsQuery = { linkReviews: { totalCount: number | null, edges: Array<{ node: { id: string, source: SourceKind, score: number, reason: string | null, createdAt: string, fields: Array<{ field: string, level: string }>, record: { source: SourceKind, recordId: string, name: string | null, sex: string | null, birthDate: string | null, maskedIdNumber: string | null, maskedBirthCertificateNumber: string | null, maskedGuardianPhones: Array<string>, regionCodes: Array<string> } | null, candidateRecord: { source: SourceKind, recordId: string, name: string | null, sex: string | null, birthDate: string | null, maskedIdNumber: string | null, maskedBirthCertificateNumber: string | null, maskedGuardianPhones: Array<string>, regionCodes: Array<string> } | null } }> } | null };

export type ConsoleResolveLinkReviewMutationVariables = Exact<{
  id: string | number;
  decision: ReviewDecision;
}>;


export type ConsoleResolveLinkReviewMutation = { resolveLinkReview: { eventId: string } };

export type ConsoleSchoolSummaryQueryVariables = Exact<{
  code: string;
}>;


export type ConsoleSchoolSummaryQuery = { school: { code: string, name: string, regionCode: string, coverage: { children: number | null, insured: number | null, insuredRate: number | null, statusCounts: Array<{ status: CoverageStatus, count: number | null }> } | null } | null };

export type ConsoleSchoolStudentsQueryVariables = Exact<{
  code: string;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleSchoolStudentsQuery = { school: { code: string, students: { totalCount: number | null, schoolYear: number | null, edges: Array<{ node: { studentNumber: string, name: string, sex: string, grade: number, className: string, child: { id: string, idNumber: string | null, coverage: { status: CoverageStatus, reasons: Array<GapReason>, deadline: string | null, daysLeft: number | null, responsibleActor: ResponsibleActor | null } | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsolePatientDetailFragmentDoc = new TypedDocumentString(`
    fragment ConsolePatientDetail on Child {
  id
  name
  sex
  birthDate
  idNumber
  coverage {
    asOf
    status
    reasons
    deadline
    daysLeft
    codeWindowEndsOn
    waitingPeriodMonths
    responsibleActor
  }
  immunizations {
    site {
      name
    }
    doses {
      vaccineName
      doseNumber
      givenOn
    }
  }
  guardians {
    relation
    name
    phone
  }
}
    `, {"fragmentName":"ConsolePatientDetail"}) as unknown as TypedDocumentString<ConsolePatientDetailFragment, unknown>;
export const ConsoleReviewedRecordFragmentDoc = new TypedDocumentString(`
    fragment ConsoleReviewedRecord on ReviewedRecord {
  source
  recordId
  name
  sex
  birthDate
  maskedIdNumber
  maskedBirthCertificateNumber
  maskedGuardianPhones
  regionCodes
}
    `, {"fragmentName":"ConsoleReviewedRecord"}) as unknown as TypedDocumentString<ConsoleReviewedRecordFragment, unknown>;
export const ConsolePatientByIdNumberDocument = new TypedDocumentString(`
    query ConsolePatientByIdNumber($idNumber: String!) {
  childByIdNumber(idNumber: $idNumber) {
    ...ConsolePatientDetail
  }
}
    fragment ConsolePatientDetail on Child {
  id
  name
  sex
  birthDate
  idNumber
  coverage {
    asOf
    status
    reasons
    deadline
    daysLeft
    codeWindowEndsOn
    waitingPeriodMonths
    responsibleActor
  }
  immunizations {
    site {
      name
    }
    doses {
      vaccineName
      doseNumber
      givenOn
    }
  }
  guardians {
    relation
    name
    phone
  }
}`) as unknown as TypedDocumentString<ConsolePatientByIdNumberQuery, ConsolePatientByIdNumberQueryVariables>;
export const ConsolePatientDocument = new TypedDocumentString(`
    query ConsolePatient($id: ID!) {
  child(id: $id) {
    ...ConsolePatientDetail
  }
}
    fragment ConsolePatientDetail on Child {
  id
  name
  sex
  birthDate
  idNumber
  coverage {
    asOf
    status
    reasons
    deadline
    daysLeft
    codeWindowEndsOn
    waitingPeriodMonths
    responsibleActor
  }
  immunizations {
    site {
      name
    }
    doses {
      vaccineName
      doseNumber
      givenOn
    }
  }
  guardians {
    relation
    name
    phone
  }
}`) as unknown as TypedDocumentString<ConsolePatientQuery, ConsolePatientQueryVariables>;
export const ConsoleDoctorPatientsDocument = new TypedDocumentString(`
    query ConsoleDoctorPatients($code: String!, $first: Int!, $after: String) {
  familyDoctor(code: $code) {
    code
    name
    institution
    patients(first: $first, after: $after) {
      totalCount
      edges {
        node {
          contract {
            patientName
            patientBirthDate
          }
          child {
            id
            idNumber
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDoctorPatientsQuery, ConsoleDoctorPatientsQueryVariables>;
export const ConsoleNewbornWatchlistDocument = new TypedDocumentString(`
    query ConsoleNewbornWatchlist($withinDays: Int!, $first: Int!) {
  newbornWatchlist(withinDays: $withinDays, first: $first) {
    totalCount
    edges {
      node {
        child {
          id
          name
          birthDate
        }
        coverage {
          status
          deadline
          daysLeft
          codeWindowEndsOn
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleNewbornWatchlistQuery, ConsoleNewbornWatchlistQueryVariables>;
export const ConsoleGapListDocument = new TypedDocumentString(`
    query ConsoleGapList($filter: CoverageGapFilter, $first: Int!, $after: String) {
  coverageGaps(filter: $filter, first: $first, after: $after) {
    totalCount
    edges {
      node {
        child {
          id
          name
          idNumber
          residenceRegionCode
        }
        coverage {
          status
          reasons
          deadline
          daysLeft
          responsibleActor
          responsibleCode
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleGapListQuery, ConsoleGapListQueryVariables>;
export const ConsoleRegionSummaryDocument = new TypedDocumentString(`
    query ConsoleRegionSummary($region: String!, $groupBy: CoverageGroupBy!) {
  coverageSummary(region: $region, groupBy: $groupBy) {
    asOf
    coverageYear
    region
    total {
      label
      children
      insured
      insuredRate
      newborns
      newbornInsuredRate
      newbornWithinWindowRate
      statusCounts {
        status
        count
      }
    }
    groups {
      key
      label
      suppressed
      children
      insured
      insuredRate
      newborns
      newbornInsuredRate
    }
    targets {
      overallInsuredRate
      newbornInsuredRate
      newbornWindowDays
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleRegionSummaryQuery, ConsoleRegionSummaryQueryVariables>;
export const ConsoleSchoolNamesDocument = new TypedDocumentString(`
    query ConsoleSchoolNames($region: String!, $first: Int!) {
  schools(region: $region, first: $first) {
    edges {
      node {
        code
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSchoolNamesQuery, ConsoleSchoolNamesQueryVariables>;
export const ConsoleLinkReviewsDocument = new TypedDocumentString(`
    query ConsoleLinkReviews($region: String, $first: Int!) {
  linkReviews(status: OPEN, region: $region, first: $first) {
    totalCount
    edges {
      node {
        id
        source
        score
        reason
        createdAt
        fields {
          field
          level
        }
        record {
          ...ConsoleReviewedRecord
        }
        candidateRecord {
          ...ConsoleReviewedRecord
        }
      }
    }
  }
}
    fragment ConsoleReviewedRecord on ReviewedRecord {
  source
  recordId
  name
  sex
  birthDate
  maskedIdNumber
  maskedBirthCertificateNumber
  maskedGuardianPhones
  regionCodes
}`) as unknown as TypedDocumentString<ConsoleLinkReviewsQuery, ConsoleLinkReviewsQueryVariables>;
export const ConsoleResolveLinkReviewDocument = new TypedDocumentString(`
    mutation ConsoleResolveLinkReview($id: ID!, $decision: ReviewDecision!) {
  resolveLinkReview(id: $id, decision: $decision) {
    eventId
  }
}
    `) as unknown as TypedDocumentString<ConsoleResolveLinkReviewMutation, ConsoleResolveLinkReviewMutationVariables>;
export const ConsoleSchoolSummaryDocument = new TypedDocumentString(`
    query ConsoleSchoolSummary($code: String!) {
  school(code: $code) {
    code
    name
    regionCode
    coverage {
      children
      insured
      insuredRate
      statusCounts {
        status
        count
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSchoolSummaryQuery, ConsoleSchoolSummaryQueryVariables>;
export const ConsoleSchoolStudentsDocument = new TypedDocumentString(`
    query ConsoleSchoolStudents($code: String!, $first: Int!, $after: String) {
  school(code: $code) {
    code
    students(first: $first, after: $after) {
      totalCount
      schoolYear
      edges {
        node {
          studentNumber
          name
          sex
          grade
          className
          child {
            id
            idNumber
            coverage {
              status
              reasons
              deadline
              daysLeft
              responsibleActor
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSchoolStudentsQuery, ConsoleSchoolStudentsQueryVariables>;