import { Directive, Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import { SOURCE_KINDS, LINK_RULES, type SourceKind } from "../../db/enums.ts";
import { DateScalar } from "../../graphql/scalars.ts";

/** GraphQL enum names for the department tables a record comes from. */
export const SourceKindEnum = Object.fromEntries(
  SOURCE_KINDS.map((s) => [s.replace(".", "_").toUpperCase(), s]),
) as Record<string, SourceKind>;
registerEnumType(SourceKindEnum, { name: "SourceKind", description: "The department table a linked record lives in." });

export const LinkRuleEnum = Object.fromEntries(LINK_RULES.map((r) => [r, r]));
registerEnumType(LinkRuleEnum, { name: "LinkRule", description: "Which rule linked a record to its child." });

export enum Sex {
  M = "M",
  F = "F",
}
registerEnumType(Sex, { name: "Sex" });

@ObjectType("ChildSource", {
  description: "A department record linked to the child, with the rule and score that linked it.",
})
export class ChildSource {
  @Field(() => SourceKindEnum)
  source!: SourceKind;

  @Field(() => String, { description: "The department's own id for the record." })
  recordId!: string;

  @Field(() => LinkRuleEnum)
  rule!: string;

  @Field(() => Float, { nullable: true })
  score!: number | null;

  @Field(() => String, { description: "When the link was made (ISO 8601)." })
  linkedAt!: string;
}

/** The master child: one real child behind records from every department. */
@Directive('@key(fields: "id")')
@ObjectType("Child")
export class Child {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Sex, { nullable: true })
  sex?: Sex | null;

  @Field(() => DateScalar, { nullable: true })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: "Resident ID number, when the child has one." })
  idNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Division code of residence, by the one residence rule: school region, else residence permit region, else " +
      "vaccination site region, else (under one) the birth certificate's place, else hukou region; null when unknown.",
  })
  residenceRegionCode?: string | null;

  @Field(() => [ChildSource], { nullable: true })
  sources?: ChildSource[] | null;
}
