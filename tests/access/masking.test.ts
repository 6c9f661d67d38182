import { describe, expect, it } from "vitest";
import { maskCertificateNumber, maskStudentNumber, maskValue } from "../../src/access/fields/masking.ts";

describe("masking", () => {
  // #18.13 changed the mask: the first 6 and last 4 characters with the birth date gave the number away.
  it("keeps only the province of an ID number", () => {
    expect(maskValue("idNumber", "11010519491231002X")).toBe("11****************");
  });

  it("keeps the last 4 digits of a phone number", () => {
    expect(maskValue("phone", "13800001234")).toBe("*******1234");
    expect(maskValue("phone", "138-0000-1234")).toBe("*******1234");
  });

  it("masks the ID number inside a G student number, and the same positions of J and L numbers", () => {
    expect(maskStudentNumber("G11010519491231002X")).toBe("G11****************");
    expect(maskStudentNumber("J33010620190315123X")).toBe("J33****************");
    expect(maskStudentNumber("L330106201903150001")).toBe("L33****************");
    expect(maskValue("studentNumber", "G11010519491231002X")).not.toContain("19491231");
  });

  it("hides an unrecognised student number entirely", () => {
    expect(maskStudentNumber("X123")).toBe("****");
  });

  it("keeps a birth certificate number's letter and last 4 digits", () => {
    expect(maskCertificateNumber("O330012345")).toBe("O*****2345");
  });

  it("passes null through, and masks every element of a list", () => {
    expect(maskValue("idNumber", null)).toBeNull();
    expect(maskValue("idNumber", undefined)).toBeUndefined();
    expect(maskValue("phone", ["13800001234", "13900005678"])).toEqual(["*******1234", "*******5678"]);
  });
});
