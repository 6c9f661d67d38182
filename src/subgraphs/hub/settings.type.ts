import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { NEEDY_CATEGORIES } from "../../domain/insurance-policy.ts";
import {
  NEVER_INSURED_RULES,
  NEWBORN_EXEMPTIONS,
  POLICY_SETTING_KEYS,
  SUBSIDY_KINDS,
} from "../../domain/policy-settings.ts";
import { DateScalar } from "../../graphql/scalars.ts";

const asEnum = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const PolicySettingKeyEnum = asEnum(POLICY_SETTING_KEYS);
registerEnumType(PolicySettingKeyEnum, {
  name: "PolicySettingKey",
  description:
    "A provincial policy setting: NEWBORN_WINDOW_DAYS (province-wide), COLLECTION_PERIOD (per coverage year, may " +
    "differ by coordination area), WAITING_PERIOD (province-wide, from 2025), NEEDY_SUBSIDY_<category> (may differ " +
    "by coordination area).",
});
export const NewbornExemptionEnum = asEnum(NEWBORN_EXEMPTIONS);
registerEnumType(NewbornExemptionEnum, {
  name: "NewbornExemption",
  description: "FIRST_YEAR: children under one never wait; NEWBORN_WINDOW: only within the newborn window.",
});
export const NeverInsuredRuleEnum = asEnum(NEVER_INSURED_RULES);
registerEnumType(NeverInsuredRuleEnum, {
  name: "NeverInsuredRule",
  description:
    "What a never-insured child waits: FIXED_ONLY, the fixed months (none when it enrolls in the collection " +
    "period), or LAPSED_SINCE_BIRTH, one lapsed year per coverage year since its birth year.",
});
export const SubsidyKindEnum = asEnum(SUBSIDY_KINDS);
registerEnumType(SubsidyKindEnum, {
  name: "SubsidyKind",
  description: "What medical assistance pays: FULL contribution, a FIXED amount, or NONE the hub checks.",
});
export const NeedyCategoryEnum = asEnum(NEEDY_CATEGORIES);
registerEnumType(NeedyCategoryEnum, {
  name: "NeedyCategory",
  description: "EXTREMELY_POOR 特困, MIN_LIVING 低保, ORPHAN 孤儿, DISABLED 残疾.",
});

@ObjectType("CollectionPeriod", { description: "The annual collection period (集中参保期) of a coverage year." })
export class CollectionPeriod {
  @Field(() => DateScalar)
  opensOn!: string;

  @Field(() => DateScalar)
  closesOn!: string;
}

@ObjectType("WaitingPeriodRule", {
  description:
    "The waiting period's parameters (国办发〔2024〕38号, as the province reads it; README, Policy settings).",
})
export class WaitingPeriodRule {
  @Field(() => Int, { description: "For whoever did not enroll in the collection period or not continuously (3)." })
  fixedMonths!: number;

  @Field(() => Int, { description: "Added per lapsed year; a lapsed year paid for afterwards takes it back (1)." })
  monthsPerLapsedYear!: number;

  @Field(() => Int, { description: "From this many lapsed years on, the floor below applies (4)." })
  longLapseYears!: number;

  @Field(() => Int, { description: "The least a long lapse waits after repairs (6)." })
  longLapseMinimumMonths!: number;

  @Field(() => NewbornExemptionEnum)
  newbornExemption!: string;

  @Field(() => NeverInsuredRuleEnum)
  neverInsured!: string;

  @Field(() => Boolean, { description: "Needy children (medical-assistance recipients) are exempt." })
  needyExempt!: boolean;

  @Field(() => Int, { nullable: true, description: "Lapsed years before this coverage year are not counted." })
  lapsesCountFrom!: number | null;
}

@ObjectType("NeedySubsidy", { description: "What medical assistance pays of a needy category's contribution." })
export class NeedySubsidy {
  @Field(() => NeedyCategoryEnum)
  category!: string;

  @Field(() => SubsidyKindEnum)
  kind!: string;

  @Field(() => Int, { nullable: true, description: "FIXED: the amount in fen (1/100 yuan)." })
  amountFen!: number | null;
}

@ObjectType("PolicySettingValue", { description: "A setting's value: the one member its key has, the others null." })
export class PolicySettingValue {
  @Field(() => Int, { nullable: true })
  newbornWindowDays!: number | null;

  @Field(() => CollectionPeriod, { nullable: true })
  collectionPeriod!: CollectionPeriod | null;

  @Field(() => WaitingPeriodRule, { nullable: true })
  waitingPeriod!: WaitingPeriodRule | null;

  @Field(() => NeedySubsidy, { nullable: true })
  needySubsidy!: NeedySubsidy | null;
}

@ObjectType("PolicySetting", { description: "A setting the province set: in force from its date until a later one." })
export class PolicySetting {
  @Field(() => PolicySettingKeyEnum)
  key!: string;

