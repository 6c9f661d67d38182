import { describe, expect, it } from "vitest";
import { badgeTone, COVERAGE_STATUSES, GAP_REASONS, isUninsured } from "../../src/console/logic/coverage-status.ts";
import { daysBetween, urgencyOf } from "../../src/console/logic/dates.ts";
import { suggestedAction } from "../../src/console/logic/suggested-action.ts";
import { compareToTarget, rateMeetsTarget } from "../../src/console/logic/targets.ts";

describe("suggested action per status and reason", () => {
  it("has nothing to suggest for an insured child, unless a needy child's contribution is unpaid by assistance", () => {
    expect(suggestedAction("INSURED", [])).toBeNull();
    expect(suggestedAction("INSURED", ["NEEDY_WITHOUT_SUBSIDY"])).toBe("payFromAssistance");
  });

  it("puts hukou registration first for a child without an ID number", () => {
    expect(suggestedAction("NEWBORN_IN_WINDOW", ["NO_ID_NUMBER"])).toBe("registerHukou");
    expect(suggestedAction("UNINSURED", ["NO_ID_NUMBER", "NON_LOCAL_HUKOU"])).toBe("registerHukou");
  });

  it("asks only for the payment when an enrollment is unpaid", () => {
    expect(suggestedAction("UNINSURED", ["UNPAID_ENROLLMENT", "NON_LOCAL_HUKOU"])).toBe("payContribution");
  });

  it("follows the status when no reason decides it", () => {
    expect(suggestedAction("NEWBORN_IN_WINDOW", [])).toBe("enrollBeforeDeadline");
    expect(suggestedAction("NEWBORN_OVERDUE", [])).toBe("enrollNewbornNow");
    expect(suggestedAction("LAPSED", [])).toBe("reenrollWithWaiting");
    expect(suggestedAction("UNINSURED", [])).toBe("enroll");
    expect(suggestedAction("UNINSURED", ["NON_LOCAL_HUKOU"])).toBe("enrollAtResidence");
    expect(suggestedAction("DUPLICATE", ["ENROLLED_OUTSIDE_RESIDENCE"])).toBe("cancelDuplicate");
  });

  it("suggests something for every uninsured status and reason", () => {
    for (const status of COVERAGE_STATUSES.filter(isUninsured))
      for (const reason of GAP_REASONS) expect(suggestedAction(status, [reason]), `${status} ${reason}`).not.toBeNull();
  });
});

describe("badges", () => {
  it("are green for insured, amber while a newborn still has time, red for a gap", () => {
    expect(badgeTone("INSURED")).toBe("ok");
    expect(badgeTone("NEWBORN_IN_WINDOW")).toBe("pending");
    expect(["NEWBORN_OVERDUE", "LAPSED", "UNINSURED"].map((s) => badgeTone(s as never))).toEqual(["gap", "gap", "gap"]);
    expect(badgeTone("DUPLICATE")).toBe("attention");
    expect(isUninsured("DUPLICATE")).toBe(false);
  });
});

describe("days left", () => {
  it("counts calendar days, across month and year ends and daylight-saving dates", () => {
    expect(daysBetween("2026-06-30", "2026-07-10")).toBe(10);
    expect(daysBetween("2026-12-20", "2027-01-06")).toBe(17);
    expect(daysBetween("2026-03-29", "2026-03-28")).toBe(-1);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
  });

  it("grades urgency", () => {
    expect([-1, 0, 7, 8, 30, 31].map(urgencyOf)).toEqual(["overdue", "urgent", "urgent", "soon", "soon", "later"]);
  });

  it("refuses what is not a date", () => {
    expect(() => daysBetween("2026/06/30", "2026-07-01")).toThrow(/YYYY-MM-DD/);
  });
});

describe("policy targets", () => {
  it("says how many more insured children a group needs", () => {
    expect(compareToTarget({ children: 200, insured: 180 }, 0.95)).toEqual({ met: false, points: -5, shortfall: 10 });
    expect(compareToTarget({ children: 200, insured: 190 }, 0.95)).toEqual({ met: true, points: 0, shortfall: 0 });
    expect(compareToTarget({ children: 218, insured: 204 }, 0.95).shortfall).toBe(4);
    expect(compareToTarget({ children: 0, insured: 0 }, 0.95).met).toBe(true);
  });

  it("compares a bare rate, met at exactly the target", () => {
    expect(rateMeetsTarget(0.8, 0.8)).toBe(true);
    expect(rateMeetsTarget(0.7999, 0.8)).toBe(false);
    expect(rateMeetsTarget(null, 0.8)).toBeNull();
  });
});
