import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import { UNRESOLVED_REASONS, UNRESOLVED_STATUSES, type SourceKind } from "../../db/enums.ts";
import { Connection } from "../../graphql/connection.ts";
import { Child, SourceKindEnum } from "./child.type.ts";
import { FieldAgreement, ReviewedRecord } from "./review.type.ts";

export const UnresolvedReasonEnum = Object.fromEntries(UNRESOLVED_REASONS.map((s) => [s, s]));
registerEnumType(UnresolvedReasonEnum, {
  name: "UnresolvedReason",
  description:
    "Why the matcher could not tell this child from another: IN_REVIEW, one of its records awaits a link " +
    "review; POSSIBLE_MATCH, its records name no one (no ID number, certificate or name) and agree with a " +
    "known child on birth date, sex and county.",
});

export const UnresolvedStatusEnum = Object.fromEntries(UNRESOLVED_STATUSES.map((s) => [s, s]));
registerEnumType(UnresolvedStatusEnum, { name: "UnresolvedStatus" });

export enum UnresolvedDecisionEnum {
  SAME_CHILD = "SAME_CHILD",
  NEW_CHILD = "NEW_CHILD",
}
registerEnumType(UnresolvedDecisionEnum, {
  name: "UnresolvedDecision",
  description:
    "A reviewer's answer: SAME_CHILD merges the unresolved child into the child it may be; NEW_CHILD makes it a " +
    "child of its own, counted in coverage from then on.",
});

@ObjectType("UnresolvedChild", {
  description:
    "A child the matcher made but could not tell from another: not counted in gap lists or statistics until a " +
    "person decides. Identifiers arrive masked.",
})
export class UnresolvedChild {
  @Field(() => ID)
  id!: string;

  @Field(() => Child, {
    nullable: true,
    description: "The unresolved child (null once merged away or outside your rows).",
  })
  child!: Child | null;

  @Field(() => UnresolvedReasonEnum)
  reason!: string;

  @Field(() => SourceKindEnum)
  source!: SourceKind;

  @Field(() => String)
  recordId!: string;

  @Field(() => ReviewedRecord, { nullable: true })
  record!: ReviewedRecord | null;

  @Field(() => Child, {
    nullable: true,
    description: "The child it may be (null if merged away or outside your rows).",
  })
  candidate!: Child | null;

  @Field(() => ReviewedRecord, { nullable: true })
  candidateRecord!: ReviewedRecord | null;

  @Field(() => Float)
  score!: number;

  @Field(() => [FieldAgreement])
  fields!: FieldAgreement[];

  @Field(() => String, { nullable: true })
  regionCode!: string | null;

  @Field(() => UnresolvedStatusEnum)
  status!: string;

  @Field(() => String)
  createdAt!: string;

  @Field(() => String, { nullable: true })
  resolvedAt!: string | null;

  @Field(() => String, { nullable: true })
  resolvedBy!: string | null;

  /** The children the entry is about, as far as it may be shown: what the audit logs a read of it under. */
  childIds?: number[];
}

@ObjectType("UnresolvedChildConnection")
export class UnresolvedChildConnection extends Connection("UnresolvedChild", UnresolvedChild) {}
