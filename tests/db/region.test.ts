import { describe, expect, it } from "vitest";
import { regionPrefixOf } from "../../src/db/region.ts";

describe("regionPrefixOf", () => {
  it.each([
    ["33", "33"],
    ["330000", "33"],
    ["3301", "3301"],
    ["330100", "3301"],
    ["330106", "330106"],
    [" 330106 ", "330106"],
    ["３３０１０６", "330106"], // full-width digits, as pasted from a spreadsheet
  ])("turns %j into the prefix %j", (argument, prefix) => {
    expect(regionPrefixOf(argument)).toBe(prefix);
  });

  it("refuses an unknown division, naming the argument", () => {
    expect(() => regionPrefixOf("339999", "region")).toThrow(/^region: .*339999/);
  });
});
