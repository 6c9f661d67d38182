/** The example `npm start` prints and GraphiQL opens with: one child across all four departments. */
export const EXAMPLE_QUERY = `query ChildAcrossDepartments($idNumber: String!) {
  childByIdNumber(idNumber: $idNumber) {
    id
    name
    sex
    birthDate
    residenceRegionCode
    hukou { registrationKind regionCode }
    guardians { relation name phone }
    birthCertificate { certificateNumber }
    immunizations { site { name } doses { vaccineName givenOn } }
    enrollment { school { name } grade className }
    insurance { enrollments { coverageYear status paidOn area { name } } }
  }
}`;
