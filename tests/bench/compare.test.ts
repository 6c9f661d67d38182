import { describe, expect, it } from "vitest";
import { assertSameAnswer, firstDifference, normalise } from "../../bench/kit/compare.ts";

describe("comparing two answers", () => {
  it("ignores key order and undefined fields", () => {
    expect(() =>
      assertSameAnswer("x", { a: 1, b: { c: [1, 2] }, d: undefined }, { b: { c: [1, 2] }, a: 1 }),
    ).not.toThrow();
  });

  it("keeps list order unless told the order does not matter", () => {
    expect(() => assertSameAnswer("x", { list: [1, 2] }, { list: [2, 1] })).toThrow(/differ at list\[0\]: 1 vs 2/);
    expect(() =>
      assertSameAnswer("x", { list: [{ v: 1 }, { v: 2 }] }, { list: [{ v: 2 }, { v: 1 }] }, { unordered: true }),
    ).not.toThrow();
  });

  it("tells null from a missing row and a number from its string", () => {
    expect(firstDifference(normalise({ child: null }), normalise({ child: { id: "1" } }))).toEqual({
      path: "child",
      left: null,
      right: { id: "1" },
    });
    expect(firstDifference(normalise({ n: 1 }), normalise({ n: "1" }))).toEqual({ path: "n", left: 1, right: "1" });
  });

  it("names the first differing path in nested lists", () => {
    expect(firstDifference({ a: [{ b: 1 }, { b: 2 }] }, { a: [{ b: 1 }, { b: 3 }] })).toEqual({
      path: "a[1].b",
      left: 2,
      right: 3,
    });
    expect(firstDifference([1], [1, 2])).toEqual({ path: "[1]", left: undefined, right: 2 });
  });
});
