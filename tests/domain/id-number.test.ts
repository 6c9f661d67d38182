import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.ts";
import { countiesOf, provinces } from "../../src/domain/division-codes.ts";
import {
  idNumberCheckCharacter,
  makeIdNumber,
  maskIdNumber,
  maskPhone,
  parseIdNumber,
  quickIdNumberVerdict,
  sequenceForSex,
  sexOfSequence,
  type IdNumberProblem,
} from "../../src/domain/id-number.ts";

// Check characters below were computed independently of the code under test (a separate
// script with the GB 11643 weights); 11010519491231002X is the standard's own example.
describe("parseIdNumber accepts valid numbers", () => {
  it.each([
    ["11010519491231002X", "110105", "1949-12-31", "002", "F", "X"],
    ["330106201903150001", "330106", "2019-03-15", "000", "F", "1"],
    ["33010620190315001X", "330106", "2019-03-15", "001", "M", "X"],
    ["33010620190315028X", "330106", "2019-03-15", "028", "F", "X"],
    ["33010220240229003X", "330102", "2024-02-29", "003", "M", "X"],
    ["34010420160101007X", "340104", "2016-01-01", "007", "M", "X"],
    ["51170220101231019X", "511702", "2010-12-31", "019", "M", "X"],
    ["522601202306010008", "522601", "2023-06-01", "000", "F", "8"],
    // 330103 下城区 was abolished in 2021; numbers issued there stay valid.
    ["33010320050720027X", "330103", "2005-07-20", "027", "M", "X"],
    // A Taiwan resident's residence permit is numbered the same way, region 830000.
    ["83000020180808002X", "830000", "2018-08-08", "002", "F", "X"],
  ])(
    "%s: region %s, born %s, sequence %s, sex %s, check %s",
    (id, regionCode, birthDate, sequence, sex, checkCharacter) => {
      expect(parseIdNumber(id)).toEqual({
        ok: true,
        value: { idNumber: id, regionCode, birthDate, sequence, sex, checkCharacter },
      });
    },
  );

  it.each([
    ["a lowercase x", "11010519491231002x"],
    ["surrounding whitespace", "  11010519491231002X\t"],
    ["full-width digits and X", "１１０１０５１９４９１２３１００２Ｘ"],
    ["a full-width lowercase x", "１１０１０５１９４９１２３１００２ｘ"],
  ])("normalises %s", (_label, input) => {
    const result = parseIdNumber(input);
    expect(result.ok && result.value.idNumber).toBe("11010519491231002X");
  });

  it("accepts a birth date equal to the as-of date", () => {
    expect(parseIdNumber("522601202306010008", { asOf: "2023-06-01" }).ok).toBe(true);
  });
});

describe("parseIdNumber reports the first problem", () => {
  const cases: Array<[string, string, IdNumberProblem["part"], string]> = [
    ["17 characters", "11010519491231002", "length", "resident ID number must be 18 characters long, but got 17"],
    ["19 characters", "11010519491231002X1", "length", "resident ID number must be 18 characters long, but got 19"],
    [
      "an old 15-digit number",
      "110105491231002",
      "length",
      "resident ID number must be 18 characters long, but got 15",
    ],
    ["an empty string", "   ", "length", "resident ID number must be 18 characters long, but got 0"],
    [
      "a letter in the middle",
      "1101051949A231002X",
      "characters",
      'resident ID number must have a digit at position 11, but got "A"',
    ],
    [
      "X not at the end",
      "11010519491231X021",
      "characters",
      'resident ID number must have a digit at position 15, but got "X"',
    ],
    [
      "a lowercase x not at the end",
      "1x0105194912310021",
      "characters",
      'resident ID number must have a digit at position 2, but got "x"',
    ],
    [
      "a space inside",
      "110105 9491231002X",
      "characters",
      'resident ID number must have a digit at position 7, but got " "',
    ],
    [
      "a wrong final letter",
      "11010519491231002Y",
      "characters",
      'resident ID number must end in a digit or "X", but got "Y"',
    ],
    [
      "unknown province 99",
      "990105194912310021",
      "region",
      'resident ID number must start with a province-level division code, but "99" (of region 990105) is not one',
    ],
    [
      "province 00",
      "000105194912310021",
      "region",
      'resident ID number must start with a province-level division code, but "00" (of region 000105) is not one',
    ],
    [
      "30 February",
      "110105201902300011",
      "birthDate",
      'resident ID number must have a real calendar date in positions 7–14, but got "20190230"',
    ],
    [
      "29 February in a common year",
      "330102202302290031",
      "birthDate",
      'resident ID number must have a real calendar date in positions 7–14, but got "20230229"',
    ],
    [
      "month 13",
      "110105201913010011",
      "birthDate",
      'resident ID number must have a real calendar date in positions 7–14, but got "20191301"',
    ],
    // The standard's second example, born 1880: rejected as this system's floor is 1900.
    [
      "a birth before 1900",
      "440524188001010014",
      "birthDate",
      "resident ID number must have a birth date on or after 1900-01-01, but got 1880-01-01",
    ],
    [
      "a wrong check character",
      "110105194912310021",
      "checkCharacter",
      'resident ID number must end in its MOD 11-2 check character "X", but got "1"',
    ],
    [
      "a transposition",
      "330106201903510001",
      "birthDate",
      'resident ID number must have a real calendar date in positions 7–14, but got "20190351"',
    ],
    [
      "a region digit typed wrong (330106 → 330156)",
      "330156201903150001",
      "checkCharacter",
      'resident ID number must end in its MOD 11-2 check character "5", but got "1"',
    ],
  ];

  it.each(cases)("%s", (_label, input, part, message) => {
    expect(parseIdNumber(input)).toEqual({ ok: false, problem: { part, message } });
  });

  it("reports the length before anything else, even when every part is wrong", () => {
    const result = parseIdNumber("99010520190230A");
    expect(result.ok || result.problem.part).toBe("length");
  });

  it("reports the region before a wrong check character", () => {
    const result = parseIdNumber("990105194912310029");
    expect(result.ok || result.problem.part).toBe("region");
  });

  it("rejects a birth date after the as-of date, naming both", () => {
    expect(parseIdNumber("522601202306010008", { asOf: "2023-05-31" })).toEqual({
      ok: false,
      problem: {
        part: "birthDate",
        message: "resident ID number must have a birth date on or before 2023-05-31, but got 2023-06-01",
      },
    });
  });

  it("tells 29 February of a leap year from that of a common year", () => {
    const leap = makeIdNumber({ regionCode: "330106", birthDate: "2024-02-29", sequence: 12 });
    expect(parseIdNumber(leap)).toMatchObject({ ok: true, value: { birthDate: "2024-02-29" } });
    const common = `${leap.slice(0, 6)}20230229${leap.slice(14, 17)}`;
    const result = parseIdNumber(common + idNumberCheckCharacter(common));
    expect(result.ok || result.problem.part).toBe("birthDate");
  });

  it("never repeats the whole number in a message", () => {
    const id = "330106201903150011";
    const result = parseIdNumber(id);
    expect(result.ok).toBe(false);
    expect(result.ok || result.problem.message).not.toContain(id.slice(0, 14));
  });
});

