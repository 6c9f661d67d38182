import { describe, expect, it } from "vitest";
import { checkCharacter, idNumberCheck } from "../../src/console/logic/id-number.ts";
import { idNumberCheckCharacter } from "../../src/domain/id-number.ts";

describe("the console's ID number check", () => {
  it("computes the same check character as src/domain on many numbers", () => {
    let seed = 20_261_207;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 5_000; n++) {
      const first17 = Array.from({ length: 17 }, () => String(next() % 10)).join("");
      expect(checkCharacter(first17), first17).toBe(idNumberCheckCharacter(first17));
    }
  });

  it("refuses a wrong check character, naming the right one, and accepts a lowercase x", () => {
    expect(idNumberCheck("110105194912310021")).toEqual({ ok: false, expected: "X", got: "1" });
    expect(idNumberCheck("11010519491231002x")).toEqual({ ok: true });
    expect(idNumberCheck("张三")).toBeNull();
  });
});
