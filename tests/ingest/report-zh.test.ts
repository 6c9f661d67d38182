import { describe, expect, it } from "vitest";
import { sex } from "../../src/ingest/fields.ts";
import { chineseFieldName, chineseReason } from "../../src/ingest/report-zh.ts";
import { RECORD_KINDS } from "../../src/ingest/kinds/index.ts";

/** Issue #22.9: the reject report in Chinese, and 男/女 for sex. */
describe("the Chinese reject report", () => {
  it("translates the reasons a department meets most, keeping the values as sent", () => {
    expect(chineseReason("is required")).toBe("必填，但为空");
    expect(chineseReason('resident ID number must end in its MOD 11-2 check character "7", but got "3"')).toBe(
      "身份证号校验位应为“7”，实为“3”",
    );
    expect(chineseReason('must be one of ENROLLED, GRADUATED, but got "在读"')).toBe(
      '应为 ENROLLED、GRADUATED 之一，实为 "在读"',
    );
    expect(chineseReason('must be an 11-digit mobile number starting with 1, but got "2345"')).toBe(
      '应为以 1 开头的 11 位手机号，实为 "2345"',
    );
    expect(
      chineseReason(
        "breaks a rule the database keeps on this record (the database's rule registrations_marked_check); " +
          "the rest of the file was imported without this row",
      ),
    ).toBe("违反数据库规则（数据库规则 registrations_marked_check）；文件中其余各行已导入");
    expect(
      chineseReason(
        "is repeated on line 9, a later copy of the same record: only the last copy of a record in a file is " +
          "imported, so this one was not",
      ),
    ).toBe("同一记录在第 9 行再次出现：文件中同一记录只导入最后一份，本行未导入");
  });

  it("keeps a reason it cannot translate, marked as the original, rather than drop it", () => {
    expect(chineseReason("a reason nobody wrote a translation for")).toBe(
      "（原文）a reason nobody wrote a translation for",
    );
  });

  it("names every column of every record kind in Chinese", () => {
    const columns = RECORD_KINDS.flatMap((k) => k.columns.map((c) => c.name));
    const untranslated = columns.filter((c) => chineseFieldName(c) === c);
    expect(untranslated).toEqual([]);
    expect(chineseFieldName("id_number")).toBe("id_number（身份证号）");
    expect(chineseFieldName("(line)")).toBe("整行");
  });
});

describe("sex as departments write it", () => {
  it("reads M, F, 男, 女 (and 男性, 女性, full-width letters) as M and F", () => {
    const read = (raw: string) => sex(raw);
    expect(["M", "m", "男", "男性", "Ｍ"].map(read)).toEqual(Array(5).fill({ ok: true, value: "M" }));
    expect(["F", "f", "女", "女性", " 女 "].map(read)).toEqual(Array(5).fill({ ok: true, value: "F" }));
  });

  it("refuses anything else, saying what it takes", () => {
    expect(sex("未知")).toEqual({ ok: false, message: 'must be one of M, F, 男, 女, but got "未知"' });
    expect(sex("1")).toMatchObject({ ok: false });
  });
});
