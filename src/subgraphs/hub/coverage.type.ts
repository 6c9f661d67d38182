import { Directive, Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { COVERAGE_STATUSES, GAP_REASONS, HUKOU_TYPES, RESPONSIBLE_ACTORS } from "../../domain/coverage-terms.ts";
import { Connection } from "../../graphql/connection.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import { Child } from "./child.type.ts";
import { NeedyCategoryEnum } from "./settings.type.ts";

const asEnum = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const CoverageStatusEnum = asEnum(COVERAGE_STATUSES);
registerEnumType(CoverageStatusEnum, {
  name: "CoverageStatus",
  description: "A child's insurance status for the coverage year of the as-of date.",
});
export const GapReasonEnum = asEnum(GAP_REASONS);
registerEnumType(GapReasonEnum, { name: "GapReason", description: "Why a child has, or risks, a gap." });
export const ResponsibleActorEnum = asEnum(RESPONSIBLE_ACTORS);
registerEnumType(ResponsibleActorEnum, { name: "ResponsibleActor", description: "Who should act on a gap." });
export const HukouTypeEnum = asEnum(HUKOU_TYPES);
registerEnumType(HukouTypeEnum, {
  name: "HukouType",
  description: "LOCAL: hukou in the province; NON_LOCAL: outside it; UNKNOWN: no hukou on record yet.",
});

export enum CoverageGroupBy {
  REGION = "REGION",
  SCHOOL = "SCHOOL",
  AGE_BAND = "AGE_BAND",
  HUKOU_TYPE = "HUKOU_TYPE",
  NEEDY_CATEGORY = "NEEDY_CATEGORY",
  REASON = "REASON",
}
registerEnumType(CoverageGroupBy, {
  name: "CoverageGroupBy",
  description:
    "REGION groups one level below the region asked (province → prefectures → counties; a school's children by " +
    "county); in a summary of the hub's whole province the children it cannot place (no residence, or one " +
    "outside the province) are the group with key null, labelled 居住地不明 (place unknown). " +
    "AGE_BAND by 0, 1-2, 3-5, 6-11, 12-14, 15-17. " +
    "REASON: why children are uninsured — each child with a gap under the one reason leading it (ChildCoverage." +
    "leadingReason; UNEXPLAINED for a gap none leads), children without a gap under key null, so the reason " +
    "groups add up to the gap count and all groups to the total.",
});

@ObjectType("ChildCoverage", {
  description: "A child's insurance status as of a date, why, by when, and who should act.",
})
export class ChildCoverage {
  @Field(() => DateScalar)
  asOf!: string;

  @Field(() => Int)
  coverageYear!: number;

  @Field(() => CoverageStatusEnum)
  status!: string;

  // Nullable so that a role the policy table denies the reasons (#18.20) still reads the status.
  @Field(() => [GapReasonEnum], { nullable: true })
  reasons!: string[];

  @Field(() => GapReasonEnum, {
    nullable: true,
    description:
      "The reason leading a gap: the first of its reasons in the policy's priority, whose actor is the " +
      "responsibleActor; what coverageSummary(groupBy: REASON) counts the gap under. Null without a gap.",
  })
  leadingReason!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Uninsured newborns: birth + the province's newborn window (90 days unless it sets 180).",
  })
  deadline!: string | null;

  @Field(() => Int, { nullable: true, description: "Days from the as-of date to the deadline (negative when past)." })
  daysLeft!: number | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Children under one: the last day the newborn's insurance code can be used (birth + 180 days).",
  })
  codeWindowEndsOn!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "Months before benefits would start if enrolled now (0 for newborns); null when insured.",
  })
  waitingPeriodMonths!: number | null;

  @Field(() => ResponsibleActorEnum, { nullable: true })
  responsibleActor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The school, doctor, coordination area or region that should act.",
  })
  responsibleCode!: string | null;

  @Field(() => String, { nullable: true, description: "The suggested action; null when there is nothing to do." })
  action!: string | null;

  @Field(() => NeedyCategoryEnum, {
    nullable: true,
    description:
      "The child's needy category as coverage knows it — civil affairs' eligibility under any of its ID numbers, or " +
      "the category medical assistance paid under this year or last — with or without an enrollment.",
  })
  needyCategory!: string | null;
}

@ObjectType("CoverageGap", { description: "A child with a gap, and the gap." })
export class CoverageGap {
  @Field(() => Child)
  child!: Child;

  @Field(() => ChildCoverage)
  coverage!: ChildCoverage;
}

@ObjectType("CoverageGapConnection")
export class CoverageGapConnection extends Connection("CoverageGap", CoverageGap) {
  /** Not a GraphQL field: counts what the list lists over all pages (totalCount), run only when asked for. */
  count!: () => Promise<number>;
}

