import { describe, expect, it } from "vitest";
import { HUB_ERROR_CODES, hubErrorCode } from "../../src/console/logic/hub-errors.ts";
import { errorKey, gradeKey, reviewTerm, translate } from "../../src/console/logic/i18n.ts";
import { ErrorCode } from "../../src/errors.ts";
import {
  DATE_LEVELS,
  FAMILY_LEVELS,
  ID_LEVELS,
  NAME_LEVELS,
  REGION_LEVELS,
  SEX_LEVELS,
  SHARED_LEVELS,
} from "../../src/linkage/compare.ts";

/** Codes a client never sees: a start-up failure, and the gateway-to-subgraph signature. */
const SERVER_ONLY = new Set<string>([ErrorCode.CONFIG_INVALID, ErrorCode.GATEWAY_SIGNATURE_INVALID]);

describe("the console's error messages and review terms", () => {
  it("has a message for every error code the hub can answer with", () => {
    for (const code of Object.values(ErrorCode)) {
      if (SERVER_ONLY.has(code)) continue;
      expect(HUB_ERROR_CODES, code).toContain(code);
    }
  });

  it("explains every code in Chinese without English words, and in English", () => {
    for (const code of HUB_ERROR_CODES) {
      expect(translate("zh-CN", errorKey(code)), code).not.toMatch(/[A-Za-z]{4,}/);
      expect(translate("en", errorKey(code)), code).toMatch(/[A-Za-z]{4,}/);
    }
    expect(translate("zh-CN", errorKey("NETWORK"))).toContain("无法连接服务器");
    expect(translate("zh-CN", errorKey("UNAUTHENTICATED"))).toContain("登录已过期");
  });

  it("reads a code from the answer, else from the HTTP status", () => {
    expect(hubErrorCode("FORBIDDEN", 200)).toBe("FORBIDDEN");
    expect(hubErrorCode(undefined, 503)).toBe("DATABASE_UNAVAILABLE");
    expect(hubErrorCode(undefined, 401)).toBe("UNAUTHENTICATED");
    expect(hubErrorCode("SOMETHING_NEW", 400)).toBe("UNKNOWN");
  });

  it("names the grades 一年级 to 高三", () => {
    const names = Array.from({ length: 12 }, (_, i) => translate("zh-CN", gradeKey(i + 1)!));
    expect(names).toEqual(
      ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"].concat([
        "初一",
        "初二",
        "初三",
        "高一",
        "高二",
        "高三",
      ]),
    );
    expect(gradeKey(13)).toBeNull();
  });

  it("translates every agreement level the matcher reports", () => {
    const levels = [
      NAME_LEVELS,
      DATE_LEVELS,
      SEX_LEVELS,
      ID_LEVELS,
      SHARED_LEVELS,
      REGION_LEVELS,
      FAMILY_LEVELS,
    ].flat();
    for (const level of levels) expect(reviewTerm("zh-CN", level), level).not.toMatch(/[A-Za-z]/);
    for (const field of ["name", "birthDate", "sex", "idNumber", "guardianIdNumber", "guardianPhone", "region"])
      expect(reviewTerm("zh-CN", field), field).not.toMatch(/[A-Za-z]/);
  });
});
