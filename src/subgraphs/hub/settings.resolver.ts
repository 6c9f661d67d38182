import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { defaultAsOf } from "../../coverage/as-of.ts";
import { loadCoveragePolicy } from "../../coverage/load-policy.ts";
import {
  setPolicySettings,
  settingChanges,
  storedSettings,
  type LoggedSettingChange,
  type SettingChange,
} from "../../coverage/settings-store.ts";
import { regionPrefixOf } from "../../db/region.ts";
import { yearOf } from "../../domain/dates.ts";
import { provinceOf } from "../../domain/division-codes.ts";
import { NEEDY_CATEGORIES } from "../../domain/insurance-policy.ts";
import {
  isPolicySettingKey,
  type NeedySubsidySetting,
  type PolicySettingKey,
  type SettingValue,
  type WaitingPeriodSetting,
} from "../../domain/policy-settings.ts";
import { ErrorCode, HubError } from "../../errors.ts";
import { badInput } from "../../graphql/errors.ts";
import { DateScalar } from "../../graphql/scalars.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";
import type { HubLoaders } from "./loaders.ts";
import {
  PolicySetting,
  PolicySettingChange,
  PolicySettingInput,
  PolicySettingKeyEnum,
  PolicySettingsInForce,
  type NeedySubsidy,
  type PolicySettingValue,
  type WaitingPeriodRule,
} from "./settings.type.ts";

type Context = SubgraphContext<HubLoaders>;

/** Log entries one question returns at most. */
const MAX_CHANGES = 500;

/**
 * The province's policy settings (src/coverage/settings.ts, settings-store.ts): read and set
 * by the province's insurance officer only. The policy table (field-rules.ts) admits the
 * insurance officer role; this layer admits only a token whose region is the whole province
 * (its 2 digits), since a prefecture's officer does not set the province's policy.
 */
@Resolver(() => PolicySetting)
export class SettingsResolver {
  @Query(() => PolicySettingsInForce, {
    nullable: true,
    description:
      "Every policy setting in force on a date (default today in China) for a coordination area (default the " +
      "whole province): what the coverage rules read.",
  })
  async policySettings(
    @Arg("on", () => DateScalar, { nullable: true }) on: string | null,
    @Arg("regionCode", () => String, { nullable: true }) regionCode: string | null,
    @Ctx() ctx: Context,
  ): Promise<PolicySettingsInForce> {
    const policy = await loadCoveragePolicy(ctx.db);
    requireProvinceOfficer(ctx, policy.provinceCode);
    const date = on ?? defaultAsOf();
    const area = regionCode ? areaOf(regionCode, policy.provinceCode) : policy.provinceCode;
    const { settings } = policy;
    const waiting = settings.waitingPeriod(date, area);
    return {
      on: date,
      regionCode: area,
      newbornWindowDays: settings.newbornWindowDays(date, area),
      coverageYear: yearOf(date),
      collectionPeriod: settings.collectionPeriod(yearOf(date), area),
      waitingPeriod: waiting ? toWaiting(waiting) : null,
      needySubsidies: NEEDY_CATEGORIES.map((c) => toSubsidy(c, settings.needySubsidy(c, date, area))),
    };
  }

  @Query(() => [PolicySetting], {
    nullable: true,
    description: "The settings the province has set, each with its effective date (its history), by key and region.",
  })
  async policySettingHistory(
    @Arg("key", () => PolicySettingKeyEnum, { nullable: true }) key: string | null,
    @Arg("regionCode", () => String, { nullable: true }) regionCode: string | null,
    @Ctx() ctx: Context,
  ): Promise<PolicySetting[]> {
    const policy = await loadCoveragePolicy(ctx.db);
    requireProvinceOfficer(ctx, policy.provinceCode);
    const rows = await storedSettings(ctx.db, {
      key: keyOf(key),
      regionCode: regionCode ? areaOf(regionCode, policy.provinceCode) : null,
    });
    return rows.map((r) => ({
      key: r.key,
      regionCode: r.regionCode,
      effectiveFrom: r.effectiveFrom,
      value: toValue(r.key, r.value),
      changedAt: r.changedAt.toISOString(),
      changedBy: r.changedBy,
      note: r.note,
    }));
  }

