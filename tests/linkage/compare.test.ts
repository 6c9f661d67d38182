import { describe, expect, it } from "vitest";
import {
  compareBirthDate, compareBirthDates, compareIdNumbers, compareName, compareNames, compareRegions, compareSexes, compareShared,
} from "../../src/linkage/compare.ts";
import { areConfusable } from "../../src/linkage/confusions.ts";
import { normaliseName } from "../../src/linkage/normalise.ts";
import type { NameFeature } from "../../src/linkage/types.ts";

const name = (s: string): NameFeature => normaliseName(s).name!;

describe("compareName", () => {
  it("calls identical names EXACT", () => expect(compareName(name("王子轩"), name("王子轩"))).toBe("EXACT"));
  it("tolerates homophones clerks write for one another (子/梓, 轩/萱)", () => {
    expect(compareName(name("王子轩"), name("王梓萱"))).toBe("VARIANT");
    expect(compareName(name("李欣怡"), name("李昕怡"))).toBe("VARIANT");
  });
  it("tolerates look-alike characters misread on a form", () => expect(compareName(name("张未"), name("张末"))).toBe("VARIANT"));
  it("calls one unknown character off SIMILAR, worth nothing on its own (could be a sibling)", () => {
    expect(compareName(name("王浩宇"), name("王浩然"))).toBe("SIMILAR");
    expect(compareName(name("王浩宇"), name("王宇"))).toBe("SIMILAR");
  });
  it("calls unrelated names DIFFERENT", () => expect(compareName(name("王浩宇"), name("王静怡"))).toBe("DIFFERENT"));
  it("does not call another surname SIMILAR", () => expect(compareName(name("王浩宇"), name("李浩宇"))).toBe("DIFFERENT"));
  it("knows compound surnames", () => expect(name("欧阳娜娜")).toEqual({ full: "欧阳娜娜", surname: "欧阳", given: "娜娜" }));
});

describe("compareNames", () => {
  it("never lets a placeholder count as a name", () => {
    for (const placeholder of ["王之子", "王之女", "婴儿", "男婴", "女婴", "Baby boy"]) {
      const n = normaliseName(placeholder);
      expect(n.name, placeholder).toBeNull();
      expect(n.placeholder, placeholder).toBe(true);
    }
    expect(normaliseName("王之子").surname).toBe("王");
    expect(compareNames([], [name("王子轩")])).toBe("MISSING");
  });
  it("takes the best agreement between two groups' names", () => {
    expect(compareNames([name("王浩宇"), name("王子轩")], [name("王梓萱")])).toBe("VARIANT");
  });
  it("checks the confusion table both ways", () => {
    expect(areConfusable("梓", "子")).toBe(true);
    expect(areConfusable("子", "梓")).toBe(true);
    expect(areConfusable("子", "涵")).toBe(false);
  });
});

describe("compareBirthDate", () => {
  it("calls the same date EXACT", () => expect(compareBirthDate("2019-03-05", "2019-03-05")).toBe("EXACT"));
  it("recognises day and month swapped", () => expect(compareBirthDate("2019-03-05", "2019-05-03")).toBe("TRANSPOSED"));
  it("recognises one day off, across a year end", () => expect(compareBirthDate("2019-12-31", "2020-01-01")).toBe("ONE_DAY"));
  it("calls anything else DIFFERENT", () => expect(compareBirthDate("2019-03-05", "2019-03-08")).toBe("DIFFERENT"));
  it("is MISSING without a date on one side", () => expect(compareBirthDates([], ["2019-03-05"])).toBe("MISSING"));
});

describe("compareSexes", () => {
  it("agrees, disagrees, or is missing", () => {
    expect(compareSexes(["M"], ["M"])).toBe("AGREE");
    expect(compareSexes(["M"], ["F"])).toBe("DIFFERENT");
    expect(compareSexes([], ["F"])).toBe("MISSING");
  });
});

describe("compareIdNumbers", () => {
  const id = "330106201903150134";
  it("is EXACT for the same valid number", () => expect(compareIdNumbers([id], [], [id], [])).toBe("EXACT"));
  it("is NEAR for a number one digit off that failed validation", () => expect(compareIdNumbers([id], [], [], ["330106201903150164"])).toBe("NEAR"));
  it("is DIFFERENT for two unrelated numbers", () => expect(compareIdNumbers([id], [], ["330106201512040021"], [])).toBe("DIFFERENT"));
  it("is MISSING when one side has none", () => expect(compareIdNumbers([id], [], [], [])).toBe("MISSING"));
});

describe("compareShared (guardian ID numbers and phones)", () => {
  it("agrees when the groups share one value", () => expect(compareShared(["13800001234"], ["13900004321", "13800001234"])).toBe("AGREE"));
  it("disagrees when both have values and share none", () => expect(compareShared(["13800001234"], ["13900004321"])).toBe("DIFFERENT"));
  it("is missing when one side has none", () => expect(compareShared([], ["13900004321"])).toBe("MISSING"));
});

describe("compareRegions", () => {
  it("knows the same county, the same prefecture and neither", () => {
    expect(compareRegions(["330106"], ["330106"])).toBe("SAME_COUNTY");
    expect(compareRegions(["330106"], ["330100"])).toBe("SAME_PREFECTURE");
    expect(compareRegions(["330106"], ["330205"])).toBe("DIFFERENT");
    expect(compareRegions([], ["330205"])).toBe("MISSING");
  });
});
