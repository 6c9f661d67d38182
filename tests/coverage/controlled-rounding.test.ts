import { describe, expect, it } from "vitest";
import { nearestMultiple, roundAtoms, type Atom } from "../../src/coverage/controlled-rounding.ts";

/** A small deterministic generator (mulberry32), so every run checks the same tables. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASSES = ["INSURED|0|0", "INSURED|1|1", "UNINSURED|0|0", "LAPSED|0|0", "NEWBORN_IN_WINDOW|1|0"];

/** One county population grouped two ways (by a "dimension" A and B), as two answers would read it. */
function population(seed: number) {
  const next = random(seed);
  const children: { county: string; a: string; b: string; klass: string }[] = [];
  const counties = ["330102", "330105", "330106", null].slice(0, 1 + Math.floor(next() * 4));
  for (let i = 0; i < 20 + Math.floor(next() * 300); i++)
    children.push({
      county: counties[Math.floor(next() * counties.length)] ?? "330199",
      a: `a${Math.floor(next() * next() * 7)}`,
      b: `b${Math.floor(next() * next() * 4)}`,
      klass: CLASSES[Math.floor(next() * next() * CLASSES.length)]!,
    });
  const atomsBy = (group: "a" | "b") => {
    const counts = new Map<string, Atom>();
    for (const c of children) {
      const key = `${c.county}|${c[group]}|${c.klass}`;
      const atom = counts.get(key) ?? { county: c.county, group: c[group], klass: c.klass, children: 0 };
      atom.children += 1;
      counts.set(key, atom);
    }
    return [...counts.values()];
  };
  return { a: atomsBy("a"), b: atomsBy("b") };
}

const sumBy = (atoms: readonly Atom[], key: (a: Atom) => string) => {
  const sums = new Map<string, number>();
  for (const a of atoms) sums.set(key(a), (sums.get(key(a)) ?? 0) + a.children);
  return sums;
};

describe("controlled rounding of protected statistics", () => {
  it("rounds to the nearest multiple of 5: remainders 1–2 down, 3–4 up", () => {
    expect([0, 1, 2, 3, 4, 5, 7, 8, 302, 303].map(nearestMultiple)).toEqual([0, 0, 0, 5, 5, 5, 5, 10, 300, 305]);
  });

  it.each(Array.from({ length: 60 }, (_, i) => i + 1))(
    "keeps every figure a multiple of 5 next to its truth, and every sum exact (table %i)",
    (seed) => {
      const { a, b } = population(seed);
      const ra = roundAtoms(a);
      const rb = roundAtoms(b);
      const truth = new Map(a.map((x) => [`${x.county}|${x.group}|${x.klass}`, x.children]));
      for (const x of ra) {
        expect(x.children % 5).toBe(0);
        // Each atom to one of its two neighbouring multiples of 5.
        expect(Math.abs(x.children - truth.get(`${x.county}|${x.group}|${x.klass}`)!)).toBeLessThan(5);
      }
      // A county's children: the nearest multiple of 5 of its truth.
      const countyTruth = sumBy(a, (x) => String(x.county));
      for (const [county, n] of sumBy(ra, (x) => String(x.county)))
        expect(n).toBe(nearestMultiple(countyTruth.get(county)!));
      // The county's figures by class are the same whichever way its children are grouped: totals, region levels
      // and groupings of different answers all add up to the same numbers.
      const byClass = (atoms: readonly Atom[]) => [...sumBy(atoms, (x) => `${x.county}|${x.klass}`)].sort();
      expect(byClass(ra)).toEqual(byClass(rb));
    },
  );

  it("changes nothing in a table already of multiples of 5, so the published figures are a possible truth", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const once = roundAtoms(population(seed).a);
      const twice = roundAtoms(once);
      const key = (x: Atom) => `${x.county}|${x.group}|${x.klass}`;
      const nonzero = (atoms: Atom[]) => new Map(atoms.filter((x) => x.children > 0).map((x) => [key(x), x.children]));
      expect(nonzero(twice)).toEqual(nonzero(once));
    }
  });

  it("answers the same atoms in any order the same way, and leaves empty atoms empty", () => {
    const { a } = population(7);
    const shuffled = [...a].reverse();
    const key = (x: Atom) => `${x.county}|${x.group}|${x.klass}`;
    const asMap = (atoms: Atom[]) => new Map(atoms.map((x) => [key(x), x.children]));
    expect(asMap(roundAtoms(shuffled))).toEqual(asMap(roundAtoms(a)));
    expect(roundAtoms([{ county: "330106", group: "x", klass: "LAPSED|0|0", children: 0 }])).toEqual([]);
  });

  it("never publishes a group of 1–4 as itself: one child alone rounds to 0, three to 5", () => {
    const one = roundAtoms([
      { county: "330106", group: "DISABLED", klass: "INSURED|0|0", children: 1 },
      { county: "330106", group: null, klass: "INSURED|0|0", children: 298 },
    ]);
    expect(one.map((x) => [x.group, x.children])).toEqual([
      ["DISABLED", 0],
      [null, 300],
    ]);
    const three = roundAtoms([{ county: "330106", group: "ORPHAN", klass: "UNINSURED|0|0", children: 3 }]);
    expect(three.map((x) => x.children)).toEqual([5]);
  });

  it("refuses a count that is not a whole number from 0", () => {
    expect(() => roundAtoms([{ county: null, group: null, klass: "INSURED|0|0", children: -1 }])).toThrow(
      /an atom's children must be a whole number from 0, but got -1/,
    );
  });
});