  @Field(() => String, { description: "The province's code (the whole province) or a coordination area's." })
  regionCode!: string;

  @Field(() => DateScalar)
  effectiveFrom!: string;

  @Field(() => PolicySettingValue)
  value!: PolicySettingValue;

  @Field(() => String, { description: "When it was last set (ISO 8601, UTC)." })
  changedAt!: string;

  @Field(() => String, { description: "Who last set it (token subject, or the settings file's loader)." })
  changedBy!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType("PolicySettingChange", {
  description: "One change of a setting, from the append-only log: who, when, from where, old and new value.",
})
export class PolicySettingChange {
  @Field(() => String, { description: "When the change was made (ISO 8601, UTC)." })
  at!: string;

  @Field(() => String)
  actor!: string;

  @Field(() => String)
  role!: string;

  @Field(() => String, { description: "graph (setPolicySetting) or file (npm run settings)." })
  source!: string;

  @Field(() => PolicySettingKeyEnum)
  key!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => DateScalar)
  effectiveFrom!: string;

  @Field(() => PolicySettingValue, { nullable: true, description: "Null when the row was new." })
  oldValue!: PolicySettingValue | null;

  @Field(() => PolicySettingValue)
  newValue!: PolicySettingValue;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Boolean, { description: "False when the value was already so: nothing was written or logged." })
  changed!: boolean;

  @Field(() => Int, { description: "Coverage snapshot rows re-assessed because of the change." })
  reassessed!: number;
}

@ObjectType("PolicySettingsInForce", {
  description: "Every setting in force on a date for a coordination area (or the whole province).",
})
export class PolicySettingsInForce {
  @Field(() => DateScalar)
  on!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => Int, { description: "For a child born on `on`." })
  newbornWindowDays!: number;

  @Field(() => Int)
  coverageYear!: number;

  @Field(() => CollectionPeriod, { description: "The collection period of the coverage year of `on`." })
  collectionPeriod!: CollectionPeriod;

  @Field(() => WaitingPeriodRule, { nullable: true, description: "Null before any waiting period (before 2025)." })
  waitingPeriod!: WaitingPeriodRule | null;

  @Field(() => [NeedySubsidy])
  needySubsidies!: NeedySubsidy[];
}

@InputType("CollectionPeriodInput")
export class CollectionPeriodInput {
  @Field(() => DateScalar)
  opensOn!: string;

  @Field(() => DateScalar)
  closesOn!: string;
}

@InputType("WaitingPeriodInput")
export class WaitingPeriodInput {
  @Field(() => Int)
  fixedMonths!: number;

  @Field(() => Int)
  monthsPerLapsedYear!: number;

  @Field(() => Int)
  longLapseYears!: number;

  @Field(() => Int)
  longLapseMinimumMonths!: number;

  @Field(() => NewbornExemptionEnum)
  newbornExemption!: string;

  @Field(() => NeverInsuredRuleEnum)
  neverInsured!: string;

  @Field(() => Boolean)
  needyExempt!: boolean;

  @Field(() => Int, { nullable: true })
  lapsesCountFrom?: number | null;
}

@InputType("NeedySubsidyInput")
export class NeedySubsidyInput {
  @Field(() => SubsidyKindEnum)
  kind!: string;

  @Field(() => Int, { nullable: true, description: "FIXED only: the amount in fen." })
  amountFen?: number | null;
}

@InputType("PolicySettingInput", {
  description: "A setting to set: its key, where, from when, and the one value member its key takes.",
})
export class PolicySettingInput {
  @Field(() => PolicySettingKeyEnum)
  key!: string;

  @Field(() => String, {
    nullable: true,
    description: "A coordination area's code where the key allows one; default the whole province.",
  })
  regionCode?: string | null;

  @Field(() => DateScalar, {
    description: "The day it takes effect (COLLECTION_PERIOD: its coverage year's 1 January).",
  })
  effectiveFrom!: string;

  @Field(() => Int, {
    nullable: true,
    description: "NEWBORN_WINDOW_DAYS: the days (90 by default, 180 in some provinces).",
  })
  newbornWindowDays?: number | null;

  @Field(() => CollectionPeriodInput, { nullable: true, description: "COLLECTION_PERIOD" })
  collectionPeriod?: CollectionPeriodInput | null;

  @Field(() => WaitingPeriodInput, { nullable: true, description: "WAITING_PERIOD" })
  waitingPeriod?: WaitingPeriodInput | null;

  @Field(() => NeedySubsidyInput, { nullable: true, description: "NEEDY_SUBSIDY_<category>" })
  needySubsidy?: NeedySubsidyInput | null;

  @Field(() => String, { nullable: true, description: "Why: the province's notice, for the log." })
  note?: string | null;
}
