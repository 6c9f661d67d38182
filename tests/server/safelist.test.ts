import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { createSafelist, loadSafelist } from "../../src/server/safelist.ts";

describe("the safelist of registered operations", () => {
  it("loads tests/operations/ and matches an operation however it is spaced or commented", async () => {
    const safelist = loadSafelist(path.resolve("tests/operations"));
    expect(safelist.size).toBe(9);
    expect(
      safelist.allows(
        parse(
          `# a comment\nquery RegionCoverage($region: String!, $groupBy: CoverageGroupBy) ` +
            `{ coverageSummary(region: $region, groupBy: $groupBy) { total { children } } }`,
        ),
      ),
    ).toBe(false);
    const text = `query Q { child(id: "1") { id } }`;
    const one = createSafelist([{ text }]);
    expect(one.allows(parse(`query Q {\n  child(id: "1") {\n    id\n  }\n}`))).toBe(true);
    expect(one.allows(parse(`query Q { child(id: "2") { id } }`))).toBe(false);
    expect(await one.cache.get(createHash("sha256").update(text).digest("hex"))).toBe(text);
    await one.cache.set("x", "{ __typename }");
    expect(await one.cache.get("x")).toBeUndefined();
  });

  it("reads a JSON list, an id map or a persisted-query manifest, and refuses anything else clearly", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "safelist-"));
    const write = (name: string, value: unknown) => {
      writeFileSync(path.join(dir, name), JSON.stringify(value));
      return path.join(dir, name);
    };
    expect(loadSafelist(write("list.json", ["{ a }", "{ b }"])).size).toBe(2);
    expect(loadSafelist(write("map.json", { id1: "{ a }" })).size).toBe(1);
    expect(
      loadSafelist(
        write("manifest.json", {
          format: "apollo-persisted-query-manifest",
          operations: [{ id: "x", body: "{ a }", name: "A" }],
        }),
      ).size,
    ).toBe(1);
    expect(() => loadSafelist(write("bad.json", [1, 2]))).toThrow(/must be an array of operation texts/);
    expect(() => loadSafelist(path.join(dir, "missing.graphql"))).toThrow(/no file or folder/);
  });
});