@InputType("CoverageGapFilter")
export class CoverageGapFilter {
  @Field(() => String, {
    nullable: true,
    description:
      "Residence region: a division code or prefix. The hub's whole province also lists the children it cannot " +
      "place (placeUnknown).",
  })
  region?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: only the children the hub's province cannot place (no residence, or one outside the province), " +
      "the place-unknown group of the statistics; false: only children placed in the province.",
  })
  placeUnknown?: boolean | null;

  @Field(() => String, { nullable: true, description: "A 10-digit school code." })
  school?: string | null;

  @Field(() => CoverageStatusEnum, { nullable: true })
  status?: string | null;

  @Field(() => GapReasonEnum, { nullable: true, description: "Gaps with this reason among their reasons." })
  reason?: string | null;

  @Field(() => GapReasonEnum, {
    nullable: true,
    description: "Gaps this reason leads: the children coverageSummary(groupBy: REASON) counts under it.",
  })
  leadingReason?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Born on or after." })
  bornAfter?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Born on or before." })
  bornBefore?: string | null;

  @Field(() => HukouTypeEnum, { nullable: true })
  hukouType?: string | null;
}

@ObjectType("StatusCount")
export class StatusCount {
  @Field(() => CoverageStatusEnum)
  status!: string;

  @Field(() => Int, { nullable: true })
  count!: number | null;
}

@ObjectType("CoverageGroup", {
  description:
    "Counts and rates of one group. " +
    "Cells of fewer than 5 children are suppressed for roles that may not see individuals.",
})
export class CoverageGroup {
  @Field(() => String, {
    nullable: true,
    description:
      "The group: a division code, school code, age band, hukou type, needy category or the reason leading a " +
      "gap; null for children without one (by REGION: the place-unknown group; by REASON: children without a gap).",
  })
  key!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A readable name for the key, when there is one (region names; 居住地不明 for the place-unknown group).",
  })
  label!: string | null;

  @Field(() => Boolean, {
    description: "Always false: small groups are no longer withheld but rounded (see the type's description).",
  })
  suppressed!: boolean;

  @Field(() => Int, { nullable: true })
  children!: number | null;

  @Field(() => Int, { nullable: true, description: "INSURED and DUPLICATE (insured, twice)." })
  insured!: number | null;

  @Field(() => Float, { nullable: true })
  insuredRate!: number | null;

  @Field(() => Int, { nullable: true, description: "Children born in the coverage year." })
  newborns!: number | null;

  @Field(() => Int, { nullable: true })
  newbornsInsured!: number | null;

  @Field(() => Float, { nullable: true, description: "Newborns insured in their year of birth (target ≥ 80%)." })
  newbornInsuredRate!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Newborns insured by an enrollment made within the newborn window.",
  })
  newbornsInsuredWithinWindow!: number | null;

  @Field(() => Float, { nullable: true })
  newbornWithinWindowRate!: number | null;

  @Field(() => [StatusCount])
  statusCounts!: StatusCount[];
}

@ObjectType("PolicyTargets", { description: "The policy's targets, beside the figures they judge." })
export class PolicyTargets {
  @Field(() => Float, { description: "Overall coverage of children (≥ 95%)." })
  overallInsuredRate!: number;

  @Field(() => Float, { description: "Newborns insured in their year of birth (≥ 80%)." })
  newbornInsuredRate!: number;

  @Field(() => Int, { description: "Days after birth within which a newborn's enrollment covers it from birth." })
  newbornWindowDays!: number;
}

@ObjectType("CoverageSummary")
export class CoverageSummary {
  @Field(() => DateScalar, {
    description: "The snapshot answered from: the date asked, or without one today's, else the newest before it.",
  })
  asOf!: string;

  @Field(() => Int)
  coverageYear!: number;

  @Field(() => String, {
    nullable: true,
    description: "The region summarised, as its significant prefix; null for a school's summary.",
  })
  region!: string | null;

  @Field(() => String, { nullable: true, description: "The school summarised (its students); null for a region's." })
  school!: string | null;

  @Field(() => CoverageGroupBy)
  groupBy!: CoverageGroupBy;

  @Field(() => CoverageGroup, {
    description:
      "Every child of the region (or school) in the caller's scope; for the hub's whole province, with the children " +
      "it cannot place.",
  })
  total!: CoverageGroup;

  @Field(() => [CoverageGroup])
  groups!: CoverageGroup[];

  @Field(() => PolicyTargets)
  targets!: PolicyTargets;
}

/** The hub's view of a school: the coverage of its students. */
@Directive('@key(fields: "code")')
@ObjectType("School")
export class HubSchool {
  @Field(() => String)
  code!: string;
}
