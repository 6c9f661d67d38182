import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BytesMap } from "../../src/linkage/bytes-map.ts";
import { EdgeList } from "../../src/linkage/edges.ts";
import { ListColumn } from "../../src/linkage/list-column.ts";

describe("BytesMap", () => {
  it("answers like a Map of strings, through growth, for keys read from anywhere in a buffer", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 6 }), { maxLength: 400 }), (words) => {
        const map = new BytesMap(2);
        const reference = new Map<string, number>();
        // Each key is read from the middle of a buffer of its own, with bytes around it.
        const bytesOf = (word: string) => {
          const inner = Buffer.from(word, "utf8");
          return { buf: Buffer.concat([Buffer.from("x,"), inner, Buffer.from(",y")]), start: 2, end: 2 + inner.length };
        };
        words.forEach((word, k) => {
          const { buf, start, end } = bytesOf(word);
          const known = map.get(buf, start, end);
          expect(known).toBe(reference.get(word) ?? BytesMap.ABSENT);
          if (known === BytesMap.ABSENT) {
            map.set(buf, start, end, k - 1);
            reference.set(word, k - 1);
          }
        });
        expect(map.size).toBe(reference.size);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ListColumn", () => {
  it("keeps a list per row, each value once where asked, through growth", () => {
    const column = new ListColumn(1, 1);
    column.push(3);
    column.pushUnique(3);
    column.pushUnique(4);
    column.endRow();
    column.endRow(); // an empty row
    for (let v = 0; v < 100; v++) column.push(v);
    column.endRow();
    expect([column.list(0), column.list(1), column.count(2)]).toEqual([[3, 4], [], 100]);
    expect(column.list(2)).toEqual(Array.from({ length: 100 }, (_, v) => v));
  });
});

describe("EdgeList", () => {
  it("sorts best first (score, then groups), and lists each group's edges in that order", () => {
    const edges = new EdgeList();
    const input: [number, number, number][] = [
      [0, 1, 15],
      [1, 2, 20],
      [0, 2, 15],
      [2, 3, 9.5],
      [0, 3, 20],
    ];
    input.forEach(([a, b, score], k) => edges.push(a, b, score, k));
    edges.sortBestFirst();
    const sorted = Array.from({ length: edges.count }, (_, e) => [
      edges.a[e],
      edges.b[e],
      edges.score[e],
      edges.levels[e],
    ]);
    expect(sorted).toEqual([
      [0, 3, 20, 4],
      [1, 2, 20, 1],
      [0, 1, 15, 0],
      [0, 2, 15, 2],
      [2, 3, 9.5, 3],
    ]);
    const { start, edgeOf } = edges.adjacency(4);
    const of = (g: number) => Array.from(edgeOf.subarray(start[g]!, start[g + 1]!));
    expect([of(0), of(1), of(2), of(3)]).toEqual([
      [0, 2, 3],
      [1, 2],
      [1, 3, 4],
      [0, 4],
    ]);
    const only = edges.adjacency(4, Uint8Array.of(1, 0, 0, 1, 0));
    expect(Array.from(only.edgeOf.subarray(only.start[0]!, only.start[1]!))).toEqual([0, 3]);
  });

  it("sorts as a comparison sort would, whatever the order and scores (half points counted, others compared)", () => {
    const edge = fc.tuple(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 30 }),
      fc.oneof(
        fc.integer({ min: 18, max: 96 }).map((h) => h / 2),
        fc.constantFrom(9.25, 14.1),
      ),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(edge, { selector: ([a, b]) => `${a}:${b}`, maxLength: 60 }),
        fc.boolean(),
        (input, byA) => {
          const given = byA ? [...input].sort((x, y) => x[0] - y[0]) : input;
          const edges = new EdgeList();
          given.forEach(([a, b, score], k) => edges.push(a, b, score, k));
          edges.sortBestFirst();
          const expected = [...given]
            .sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1])
            .map(([a, b, score]) => [a, b, score]);
          expect(Array.from({ length: edges.count }, (_, e) => [edges.a[e], edges.b[e], edges.score[e]])).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