  @Query(() => [PolicySettingChange], {
    nullable: true,
    description: "The log of setting changes, newest first: who, when, from where, the old and the new value.",
  })
  async policySettingChanges(
    @Arg("key", () => PolicySettingKeyEnum, { nullable: true }) key: string | null,
    @Arg("regionCode", () => String, { nullable: true }) regionCode: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<PolicySettingChange[]> {
    const policy = await loadCoveragePolicy(ctx.db);
    requireProvinceOfficer(ctx, policy.provinceCode);
    if (!Number.isInteger(first) || first < 1 || first > MAX_CHANGES)
      throw badInput("first", `must be a whole number from 1 to ${MAX_CHANGES}, but got ${first}`);
    const rows = await settingChanges(ctx.db, {
      key: keyOf(key),
      regionCode: regionCode ? areaOf(regionCode, policy.provinceCode) : null,
      limit: first,
    });
    return rows.map(toLoggedChange);
  }

  @Mutation(() => PolicySettingChange, {
    description:
      "Set a policy setting from a date, for the province or a coordination area where the key allows: logged " +
      "(who, when, old and new value), and the children it affects are re-assessed in every retained snapshot.",
  })
  async setPolicySetting(
    @Arg("input", () => PolicySettingInput) input: PolicySettingInput,
    @Ctx() ctx: Context,
  ): Promise<PolicySettingChange> {
    const policy = await loadCoveragePolicy(ctx.db);
    const viewer = requireProvinceOfficer(ctx, policy.provinceCode);
    const [change] = await setPolicySettings(
      ctx.db,
      [
        {
          key: input.key,
          regionCode: input.regionCode ?? null,
          effectiveFrom: input.effectiveFrom,
          value: valueOfInput(input),
          note: input.note ?? null,
        },
      ],
      { actor: viewer.subject, role: viewer.role, source: "graph" },
    );
    return toChange(change!, viewer);
  }
}

/** The province's insurance officer, or a FORBIDDEN error saying who may. */
function requireProvinceOfficer(ctx: Context, provinceCode: string): { subject: string; role: string } {
  const viewer = ctx.viewer;
  const province = provinceCode.slice(0, 2);
  if (viewer.role === "insurance_officer" && viewer.scope.region === province) return viewer;
  const who = viewer.role === "anonymous" ? "an anonymous caller" : `role ${viewer.role}`;
  const region = viewer.role === "anonymous" ? "" : ` with region ${JSON.stringify(viewer.scope.region ?? null)}`;
  throw new HubError(
    ErrorCode.FORBIDDEN,
    `policy settings are the province's: only an insurance_officer whose region is "${province}" may read or ` +
      `change them, but got ${who}${region}`,
  );
}

function keyOf(key: string | null): PolicySettingKey | null {
  return key && isPolicySettingKey(key) ? key : null;
}

/** A region argument as a settings region: the province's code, or a coordination area's. */
function areaOf(regionCode: string, provinceCode: string): string {
  const prefix = regionPrefixOf(regionCode, "regionCode");
  if (prefix.slice(0, 2) !== provinceCode.slice(0, 2))
    throw badInput("regionCode", `must lie in the province (${provinceCode}), but got "${regionCode}"`);
  return prefix.length === 2 ? provinceOf(provinceCode) : prefix.padEnd(6, "0");
}

/** The input's one value member, as the setting's value; a missing or stray member is refused. */
function valueOfInput(input: PolicySettingInput): unknown {
  const members = {
    NEWBORN_WINDOW_DAYS: "newbornWindowDays",
    COLLECTION_PERIOD: "collectionPeriod",
    WAITING_PERIOD: "waitingPeriod",
  } as const;
  const wanted: keyof PolicySettingInput =
    input.key in members ? members[input.key as keyof typeof members] : "needySubsidy";
  for (const member of ["newbornWindowDays", "collectionPeriod", "waitingPeriod", "needySubsidy"] as const) {
    const given = input[member] !== null && input[member] !== undefined;
    if (member === wanted && !given) throw badInput(`input.${member}`, `${input.key} needs input.${member}`);
    if (member !== wanted && given)
      throw badInput(`input.${member}`, `${input.key} takes input.${wanted}, not input.${member}`);
  }
  if (wanted === "newbornWindowDays") return { days: input.newbornWindowDays };
  return { ...(input[wanted] as object) };
}

function toWaiting(w: WaitingPeriodSetting): WaitingPeriodRule {
  return { ...w };
}

function toSubsidy(category: string, s: NeedySubsidySetting): NeedySubsidy {
  return { category, kind: s.kind, amountFen: s.amountFen };
}

function toValue(key: string, value: SettingValue): PolicySettingValue {
  const v = value as unknown as Record<string, unknown>;
  return {
    newbornWindowDays: key === "NEWBORN_WINDOW_DAYS" ? Number(v.days) : null,
    collectionPeriod: key === "COLLECTION_PERIOD" ? { opensOn: String(v.opensOn), closesOn: String(v.closesOn) } : null,
    waitingPeriod: key === "WAITING_PERIOD" ? toWaiting(value as WaitingPeriodSetting) : null,
    needySubsidy: key.startsWith("NEEDY_SUBSIDY_")
      ? toSubsidy(key.slice("NEEDY_SUBSIDY_".length), value as NeedySubsidySetting)
      : null,
  };
}

function toChange(change: SettingChange, viewer: { subject: string; role: string }): PolicySettingChange {
  return {
    at: new Date().toISOString(),
    actor: viewer.subject,
    role: viewer.role,
    source: "graph",
    key: change.row.key,
    regionCode: change.row.regionCode,
    effectiveFrom: change.row.effectiveFrom,
    oldValue: change.oldValue === null ? null : toValue(change.row.key, change.oldValue),
    newValue: toValue(change.row.key, change.row.value),
    note: change.note,
    changed: change.changed,
    reassessed: change.reassessed,
  };
}

function toLoggedChange(c: LoggedSettingChange): PolicySettingChange {
  return {
    at: c.at.toISOString(),
    actor: c.actor,
    role: c.role,
    source: c.source,
    key: c.key,
    regionCode: c.regionCode,
    effectiveFrom: c.effectiveFrom,
    oldValue: c.oldValue === null ? null : toValue(c.key, c.oldValue),
    newValue: toValue(c.key, c.newValue),
    note: c.note,
    changed: true,
    reassessed: c.reassessed,
  };
}
