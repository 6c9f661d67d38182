import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays } from "../../src/domain/dates.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { compareBirthDate, compareName } from "../../src/linkage/compare.ts";
import { areConfusable } from "../../src/linkage/confusions.ts";
import { normaliseName } from "../../src/linkage/normalise.ts";
import { compareProfiles, levelsOf, type FieldLevels } from "../../src/linkage/score.ts";
import type { NameFeature } from "../../src/linkage/types.ts";
import { profileRows, type ProfileSide } from "./helpers.ts";

const name = (s: string): NameFeature => normaliseName(s).name!;
/** How two profiles holding these values compare on one field. */
const level = (field: keyof FieldLevels, a: ProfileSide, b: ProfileSide) =>
  levelsOf(compareProfiles(profileRows(a, b), 0, 1))[field];

describe("compareName", () => {
  it("calls identical names EXACT", () => expect(compareName(name("王子轩"), name("王子轩"))).toBe("EXACT"));
  it("tolerates homophones clerks write for one another (子/梓, 轩/萱)", () => {
    expect(compareName(name("王子轩"), name("王梓萱"))).toBe("VARIANT");
    expect(compareName(name("李欣怡"), name("李昕怡"))).toBe("VARIANT");
  });
  it("tolerates look-alike characters misread on a form", () =>
    expect(compareName(name("张未"), name("张末"))).toBe("VARIANT"));
  it("calls one unknown character off SIMILAR, worth nothing on its own (could be a sibling)", () => {
    expect(compareName(name("王浩宇"), name("王浩然"))).toBe("SIMILAR");
    expect(compareName(name("王浩宇"), name("王宇"))).toBe("SIMILAR");
  });
  it("calls unrelated names DIFFERENT", () => expect(compareName(name("王浩宇"), name("王静怡"))).toBe("DIFFERENT"));
  it("does not call another surname SIMILAR", () =>
    expect(compareName(name("王浩宇"), name("李浩宇"))).toBe("DIFFERENT"));
  it("knows compound surnames", () =>
    expect(name("欧阳娜娜")).toEqual({ full: "欧阳娜娜", surname: "欧阳", given: "娜娜" }));
});

