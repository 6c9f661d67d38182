import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const src = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("the generator's ground truth", () => {
  it("is never read by the hub's own code (only the generator and the seed command touch it)", () => {
    const allowed = [path.join(src, "generator"), path.join(src, "bin")];
    const offenders = sourceFiles(src)
      .filter((file) => !allowed.some((dir) => file.startsWith(dir + path.sep)))
      .filter((file) => /from\s+["'][^"']*generator\/|\btruth\.\w+/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
