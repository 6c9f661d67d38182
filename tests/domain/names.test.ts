import { describe, expect, it } from "vitest";
import { isPlaceholderName } from "../../src/domain/names.ts";

describe("isPlaceholderName", () => {
  it.each([
    "王之子",
    "欧阳之女",
    "婴儿",
    "男婴",
    "张宝宝",
    "Baby boy",
    "baby",
    "unknown",
    "未取名",
    " 李之子 ",
    "",
    null,
    undefined,
  ])("treats %j as a placeholder", (name) => {
    expect(isPlaceholderName(name)).toBe(true);
  });

  it.each(["王子轩", "之子涵", "李婴", "欧阳娜娜", "Baby Zhang"])("treats %j as a real name", (name) => {
    expect(isPlaceholderName(name)).toBe(false);
  });
});