describe("compareName against its definition", () => {
  /** The levels as defined, by code point, with nothing made fast. */
  function reference(a: NameFeature, b: NameFeature): string {
    if (a.full === b.full) return "EXACT";
    const [x, y] = [[...a.full], [...b.full]];
    if (x.length === y.length) {
      const differing = x.filter((c, i) => c !== y[i]);
      if (x.every((c, i) => c === y[i] || areConfusable(c, y[i]!))) return "VARIANT";
      if (a.surname === b.surname && differing.length === 1 && a.given.length > 0) return "SIMILAR";
      return "DIFFERENT";
    }
    const [short, long] = [[...a.given], [...b.given]].sort((p, q) => p.length - q.length);
    const oneApart =
      short!.length > 0 && long!.some((_, skip) => long!.filter((__, i) => i !== skip).join("") === short!.join(""));
    return a.surname === b.surname && Math.abs(x.length - y.length) === 1 && oneApart ? "SIMILAR" : "DIFFERENT";
  }

  it("agrees on any two names from a small alphabet (homophones, surrogate pairs, compound surnames)", () => {
    const chars = ["王", "李", "子", "梓", "轩", "萱", "浩", "宇", "然", "𠮷", "欧阳"];
    const anyName = fc
      .array(fc.constantFrom(...chars), { minLength: 1, maxLength: 4 })
      .map((parts) => normaliseName(parts.join("")).name)
      .filter((n): n is NameFeature => n !== null);
    fc.assert(
      fc.property(anyName, anyName, (a, b) => {
        expect(compareName(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("compareNames", () => {
  it("never lets a placeholder count as a name: at most its surname agrees, worth a surname", () => {
    for (const placeholder of ["王之子", "王之女", "婴儿", "男婴", "女婴", "Baby boy"]) {
      const n = normaliseName(placeholder);
      expect(n.name, placeholder).toBeNull();
      expect(n.placeholder, placeholder).toBe(true);
    }
    expect(normaliseName("王之子").surname).toBe("王");
    expect(level("name", { names: ["王之子"] }, { names: ["王子轩"] })).toBe("SAME_SURNAME");
    expect(level("name", { names: ["王之子"] }, { names: ["王子轩"] })).not.toBe("EXACT");
  });
  it("takes the best agreement between two groups' names", () => {
    expect(level("name", { names: ["王浩宇", "王子轩"] }, { names: ["王梓萱"] })).toBe("VARIANT");
    expect(level("name", { names: ["王浩宇", "王子轩"] }, { names: ["李四", "王子轩"] })).toBe("EXACT");
    expect(level("name", { names: ["王浩宇"] }, { names: ["李四", "王浩然"] })).toBe("SIMILAR");
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
  it("recognises one day off, across a year end", () =>
    expect(compareBirthDate("2019-12-31", "2020-01-01")).toBe("ONE_DAY"));
  it("calls anything else DIFFERENT", () => expect(compareBirthDate("2019-03-05", "2019-03-08")).toBe("DIFFERENT"));
  it("is MISSING without a date on one side", () =>
    expect(level("birthDate", {}, { birthDates: ["2019-03-05"] })).toBe("MISSING"));
  it("takes the best agreement between two groups' dates", () => {
    expect(level("birthDate", { birthDates: ["2019-03-08", "2019-03-05"] }, { birthDates: ["2019-05-03"] })).toBe(
      "TRANSPOSED",
    );
    expect(
      level("birthDate", { birthDates: ["2019-03-08", "2019-03-05"] }, { birthDates: ["2019-03-06", "2019-03-05"] }),
    ).toBe("EXACT");
  });
  it("agrees with the definition on any two dates (swap by their text, one day by the calendar)", () => {
    const date = fc.integer({ min: 0, max: 200 * 365 }).map((days) => addDays("1900-01-01", days));
    fc.assert(
      fc.property(date, date, (a, b) => {
        const swapped =
          a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7);
        const oneDay = addDays(a, 1) === b || addDays(b, 1) === a;
        expect(compareBirthDate(a, b)).toBe(
          a === b ? "EXACT" : swapped ? "TRANSPOSED" : oneDay ? "ONE_DAY" : "DIFFERENT",
        );
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("sex", () => {
  it("agrees, disagrees, or is missing", () => {
    expect(level("sex", { sexes: ["M"] }, { sexes: ["M"] })).toBe("AGREE");
    expect(level("sex", { sexes: ["M"] }, { sexes: ["F"] })).toBe("DIFFERENT");
    expect(level("sex", { sexes: ["M", "F"] }, { sexes: ["F"] })).toBe("AGREE");
    expect(level("sex", {}, { sexes: ["F"] })).toBe("MISSING");
  });
});

describe("ID numbers", () => {
  const id = makeIdNumber({ regionCode: "330106", birthDate: "2019-03-15", sequence: 13 });
  const other = makeIdNumber({ regionCode: "330106", birthDate: "2015-12-04", sequence: 2 });
  /** `id` with the digit at `at` changed: its check character no longer fits. */
  const slip = (at: number, by = 1) => id.slice(0, at) + String((Number(id[at]) + by) % 10) + id.slice(at + 1);
  it("is EXACT for the same valid number", () =>
    expect(level("idNumber", { idNumbers: [id] }, { idNumbers: [other, id] })).toBe("EXACT"));
  it("is NEAR for a number one digit off that failed validation", () =>
    expect(level("idNumber", { idNumbers: [id] }, { invalidIdNumbers: [slip(15)] })).toBe("NEAR"));
  it("is NEAR for two invalid numbers one digit apart", () =>
    expect(level("idNumber", { invalidIdNumbers: [slip(15, 2)] }, { invalidIdNumbers: [slip(15)] })).toBe("NEAR"));
  it("is DIFFERENT for two unrelated numbers", () =>
    expect(level("idNumber", { idNumbers: [id] }, { idNumbers: [other] })).toBe("DIFFERENT"));
  it("is DIFFERENT for an invalid number two digits off", () =>
    expect(
      level(
        "idNumber",
        { idNumbers: [id] },
        { invalidIdNumbers: [slip(15).slice(0, 10) + slip(10).slice(10, 11) + slip(15).slice(11)] },
      ),
    ).toBe("DIFFERENT"));
  it("is MISSING when one side has none", () => expect(level("idNumber", { idNumbers: [id] }, {})).toBe("MISSING"));
});

describe("shared family values (guardian ID numbers and phones)", () => {
  it("agrees when the groups share one value", () =>
    expect(
      level("guardianPhone", { guardianPhones: ["13800001234"] }, { guardianPhones: ["13900004321", "13800001234"] }),
    ).toBe("AGREE"));
  it("disagrees when both have values and share none", () =>
    expect(level("guardianPhone", { guardianPhones: ["13800001234"] }, { guardianPhones: ["13900004321"] })).toBe(
      "DIFFERENT",
    ));
  it("is missing when one side has none", () =>
    expect(level("guardianPhone", {}, { guardianPhones: ["13900004321"] })).toBe("MISSING"));
  it("treats guardians' ID numbers alike", () => {
    const mother = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });
    const father = makeIdNumber({ regionCode: "330106", birthDate: "1990-01-01", sequence: 1 });
    expect(level("guardianIdNumber", { guardianIdNumbers: [mother] }, { guardianIdNumbers: [father, mother] })).toBe(
      "AGREE",
    );
    const otherMother = makeIdNumber({ regionCode: "330106", birthDate: "1993-02-01", sequence: 46 });
    expect(
      level("guardianIdNumber", { guardianIdNumbers: [mother] }, { guardianIdNumbers: [father, otherMother] }),
    ).toBe("DIFFERENT");
  });
  it("finds no disagreement between one record's mother and another's father: two halves of one family", () => {
    const mother = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });
    const father = makeIdNumber({ regionCode: "330106", birthDate: "1990-01-01", sequence: 1 });
    expect(level("guardianIdNumber", { guardianIdNumbers: [mother] }, { guardianIdNumbers: [father] })).toBe("MISSING");
  });
});

describe("the family region (a child's ID number against the other side's guardians)", () => {
  const child = makeIdNumber({ regionCode: "341204", birthDate: "2019-03-15", sequence: 13 });
  const parentThere = makeIdNumber({ regionCode: "341204", birthDate: "1990-01-01", sequence: 1 });
  const parentHere = makeIdNumber({ regionCode: "330106", birthDate: "1990-01-01", sequence: 1 });
  it("agrees when the ID number begins with a guardian's region, away from where the records place the child", () =>
    expect(
      level(
        "familyRegion",
        { idNumbers: [child], trusted: true, regionCodes: ["330106"] },
        { guardianIdNumbers: [parentThere], regionCodes: ["330106"] },
      ),
    ).toBe("AGREE"));
  it("agrees only locally when that region is where the records place the child (most children there share it)", () =>
    expect(
      level(
        "familyRegion",
        { idNumbers: [makeIdNumber({ regionCode: "330106", birthDate: "2019-03-15", sequence: 13 })], trusted: true },
        { guardianIdNumbers: [parentHere], regionCodes: ["330106"] },
      ),
    ).toBe("AGREE_LOCAL"));
  it("disagrees when no guardian's region begins the ID number, and is missing without both", () => {
    expect(level("familyRegion", { idNumbers: [child], trusted: true }, { guardianIdNumbers: [parentHere] })).toBe(
      "DIFFERENT",
    );
    expect(level("familyRegion", { idNumbers: [child], trusted: true }, {})).toBe("MISSING");
  });
});

describe("surnames of placeholders", () => {
  it("compares a placeholder's surname with the other side's names: SAME_SURNAME or OTHER_SURNAME", () => {
    expect(level("name", { names: ["王之子"] }, { names: ["王子轩"] })).toBe("SAME_SURNAME");
    expect(level("name", { names: ["王之子"] }, { names: ["李子轩"] })).toBe("OTHER_SURNAME");
    expect(level("name", { names: ["婴儿"] }, { names: ["王子轩"] })).toBe("MISSING");
  });
});

describe("regions", () => {
  it("knows the same county, the same prefecture and neither", () => {
    expect(level("region", { regionCodes: ["330106"] }, { regionCodes: ["330106"] })).toBe("SAME_COUNTY");
    expect(level("region", { regionCodes: ["330106"] }, { regionCodes: ["330100"] })).toBe("SAME_PREFECTURE");
    expect(level("region", { regionCodes: ["330100"] }, { regionCodes: ["330100"] })).toBe("SAME_PREFECTURE");
    expect(level("region", { regionCodes: ["330106"] }, { regionCodes: ["330205"] })).toBe("DIFFERENT");
    expect(level("region", { regionCodes: ["330205", "330106"] }, { regionCodes: ["330100", "330106"] })).toBe(
      "SAME_COUNTY",
    );
    expect(level("region", {}, { regionCodes: ["330205"] })).toBe("MISSING");
  });
  it("keeps a code's leading zeros apart (010106 is not 101060's prefecture)", () => {
    expect(level("region", { regionCodes: ["010106"] }, { regionCodes: ["010100"] })).toBe("SAME_PREFECTURE");
    expect(level("region", { regionCodes: ["010106"] }, { regionCodes: ["101060"] })).toBe("DIFFERENT");
  });
});
