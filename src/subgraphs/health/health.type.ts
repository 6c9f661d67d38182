import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { DateScalar } from "../../graphql/scalars.ts";

/** The health subgraph's view of the shared child: its birth certificate, immunizations, family doctor. */
@Directive('@key(fields: "id")')
@ObjectType("Child")
export class HealthChild {
  @Field(() => ID)
  id!: string;
}

@ObjectType("Hospital", { description: "A maternity hospital that issues birth medical certificates." })
export class Hospital {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Division code of the county the hospital is in." })
  regionCode!: string;
}

@ObjectType("BirthCertificate", {
  description: "出生医学证明: a newborn's first identifier, long before a resident ID number.",
})
export class BirthCertificate {
  @Field(() => String, { description: "One letter and 9 digits." })
  certificateNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Often empty or a placeholder ("王之子") when issued to a newborn.',
  })
  childName!: string | null;

  @Field(() => String, { nullable: true, description: "M or F." })
  sex!: string | null;

  @Field(() => DateScalar, { nullable: true })
  birthDate!: string | null;

  @Field(() => String, { nullable: true })
  motherName!: string | null;

  @Field(() => String, { nullable: true })
  motherIdNumber!: string | null;

  @Field(() => String, { nullable: true })
  fatherName!: string | null;

  @Field(() => String, { nullable: true })
  fatherIdNumber!: string | null;

  @Field(() => String, { nullable: true })
  guardianPhone!: string | null;

  /** Resolved through the hospital loader. */
  hospitalCode!: string;

  @Field(() => String, { nullable: true, description: "Division code where the certificate was issued." })
  regionCode!: string | null;

  @Field(() => DateScalar, { nullable: true })
  issuedOn!: string | null;
}

@Directive('@key(fields: "code")')
@ObjectType("VaccinationSite", {
  description: "An immunization clinic (预防接种门诊): where young children are first seen outside a hospital.",
})
export class VaccinationSite {
  @Field(() => String, { description: '"V", the county code and a 3-digit serial, e.g. "V330106001".' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Division code of the county the site serves." })
  regionCode!: string;
}

@ObjectType("ImmunizationDose", { description: "One dose given, e.g. hepatitis B dose 1 at birth." })
export class ImmunizationDose {
  @Field(() => String)
  vaccineCode!: string;

  @Field(() => String)
  vaccineName!: string;

  @Field(() => Int)
  doseNumber!: number;

  @Field(() => DateScalar)
  givenOn!: string;
}

@ObjectType("ImmunizationRecord", {
  description: "A child's immunization file (预防接种档案) at a site, as the site wrote it down.",
})
export class ImmunizationRecord {
  @Field(() => String, { description: "The health department's own id for the file." })
  recordId!: string;

  @Field(() => String, { nullable: true })
  childName!: string | null;

  @Field(() => DateScalar, { nullable: true })
  birthDate!: string | null;

  @Field(() => String, { nullable: true })
  guardianName!: string | null;

  @Field(() => String, { nullable: true })
  guardianPhone!: string | null;

  /** Resolved through the site loader. */
  siteCode!: string;
}

@ObjectType("DoctorContract", { description: "家庭医生签约: a family-doctor service contract for a child." })
export class DoctorContract {
  @Field(() => String, { description: "The health department's own id for the contract." })
  recordId!: string;

  /** Keyset pagination key of a doctor's patients; never shown. */
  id!: number;

  /**
   * The master child the contract is linked to (null while unlinked): not a field, but what the
   * audit logs a read of the contract under when it is handed out outside `Child`.
   */
  childId?: number | null;

  @Field(() => String, { nullable: true })
  patientName!: string | null;

  @Field(() => String, { nullable: true })
  patientIdNumber!: string | null;

  @Field(() => DateScalar, { nullable: true })
  patientBirthDate!: string | null;

  @Field(() => String, { nullable: true })
  guardianName!: string | null;

  @Field(() => String, { nullable: true })
  guardianPhone!: string | null;

  @Field(() => DateScalar, { nullable: true })
  signedOn!: string | null;

  @Field(() => DateScalar, { nullable: true })
  validUntil!: string | null;

  @Field(() => String, { nullable: true, description: "ACTIVE, EXPIRED or CANCELLED." })
  status!: string | null;
}

@Directive('@key(fields: "code")')
@ObjectType("FamilyDoctor", {
  description: "A family doctor (家庭医生), whose contracted service package includes insurance mobilisation.",
})
export class FamilyDoctor {
  @Field(() => String, { description: '"D", the county code and a 4-digit serial, e.g. "D3301060001".' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The community health service centre the doctor works at." })
  institution!: string;

  @Field(() => String, { nullable: true })
  teamName!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String)
  regionCode!: string;
}

@ObjectType("Patient", { description: "A child under an ACTIVE contract with a family doctor." })
export class Patient {
  @Field(() => DoctorContract)
  contract!: DoctorContract;

  /** The master child the contract is linked to, if any: `child` resolves it through the row scope. */
  childId!: number | null;
}