describe("idNumberCheckCharacter", () => {
  it.each([
    ["11010519491231002", "X"],
    ["44052418800101001", "4"],
    ["33010620190315000", "1"],
    ["52260120230601000", "8"],
  ])("%s → %s", (first17, expected) => {
    expect(idNumberCheckCharacter(first17)).toBe(expected);
  });

  it("produces each of the 11 possible characters for some input", () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) {
      seen.add(idNumberCheckCharacter(`33010620190315${String(seq).padStart(3, "0")}`));
    }
    expect([...seen].sort()).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "X"]);
  });

  it("requires exactly 17 digits", () => {
    expect(() => idNumberCheckCharacter("1101051949123100")).toThrow(
      'check character needs exactly 17 digits, but got "1101051949123100"',
    );
  });
});

describe("sex from the sequence", () => {
  it.each([
    [0, "F"],
    [1, "M"],
    [2, "F"],
    [998, "F"],
    [999, "M"],
  ] as const)("sequence %i is %s", (seq, sex) => {
    expect(sexOfSequence(seq)).toBe(sex);
  });

  it.each([
    [0, "M", 1],
    [0, "F", 0],
    [3, "F", 6],
    [499, "M", 999],
    [500, "M", 1],
    [-1, "F", 998],
  ] as const)("sequenceForSex(%i, %s) is %i", (n, sex, expected) => {
    expect(sequenceForSex(n, sex)).toBe(expected);
  });

  it("always yields a sequence of the requested sex within 0..999", () => {
    for (let n = -600; n < 1200; n++) {
      for (const sex of ["M", "F"] as const) {
        const seq = sequenceForSex(n, sex);
        expect(seq).toBeGreaterThanOrEqual(0);
        expect(seq).toBeLessThanOrEqual(999);
        expect(sexOfSequence(seq)).toBe(sex);
      }
    }
  });
});

