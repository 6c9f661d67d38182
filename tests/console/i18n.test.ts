import { describe, expect, it } from "vitest";
import { formatters, pickLocale, translate } from "../../src/console/logic/i18n.ts";

describe("console language", () => {
  it("starts in Chinese unless the user chose English", () => {
    expect(pickLocale(null)).toBe("zh-CN");
    expect(pickLocale("en")).toBe("en");
    expect(pickLocale("fr")).toBe("zh-CN");
  });

  it("fills placeholders in both languages", () => {
    expect(translate("zh-CN", "showing", { from: 1, to: 50, total: 120 })).toBe("第 1–50 条，共 120 条");
    expect(translate("en", "showing", { from: 1, to: 50, total: 120 })).toBe("1–50 of 120");
    expect(translate("en", "statusNEWBORN_OVERDUE")).toBe("Newborn, overdue");
  });

  it("formats numbers, rates and calendar dates by locale, never shifted by a time zone", () => {
    const zh = formatters("zh-CN");
    const en = formatters("en");
    expect(zh.number(12345)).toBe("12,345");
    expect(zh.percent(0.9512)).toBe("95.1%");
    expect(zh.date("2026-10-08")).toBe("2026年10月8日");
    expect(en.date("2026-10-08")).toBe("October 8, 2026");
    expect(en.date("2026-01-01")).toBe("January 1, 2026");
  });
});
