import { describe, expect, it } from "vitest";
import { arenaUse, float64s, int32s, uint8s, withArena } from "../../src/linkage/arena.ts";

describe("typed arrays from an arena", () => {
  it("come from one buffer inside withArena, zero-filled, aligned and apart", () => {
    withArena(1 << 16, () => {
      const a = uint8s(3);
      const b = int32s(5);
      const c = float64s(2);
      expect(new Set([a.buffer, b.buffer, c.buffer]).size).toBe(1);
      expect([...a, ...b, ...c].every((v) => v === 0)).toBe(true);
      expect([b.byteOffset % 4, c.byteOffset % 8]).toEqual([0, 0]);
      a.fill(255);
      b.fill(-1);
      c.fill(Number.NaN);
      expect([...a].every((v) => v === 255) && [...b].every((v) => v === -1) && [...c].every(Number.isNaN)).toBe(true);
      expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
      expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    });
  });

  it("are ordinary arrays of their own outside withArena, and when the arena runs out (counted)", () => {
    const outside = int32s(4);
    expect(outside.byteOffset).toBe(0);
    expect(outside.buffer.byteLength).toBe(16);
    const before = arenaUse.overflowBytes;
    withArena(64, () => {
      const fits = int32s(16);
      const spills = int32s(16);
      expect(fits.buffer.byteLength).toBe(64);
      expect(spills.buffer).not.toBe(fits.buffer);
      expect([...spills].every((v) => v === 0)).toBe(true);
    });
    expect(arenaUse.overflowBytes - before).toBe(64);
  });

  it("restores the outer arena when the work throws", () => {
    expect(() =>
      withArena(64, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(int32s(2).buffer.byteLength).toBe(8);
  });
});
