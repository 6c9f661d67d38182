import { describe, expect, it } from "vitest";
import {
  childrenOf,
  countiesOf,
  divisionLevel,
  isKnownDivision,
  lookupDivision,
  prefectureOf,
  provinceOf,
  provinces,
  regionPrefix,
  validateDivisionCode,
} from "../../src/domain/division-codes.ts";

describe("lookupDivision", () => {
  it.each([
    ["330000", "浙江省", "province", null],
    ["330100", "杭州市", "prefecture", "330000"],
    ["330102", "上城区", "county", "330100"],
    ["330106", "西湖区", "county", "330100"],
    ["330113", "临平区", "county", "330100"],
    ["330114", "钱塘区", "county", "330100"],
    ["330383", "龙港市", "county", "330300"],
    ["331127", "景宁畲族自治县", "county", "331100"],
    ["340104", "蜀山区", "county", "340100"],
    ["360702", "章贡区", "county", "360700"],
    ["410102", "中原区", "county", "410100"],
    ["419001", "济源市", "county", "419000"],
    ["430104", "岳麓区", "county", "430100"],
    ["510107", "武侯区", "county", "510100"],
    ["513401", "西昌市", "county", "513400"],
    ["522601", "凯里市", "county", "522600"],
    ["110105", "朝阳区", "county", "110100"],
    ["110100", "市辖区", "prefecture", "110000"],
    ["500200", "县", "prefecture", "500000"],
    ["441900", "东莞市", "prefecture", "440000"],
    ["810000", "香港特别行政区", "province", null],
  ])("%s is %s (%s, parent %s)", (code, name, level, parentCode) => {
    expect(lookupDivision(code)).toEqual({ code, name, level, parentCode });
  });

  it.each([
    ["330103", "下城区, merged into 拱墅区 in 2021"],
    ["330104", "江干区, split in 2021"],
    ["330185", "临安市, a district since 2017"],
    ["410173", "a statistics-only development zone"],
    ["441901", "a county repeat of 东莞市"],
    ["330101", "a 市辖区 placeholder under a real prefecture"],
    ["999999", "nothing"],
    ["33010", "too short"],
  ])("does not know %s (%s)", (code) => {
    expect(lookupDivision(code)).toBeUndefined();
    expect(isKnownDivision(code)).toBe(false);
  });

  it("has every county of Hangzhou after the 2021 district reform, and no others", () => {
    expect(countiesOf("330100").map((d) => `${d.code} ${d.name}`)).toEqual([
      "330102 上城区",
      "330105 拱墅区",
      "330106 西湖区",
      "330108 滨江区",
      "330109 萧山区",
      "330110 余杭区",
      "330111 富阳区",
      "330112 临安区",
      "330113 临平区",
      "330114 钱塘区",
      "330122 桐庐县",
      "330127 淳安县",
      "330182 建德市",
    ]);
  });
});

describe("coverage of the data", () => {
  it("has the 34 province-level divisions", () => {
    const all = provinces();
    expect(all).toHaveLength(34);
    expect(all.map((p) => p.code.slice(0, 2))).toEqual([
      "11",
      "12",
      "13",
      "14",
      "15",
      "21",
      "22",
      "23",
      "31",
      "32",
      "33",
      "34",
      "35",
      "36",
      "37",
      "41",
      "42",
      "43",
      "44",
      "45",
      "46",
      "50",
      "51",
      "52",
      "53",
      "54",
      "61",
      "62",
      "63",
      "64",
      "65",
      "71",
      "81",
      "82",
    ]);
    expect(all.every((p) => p.level === "province" && p.parentCode === null)).toBe(true);
  });

  // Prefecture counts include the pseudo prefecture 419000 for 济源市 in 河南.
  it.each([
    ["330000", "浙江省", 11, 90],
    ["340000", "安徽省", 16, 104],
    ["360000", "江西省", 11, 100],
    ["410000", "河南省", 18, 157],
    ["430000", "湖南省", 14, 122],
    ["510000", "四川省", 21, 183],
    ["520000", "贵州省", 9, 88],
  ])("%s %s has %i prefecture-level and %i county-level divisions", (code, name, prefectures, counties) => {
    expect(lookupDivision(code)?.name).toBe(name);
    expect(childrenOf(code)).toHaveLength(prefectures);
    expect(countiesOf(code)).toHaveLength(counties);
  });

  it("links every division to an existing parent one level up", () => {
    const everything = provinces().flatMap((p) => [p, ...childrenOf(p.code), ...countiesOf(p.code)]);
    for (const d of everything) {
      if (d.level === "province") continue;
      const parent = d.parentCode === null ? undefined : lookupDivision(d.parentCode);
      expect(parent, d.code).toBeDefined();
      expect(parent?.level, d.code).toBe(d.level === "county" ? "prefecture" : "province");
    }
  });

  it("has no statistics-only codes (last two digits 71–80)", () => {
    const statistical = provinces()
      .flatMap((p) => countiesOf(p.code))
      .filter((d) => Number(d.code.slice(4)) >= 71 && Number(d.code.slice(4)) <= 80);
    expect(statistical).toEqual([]);
  });
});