describe("makeIdNumber", () => {
  it("builds the standard example", () => {
    expect(makeIdNumber({ regionCode: "110105", birthDate: "1949-12-31", sequence: 2 })).toBe("11010519491231002X");
  });

  it.each([
    [
      { regionCode: "99010", birthDate: "2019-03-15", sequence: 1 },
      /region must be 6 digits starting with a province-level code, but got "99010"/,
    ],
    [{ regionCode: "990100", birthDate: "2019-03-15", sequence: 1 }, /but got "990100"/],
    [{ regionCode: "330106", birthDate: "2019-02-30", sequence: 1 }, /but got "2019-02-30"/],
    [{ regionCode: "330106", birthDate: "1899-12-31", sequence: 1 }, /on or after 1900-01-01, but got 1899-12-31/],
    [{ regionCode: "330106", birthDate: "2019-03-15", sequence: 1000 }, /from 0 to 999, but got 1000/],
    [{ regionCode: "330106", birthDate: "2019-03-15", sequence: 1.5 }, /but got 1.5/],
  ])("refuses %o", (p, message) => {
    expect(() => makeIdNumber(p)).toThrow(message);
  });

  it("round-trips through parseIdNumber for 5,000 random regions, dates and sequences", () => {
    const random = seededRandom(20240601);
    const regions = provinces()
      .flatMap((p) => countiesOf(p.code))
      .map((d) => d.code);
    const checkCharacters = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const regionCode = regions[Math.floor(random() * regions.length)] ?? "330106";
      const birthDate = addDays("1900-01-01", Math.floor(random() * 45_000));
      const sequence = Math.floor(random() * 1000);
      const id = makeIdNumber({ regionCode, birthDate, sequence });
      const parsed = parseIdNumber(id, { asOf: "2030-01-01" });
      expect(parsed).toEqual({
        ok: true,
        value: {
          idNumber: id,
          regionCode,
          birthDate,
          sequence: String(sequence).padStart(3, "0"),
          sex: sequence % 2 === 1 ? "M" : "F",
          checkCharacter: id.charAt(17),
        },
      });
      checkCharacters.add(id.charAt(17));
    }
    expect(checkCharacters.size).toBe(11);
  });

  it("every single-digit change to a valid number is caught", () => {
    const id = makeIdNumber({ regionCode: "330106", birthDate: "2019-03-15", sequence: 12 });
    for (let position = 0; position < 17; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        const changed = `${id.slice(0, position)}${digit}${id.slice(position + 1)}`;
        if (changed === id) continue;
        expect(parseIdNumber(changed).ok, changed).toBe(false);
      }
    }
  });
});

describe("maskIdNumber", () => {
  it.each([
    // #18.13: the province only (the birth date and sex the masked roles read are 9 of the characters).
    ["11010519491231002X", "11****************"],
    ["330106201903150001", "33****************"],
    ["110105491231002", "11*************"],
    ["1234567890", "**********"],
    ["", ""],
  ])("%s → %s", (id, expected) => {
    expect(maskIdNumber(id)).toBe(expected);
  });

  it("keeps the length of an 18-character number", () => {
    expect(maskIdNumber("11010519491231002X")).toHaveLength(18);
  });
});

describe("maskPhone", () => {
  it.each([
    ["13800001234", "*******1234"],
    ["138-0000-1234", "*******1234"],
    [" 138 0000 1234 ", "*******1234"],
    ["+8613800001234", "*********1234"],
    ["1234", "****"],
    ["", ""],
  ])("%s → %s", (phone, expected) => {
    expect(maskPhone(phone)).toBe(expected);
  });
});

// mulberry32: a small deterministic generator, so a failure reproduces.
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("quickIdNumberVerdict", () => {
  /** The quick verdict must be parseIdNumber's, wherever it gives one. */
  const agrees = (raw: string) => {
    const quick = quickIdNumberVerdict(raw);
    if (quick === undefined) return;
    const full = parseIdNumber(raw);
    if (!full.ok) {
      expect(quick, raw).toBeNull();
      return;
    }
    const [year, month, day] = full.value.birthDate.split("-").map(Number);
    expect(quick, raw).toEqual({ year, month, day, sex: full.value.sex });
  };

  it("answers for valid numbers, with their birth date and sex", () => {
    expect(quickIdNumberVerdict("11010519491231002X")).toEqual({ year: 1949, month: 12, day: 31, sex: "F" });
    const leap = makeIdNumber({ regionCode: "330106", birthDate: "2024-02-29", sequence: 13 });
    expect(quickIdNumberVerdict(leap)).toEqual({ year: 2024, month: 2, day: 29, sex: "M" });
  });

  it("leaves to parseIdNumber what it does not decide", () => {
    for (const raw of [
      "11010519491231002x",
      " 11010519491231002X",
      "１1010519491231002X",
      "110105189912310023",
      "110105210001010011",
      "1101051949123100",
    ]) {
      expect(quickIdNumberVerdict(raw), raw).toBeUndefined();
    }
  });

  it("agrees with parseIdNumber on valid numbers and every one-character slip of them", () => {
    const counties = provinces().flatMap((p) => countiesOf(p.code).slice(0, 2));
    fc.assert(
      fc.property(
        fc.constantFrom(...counties.map((c) => c.code)),
        fc.integer({ min: 0, max: 200 * 366 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(..."0123456789X"),
        (region, days, sequence, position, character) => {
          const id = makeIdNumber({ regionCode: region, birthDate: addDays("1900-01-01", days), sequence });
          agrees(id);
          agrees(id.slice(0, position) + character + id.slice(position + 1));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it(
    "agrees with parseIdNumber on arbitrary 18-character strings of digits and X, " +
      "every province code and month end",
    () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."0123456789X"), minLength: 18, maxLength: 18 }), agrees),
        { numRuns: 20_000 },
      );
      for (let province = 0; province < 100; province++) {
        for (const date of [
          "19000101",
          "18991231",
          "20000229",
          "19000229",
          "20230231",
          "20230431",
          "20231131",
          "20990101",
          "20231301",
          "20230100",
        ]) {
          const first17 = `${String(province).padStart(2, "0")}0106${date}123`;
          agrees(first17 + idNumberCheckCharacter(first17));
        }
      }
    },
  );
});
