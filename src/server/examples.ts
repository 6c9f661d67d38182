/**
 * The example `npm start` prints (with the insurance officer's demo token) and GraphiQL opens
 * with: one child by ID number, with the fields an insurance office may read from three
 * departments (tests/gateway/http.test.ts runs it with that token).
 */
export const EXAMPLE_ROLE = "insurance_officer";

export const EXAMPLE_QUERY = `query ChildForInsuranceOffice($idNumber: String!) {
  childByIdNumber(idNumber: $idNumber) {
    id
    name
    sex
    birthDate
    idNumber
    residenceRegionCode
    hukou { registrationKind regionCode }
    guardians { relation name phone }
    insurance { enrollments { coverageYear status paidOn area { name } } }
  }
}`;
