import { describe, expect, it } from "vitest";
import { csvCell, csvFileName, toCsv } from "../../src/console/logic/csv.ts";

describe("CSV export", () => {
  it("writes a BOM, CRLF lines and quotes only the cells that need it", () => {
    expect(
      toCsv(
        ["姓名", "状态"],
        [
          ["王小明", "未参保"],
          ['a "b"', "c,d"],
        ],
      ),
    ).toBe('\uFEFF姓名,状态\r\n王小明,未参保\r\n"a ""b""","c,d"\r\n');
  });

  it("keeps a cell that looks like a formula from running in a spreadsheet", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+86 138")).toBe("'+86 138");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe("-3");
  });

  it("writes empty cells for missing values and numbers as they are", () => {
    expect(toCsv(["a", "b", "c"], [[null, undefined, 7]])).toBe("\uFEFFa,b,c\r\n,,7\r\n");
  });

  it("names files safely", () => {
    expect(csvFileName("students", "2330106101", "2026-06-30")).toBe("students-2330106101-2026-06-30.csv");
    expect(csvFileName("学生/名单", "../x")).toBe("学生_名单-_x.csv");
  });
});
