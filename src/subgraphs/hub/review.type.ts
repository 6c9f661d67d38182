import { Field, Float, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { REVIEW_STATUSES, type SourceKind } from "../../db/enums.ts";
import { Connection } from "../../graphql/connection.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import { Child, SourceKindEnum } from "./child.type.ts";

export const LinkReviewStatusEnum = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, s]));
registerEnumType(LinkReviewStatusEnum, { name: "LinkReviewStatus" });

export enum ReviewDecisionEnum {
  SAME_CHILD = "SAME_CHILD",
  DIFFERENT_CHILDREN = "DIFFERENT_CHILDREN",
}
registerEnumType(ReviewDecisionEnum, {
  name: "ReviewDecision",
  description: "A reviewer's answer: the record belongs to the candidate child, or it does not.",
});

@ObjectType("FieldAgreement", { description: "How one field compared between the record and the candidate." })
export class FieldAgreement {
  @Field(() => String)
  field!: string;

  @Field(() => String, { description: "e.g. EXACT, SIMILAR, TRANSPOSED, DIFFERENT, MISSING" })
  level!: string;
}

@ObjectType("ReviewedRecord", { description: "What a reviewer sees of a record: identifiers masked." })
export class ReviewedRecord {
  @Field(() => SourceKindEnum)
  source!: SourceKind;

  @Field(() => String)
  recordId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  sex!: string | null;

  @Field(() => DateScalar, { nullable: true })
  birthDate!: string | null;

  @Field(() => String, { nullable: true })
  maskedIdNumber!: string | null;

  @Field(() => String, { nullable: true })
  maskedBirthCertificateNumber!: string | null;

  @Field(() => [String])
  maskedGuardianIdNumbers!: string[];

  @Field(() => [String])
  maskedGuardianPhones!: string[];

  @Field(() => [String])
  regionCodes!: string[];

  /**
   * The master child the record is linked to (null: none): not a field, but what the audit logs
   * a read of the evidence under (src/access/audit/audited-types.ts).
   */
  childId?: number | null;
}

@ObjectType("LinkReview", { description: "A record the matcher was unsure about, and the child it might belong to." })
export class LinkReview {
  @Field(() => ID)
  id!: string;

  @Field(() => SourceKindEnum)
  source!: SourceKind;

  @Field(() => String)
  recordId!: string;

  @Field(() => Child, { nullable: true, description: "The candidate child (null if it has since been merged away)." })
  candidate!: Child | null;

  @Field(() => Float)
  score!: number;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => [FieldAgreement])
  fields!: FieldAgreement[];

  @Field(() => ReviewedRecord, { nullable: true })
  record!: ReviewedRecord | null;

  @Field(() => ReviewedRecord, { nullable: true })
  candidateRecord!: ReviewedRecord | null;

  @Field(() => String, { nullable: true })
  regionCode!: string | null;

  @Field(() => LinkReviewStatusEnum)
  status!: string;

  @Field(() => String)
  createdAt!: string;

  @Field(() => String, { nullable: true })
  resolvedAt!: string | null;

  @Field(() => String, { nullable: true })
  resolvedBy!: string | null;

  /**
   * The children the review is about, as far as it may be shown: the reviewed record's child and
   * a visible candidate. Not a field: what the audit logs a read of the review under.
   */
  childIds?: number[];
}

@ObjectType("LinkReviewConnection")
export class LinkReviewConnection extends Connection("LinkReview", LinkReview) {}

@InputType("RecordRefInput", { description: "A department record, by table and the department's own id." })
export class RecordRefInput {
  @Field(() => SourceKindEnum)
  source!: SourceKind;

  @Field(() => String)
  recordId!: string;
}

@ObjectType("ChildEventResult", { description: "The history event a decision wrote; undoChildEvent takes its id." })
export class ChildEventResult {
  @Field(() => ID)
  eventId!: string;

  @Field(() => Child, {
    nullable: true,
    description: "The child the decision left (the kept child, the split-off child).",
  })
  child!: Child | null;
}
