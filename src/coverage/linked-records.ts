import type { IsoDate } from "../domain/dates.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";
import type { EnrollmentFact } from "./types.ts";

/**
 * What one child's currently linked department records say, reduced to the fields coverage
 * needs: the input of the pure `deriveCoverageFacts`, the output of the SQL feeder. Values are
 * as the departments wrote them (an ID number may carry a clerk's typo), so the derivation can
 * weigh them; nothing here has been decided yet.
 */
export interface LinkedRecords {
  persons: readonly {
    idNumber: string | null;
    birthDate: IsoDate;
    hukouRegionCode: string;
    /** Where a residence-permit (居住证) holder lives; null for others. */
    permitRegionCode: string | null;
  }[];
  birthCertificates: readonly {
    birthDate: IsoDate;
    /** The place of birth the certificate states: the issuing hospital's county. */
    birthRegionCode: string | null;
  }[];
  immunizations: readonly {
    recordId: string;
    idNumber: string | null;
    birthDate: IsoDate;
    /** Region of the vaccination site that keeps the file. */
    siteRegionCode: string | null;
    /** The latest dose the file records: a mover's current file is the one still in use. */
    lastDoseOn: IsoDate | null;
  }[];
  doctorContracts: readonly {
    idNumber: string | null;
    birthDate: IsoDate;
    doctorCode: string;
    status: string;
    signedOn: IsoDate;
    validUntil: IsoDate;
  }[];
  students: readonly {
    idNumber: string | null;
    studentNumber: string;
    birthDate: IsoDate;
    schoolCode: string;
    schoolRegionCode: string | null;
    status: string;
    /** The calendar year the school year starts in. */
    schoolYear: number;
  }[];
  enrollments: readonly (EnrollmentFact & {
    idNumber: string | null;
    birthDate: IsoDate;
    /** Needy categories medical assistance paid this enrollment's contribution under. */
    assistanceCategories: readonly NeedyCategory[];
  })[];
  /** Civil affairs' medical-assistance eligibility found under the child's ID numbers. */
  assistance: readonly {
    idNumber: string;
    needyCategory: NeedyCategory;
    validFrom: IsoDate;
    validUntil: IsoDate | null;
  }[];
}

export function noLinkedRecords(): LinkedRecords {
  return {
    persons: [],
    birthCertificates: [],
    immunizations: [],
    doctorContracts: [],
    students: [],
    enrollments: [],
    assistance: [],
  };
}
