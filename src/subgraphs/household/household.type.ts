import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GUARDIAN_RELATIONS, REGISTRATION_KINDS } from "../../db/enums.ts";

export const RegistrationKindEnum = Object.fromEntries(REGISTRATION_KINDS.map((k) => [k, k]));
registerEnumType(RegistrationKindEnum, {
  name: "RegistrationKind",
  description: "Local hukou, or a non-local resident known by a residence permit.",
});

export const GuardianRelationEnum = Object.fromEntries(GUARDIAN_RELATIONS.map((k) => [k, k]));
registerEnumType(GuardianRelationEnum, { name: "GuardianRelation" });

@ObjectType("Hukou", { description: "Where the child's household registration is, as public security records it." })
export class Hukou {
  @Field(() => RegistrationKindEnum)
  registrationKind!: string;

  @Field(() => String, { description: "Division code of the hukou (outside the province for a non-local child)." })
  regionCode!: string;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  householdNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Where a residence-permit holder lives." })
  residenceRegionCode!: string | null;

  @Field(() => String, { nullable: true })
  residencePermitNumber!: string | null;
}

@ObjectType("Guardian")
export class Guardian {
  @Field(() => GuardianRelationEnum)
  relation!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  idNumber!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;
}

/** The household subgraph's view of the shared child: its hukou and guardians. */
@Directive('@key(fields: "id")')
@ObjectType("Child")
export class HouseholdChild {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "householdNumber")')
@ObjectType("Household", { description: "A household (户) and its registered members." })
export class Household {
  @Field(() => String)
  householdNumber!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => String, { nullable: true })
  address!: string | null;
}

@ObjectType("HouseholdMember")
export class HouseholdMember {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  sex!: string;

  @Field(() => String)
  birthDate!: string;

  @Field(() => String, { nullable: true })
  idNumber!: string | null;

  /**
   * Not a GraphQL field: the master child this person is (undefined for an unlinked record); the
   * audit log names it.
   */
  childId?: number;
}
