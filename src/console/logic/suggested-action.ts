import type { CoverageStatus, GapReason } from "./coverage-status.ts";

/** The actions the console suggests; i18n.ts words each one in both languages. */
export type ActionKey =
  | "cancelDuplicate"
  | "payFromAssistance"
  | "registerHukou"
  | "enrollBeforeDeadline"
  | "enrollNewbornNow"
  | "payContribution"
  | "enrollAtResidence"
  | "reenrollWithWaiting"
  | "enroll";

/**
 * What should happen next for a child, from its status and gap reasons, in the order the
 * policy puts them: a child without an ID number first needs hukou registration (it can be
 * enrolled on its birth certificate meanwhile); an unpaid enrollment only needs the payment;
 * needy children are paid for by medical assistance; non-local children may enroll where they
 * live or study. Null when there is nothing to do.
 *
 *   suggestedAction("UNINSURED", ["NON_LOCAL_HUKOU"])          // "enrollAtResidence"
 *   suggestedAction("NEWBORN_IN_WINDOW", ["NO_ID_NUMBER"])     // "registerHukou"
 *   suggestedAction("INSURED", [])                             // null
 */
export function suggestedAction(status: CoverageStatus, reasons: readonly GapReason[]): ActionKey | null {
  if (status === "DUPLICATE") return "cancelDuplicate";
  if (status === "INSURED") return reasons.includes("NEEDY_WITHOUT_SUBSIDY") ? "payFromAssistance" : null;
  if (reasons.includes("NO_ID_NUMBER")) return "registerHukou";
  if (reasons.includes("UNPAID_ENROLLMENT")) return "payContribution";
  if (reasons.includes("NEEDY_WITHOUT_SUBSIDY")) return "payFromAssistance";
  if (status === "NEWBORN_IN_WINDOW") return "enrollBeforeDeadline";
  if (status === "NEWBORN_OVERDUE") return "enrollNewbornNow";
  if (reasons.includes("NON_LOCAL_HUKOU")) return "enrollAtResidence";
  if (status === "LAPSED") return "reenrollWithWaiting";
  return "enroll";
}
