import type { AreaRow, AssistanceRow, ContributionRow, EnrollmentRow } from "./queries.ts";
import type { AssistanceEligibility, Contribution, CoordinationArea, Enrollment } from "./insurance.type.ts";

/** Rows of the insurance tables as the GraphQL types show them. */

/** Rows read with their link (`childId`) keep it, so the audit knows whose enrollment was read. */
export function toEnrollment(row: EnrollmentRow & { childId?: number | null }): Enrollment {
  return {
    childId: row.childId ?? null,
    recordId: row.recordId,
    coverageYear: row.coverageYear,
    insuranceType: row.insuranceType,
    status: row.status,
    enrolledOn: row.enrolledOn,
    paidOn: row.paidOn,
    benefitStartsOn: row.benefitStartsOn,
    idNumber: row.idNumber,
    birthCertificateNumber: row.birthCertificateNumber,
    name: row.name,
    areaCode: row.areaCode,
  };
}

export function toContribution(row: ContributionRow): Contribution {
  return {
    recordId: row.recordId,
    amountFen: row.amountFen,
    amountYuan: row.amountFen / 100,
    payerKind: row.payerKind,
    needyCategory: row.needyCategory,
    payerIdNumber: row.payerIdNumber,
    paidOn: row.paidOn,
  };
}

export function toArea(row: AreaRow): CoordinationArea {
  return {
    code: row.areaCode,
    name: row.name,
    windowOpens: row.windowOpens,
    windowCloses: row.windowCloses,
    annualContributionFen: row.annualContributionFen,
  };
}

export function toAssistance(row: AssistanceRow): AssistanceEligibility {
  return {
    needyCategory: row.needyCategory,
    regionCode: row.regionCode,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
  };
}