describe("hierarchy from the digits", () => {
  it.each([
    ["330000", "province", "330000", "330000"],
    ["330100", "prefecture", "330000", "330100"],
    ["330106", "county", "330000", "330100"],
    ["110105", "county", "110000", "110100"],
    ["339999", "county", "330000", "339900"],
  ] as const)("%s is a %s in %s, %s", (code, level, province, prefecture) => {
    expect(divisionLevel(code)).toBe(level);
    expect(provinceOf(code)).toBe(province);
    expect(prefectureOf(code)).toBe(prefecture);
  });

  it.each(["33010", "3301066", "33O106", ""])("refuses %j", (code) => {
    expect(() => divisionLevel(code)).toThrow(`division code must be 6 digits, but got ${JSON.stringify(code)}`);
  });
});

describe("childrenOf and countiesOf", () => {
  it("lists Zhejiang's eleven cities in code order", () => {
    expect(childrenOf("330000").map((d) => d.name)).toEqual([
      "杭州市",
      "宁波市",
      "温州市",
      "嘉兴市",
      "湖州市",
      "绍兴市",
      "金华市",
      "衢州市",
      "舟山市",
      "台州市",
      "丽水市",
    ]);
  });

  it("reaches a municipality's districts through its pseudo prefecture", () => {
    expect(childrenOf("110000").map((d) => d.code)).toEqual(["110100"]);
    expect(childrenOf("110100")).toHaveLength(16);
    expect(countiesOf("110000")).toEqual(childrenOf("110100"));
  });

  it("splits Chongqing into its districts (500100) and its counties (500200)", () => {
    expect(childrenOf("500000").map((d) => d.code)).toEqual(["500100", "500200"]);
    expect(childrenOf("500200").every((d) => d.code.startsWith("5002"))).toBe(true);
  });

  it("has nothing under a county, a prefecture without counties or an unknown code", () => {
    expect(childrenOf("330106")).toEqual([]);
    expect(countiesOf("330106")).toEqual([]);
    expect(childrenOf("441900")).toEqual([]);
    expect(childrenOf("999900")).toEqual([]);
  });

  it("returns copies and frozen divisions, so a caller cannot corrupt the table", () => {
    childrenOf("330000").pop();
    expect(childrenOf("330000")).toHaveLength(11);
    expect(Object.isFrozen(lookupDivision("330106"))).toBe(true);
  });
});

describe("regionPrefix", () => {
  it.each([
    ["330000", "33"],
    ["330100", "3301"],
    ["330106", "330106"],
    ["110100", "1101"],
    ["33", "33"],
    ["3301", "3301"],
  ])("%s → %s", (code, expected) => {
    expect(regionPrefix(code)).toBe(expected);
  });

  it.each(["3", "330", "33010", "3301060", "", "33 01"])("refuses %j", (code) => {
    expect(() => regionPrefix(code)).toThrow(
      `region must be a 6-digit division code or a 2- or 4-digit prefix, but got ${JSON.stringify(code)}`,
    );
  });
});

describe("validateDivisionCode", () => {
  it.each([" 330106 ", "３３０１０６"])("returns the division for %j", (input) => {
    expect(validateDivisionCode(input)).toEqual({
      ok: true,
      value: { code: "330106", name: "西湖区", level: "county", parentCode: "330100" },
    });
  });

  it.each([
    ["3301", 'division code must be 6 digits, but got "3301"'],
    ["33010", 'division code must be 6 digits, but got "33010"'],
    ["abcdef", 'division code must be 6 digits, but got "abcdef"'],
    ["990101", 'division code must start with a province-level code, but "99" in "990101" is not one'],
    ["339999", 'division code "339999" is not a known division under 浙江省'],
    ["339900", 'division code "339900" is not a known division under 浙江省'],
    ["330199", 'division code "330199" is not a known division under 杭州市, 浙江省'],
    ["330103", 'division code "330103" is not a known division under 杭州市, 浙江省'],
    ["110199", 'division code "110199" is not a known division under 北京市'],
  ])("%j: %s", (input, message) => {
    expect(validateDivisionCode(input)).toEqual({ ok: false, message });
  });
});
