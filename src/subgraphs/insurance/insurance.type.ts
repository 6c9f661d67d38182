import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../../graphql/connection.ts";
import { DateScalar } from "../../graphql/scalars.ts";

/**
 * Personal and payment fields are nullable: the authorization rules (issue 4) deny some of them
 * to some roles, and a denied non-null field would null its parent. A record's own id is not.
 */

/** 统筹区: a coordination area of resident insurance (prefecture level), with its yearly window. */
@Directive('@key(fields: "code")')
@ObjectType("CoordinationArea", {
  description: "A coordination area (统筹区) of resident medical insurance, by its 6-digit division code.",
})
export class CoordinationArea {
  @Field(() => String, { description: 'Division code of the area, e.g. "330100".' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Month-day the yearly enrollment window opens, e.g. "09-01".' })
  windowOpens!: string;

  @Field(() => String, { description: 'Month-day the yearly enrollment window closes, e.g. "12-31".' })
  windowCloses!: string;

  @Field(() => Int, {
    nullable: true,
    description: "A resident's individual contribution for a year, in fen (1/100 yuan).",
  })
  annualContributionFen!: number | null;
}

@ObjectType("Contribution", { description: "A payment towards an enrollment's individual contribution." })
export class Contribution {
  @Field(() => String, { description: "The insurance system's own id for the payment.", nullable: true })
  recordId!: string;

  @Field(() => Int, { nullable: true })
  amountFen!: number | null;

  @Field(() => Float, { nullable: true })
  amountYuan!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "SELF, MEDICAL_ASSISTANCE, EMPLOYEE_ACCOUNT (family mutual aid) or OTHER.",
  })
  payerKind!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "When medical assistance paid: the needy category it paid under.",
  })
  needyCategory!: string | null;

  @Field(() => String, { nullable: true, description: "The parent whose employee personal account paid." })
  payerIdNumber!: string | null;

  @Field(() => DateScalar, { nullable: true })
  paidOn!: string | null;
}

@ObjectType("Enrollment", {
  description: "One resident's enrollment for one coverage (calendar) year in one coordination area.",
})
export class Enrollment {
  @Field(() => String, { description: "The insurance system's own id for the enrollment.", nullable: true })
  recordId!: string;

  @Field(() => Int, { nullable: true })
  coverageYear!: number | null;

  @Field(() => String, { nullable: true, description: "390: urban-rural resident basic medical insurance." })
  insuranceType!: string | null;

  @Field(() => String, { nullable: true, description: "ACTIVE, SUSPENDED or TERMINATED." })
  status!: string | null;

  @Field(() => DateScalar, { nullable: true })
  enrolledOn!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Null until the contribution is paid: an unpaid enrollment does not insure.",
  })
  paidOn!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "When benefits start (after a waiting period for a late or lapsed enrollment).",
  })
  benefitStartsOn!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Resident ID number; null for a newborn enrolled on its birth certificate.",
  })
  idNumber!: string | null;

  @Field(() => String, { nullable: true })
  birthCertificateNumber!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  /** Resolves `area`; not a field of its own. */
  areaCode!: string;

  /**
   * The master child the enrollment is linked to, when the statement that read it knew: not a
   * field, but what the audit logs a read of the enrollment under (src/access/audit/audited-types.ts).
   */
  childId?: number | null;
}

@ObjectType("AssistanceEligibility", {
  description: "A medical-assistance entitlement shared by civil affairs (特困, 低保, orphans, disabled children).",
})
export class AssistanceEligibility {
  @Field(() => String, { nullable: true, description: "EXTREMELY_POOR, MIN_LIVING, ORPHAN or DISABLED." })
  needyCategory!: string | null;

  @Field(() => String, { nullable: true })
  regionCode!: string | null;

  @Field(() => DateScalar, { nullable: true })
  validFrom!: string | null;

  @Field(() => DateScalar, { nullable: true })
  validUntil!: string | null;
}

/** Medical insurance's view of a child: its enrollments, found through the hub's links. */
@ObjectType("ChildInsurance")
export class ChildInsurance {
  /** The child's linked enrollments, newest coverage year first: the insurance status is computed from them. */
  records!: Enrollment[];
  /** Those the viewer is shown (an insurance system: its region's): what `enrollments` lists. */
  shown!: Enrollment[];
}

/** The insurance subgraph's view of the shared child. */
@Directive('@key(fields: "id")')
@ObjectType("Child")
export class InsuranceChild {
  @Field(() => ID)
  id!: string;
}

@ObjectType("EnrollmentConnection")
export class EnrollmentConnection extends Connection("Enrollment", Enrollment) {}

@ObjectType("CoordinationAreaConnection")
export class CoordinationAreaConnection extends Connection("CoordinationArea", CoordinationArea) {}
