import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.ts";
import { makeIdNumber, quickIdNumberVerdictOfBytes } from "../../src/domain/id-number.ts";
import {
  certificateCode,
  certificateFromCode,
  idNumberCode,
  idNumberCodeOfBytes,
  idNumberFromCode,
  phoneCode,
  phoneFromCode,
  TEXT_CODE_BASE,
} from "../../src/linkage/codes.ts";
import { Vocabulary } from "../../src/linkage/vocabulary.ts";
import { NumberIndex } from "../../src/linkage/number-index.ts";

describe("identifier codes", () => {
  const anyId = fc
    .tuple(
      fc.constantFrom("110105", "330106", "440305", "830000", "999999"),
      fc.integer({ min: 0, max: 199 * 365 }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([regionCode, days, sequence]) =>
      regionCode === "999999"
        ? `999999${addDays("1900-01-01", days).replaceAll("-", "")}${String(sequence).padStart(3, "0")}0`
        : makeIdNumber({ regionCode, birthDate: addDays("1900-01-01", days), sequence }),
    );

  it("gives two valid ID numbers the same code exactly when they are the same number", () => {
    fc.assert(
      fc.property(anyId, anyId, (a, b) => {
        expect(Number.isSafeInteger(idNumberCode(a))).toBe(true);
        expect(idNumberCode(a) === idNumberCode(b)).toBe(a.slice(0, 17) === b.slice(0, 17));
      }),
      { numRuns: 20_000 },
    );
  });

  it("codes an ID number from its bytes as from its text", () => {
    fc.assert(
      fc.property(
        anyId.filter((id) => !id.startsWith("999999")),
        (id) => {
          const bytes = Buffer.from(`xx${id}yy`);
          const verdict = quickIdNumberVerdictOfBytes(bytes, 2);
          expect(verdict).toBeGreaterThanOrEqual(0);
          expect(idNumberCodeOfBytes(bytes, 2, verdict)).toBe(idNumberCode(id));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("keeps ID numbers it does not cover as text (NaN)", () => {
    for (const id of [
      "1101051949123100２X",
      "110105189912310023",
      "110105210001010011",
      "11010519491231002",
      "11010519491331002X",
    ])
      expect(idNumberCode(id), id).toBeNaN();
  });

  it("codes phones and birth certificate numbers one to one, and nothing else", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), fc.stringMatching(/^1[3-9]\d{9}$/), (a, b) => {
        expect(phoneCode(a) === phoneCode(b)).toBe(a === b);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]\d{9}$/), fc.stringMatching(/^[A-Z]\d{9}$/), (a, b) => {
        expect(certificateCode(a) === certificateCode(b)).toBe(a === b);
      }),
    );
    for (const v of ["1380000123", "1380000123a", "+8613800001234"]) expect(phoneCode(v), v).toBeNaN();
    for (const v of ["a330106123", "P33010612", "P33010612x"]) expect(certificateCode(v), v).toBeNaN();
  });
});

describe("reading codes back", () => {
  it("gives back the identifier a code was made from", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.constantFrom("110105", "330106", "440305", "830000"),
          fc.integer({ min: 0, max: 199 * 365 }),
          fc.integer({ min: 0, max: 999 }),
        ),
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.stringMatching(/^[A-Z]\d{9}$/),
        ([regionCode, days, sequence], phone, certificate) => {
          const id = makeIdNumber({ regionCode, birthDate: addDays("1900-01-01", days), sequence });
          expect(idNumberFromCode(idNumberCode(id))).toBe(id);
          expect(phoneFromCode(phoneCode(phone))).toBe(phone);
          expect(certificateFromCode(certificateCode(certificate))).toBe(certificate);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("numbers values without a code of their own by their text, above every code made of digits", () => {
    const v = new Vocabulary();
    const late = makeIdNumber({ regionCode: "110105", birthDate: "2100-01-01", sequence: 11 });
    expect(idNumberCode(late)).toBeNaN();
    const code = v.idCode(late);
    expect(code).toBeGreaterThanOrEqual(TEXT_CODE_BASE);
    expect(code).toBeGreaterThan(idNumberCode("99999920991231999X"));
    expect(v.idCode(late)).toBe(code);
    expect(v.idNumberOf(code)).toBe(late);
    expect(v.textCode("L330106201903150001")).toBe(v.textCode("L330106201903150001"));
    expect(v.textCode("L330106201903150001")).not.toBe(code);
    expect(() => v.textOf(TEXT_CODE_BASE + 99)).toThrow(/no text has the code/);
  });
});

describe("NumberIndex", () => {
  it("answers like a Map, through growth, for keys up to 2^53 that share low or high bits", () => {
    const index = new NumberIndex(4);
    const reference = new Map<number, number>();
    const keys: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      keys.push(i * 4_294_967_296, i, 2 ** 53 - 1 - i, 9_160_756_799_002 + i * 1000);
    }
    keys.forEach((key, value) => {
      if (value % 3 === 0) return; // a third stay absent
      index.set(key, value);
      reference.set(key, value);
    });
    for (const key of keys) expect(index.get(key)).toBe(reference.get(key) ?? -1);
    expect(index.size).toBe(reference.size);
    index.set(keys[1]!, 5);
    expect(index.get(keys[1]!)).toBe(5);
    expect(index.size).toBe(reference.size);
    expect(() => index.set(1, -1)).toThrow(/0 or more/);
  });
});
