import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.ts";
import { copyAhead, copyInto, copyLine, copyRows, CopyRowScanner } from "../../src/db/copy.ts";
import { binaryCopy } from "../kit/copy-binary.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

/** Values COPY must carry unchanged: separators, escapes, CJK, empties and nulls. */
const TRICKY: (string | null)[][] = [
  ["王子轩", "a\tb", "1"],
  ["line\nbreak", "back\\slash", "2"],
  ["", null, "3"],
  ["\\N", "carriage\rreturn", "4"],
  ["𠮷野家", "欧阳 娜娜", "5"],
  [null, "", "6"],
];

function parseAll(bytes: Buffer, fieldCount: number, chunkSizes: number[]): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const scanner = new CopyRowScanner(fieldCount, (row) =>
    rows.push(Array.from({ length: fieldCount }, (_, k) => row.text(k))),
  );
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = chunkSizes[k % chunkSizes.length]!;
    scanner.push(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
  return rows;
}

describe("COPY text format, written", () => {
  it("writes nulls as \\N and escapes separators and backslashes", () => {
    expect(copyLine(["a\tb", null, 7, "c\\d\ne"])).toBe("a\\tb\t\\N\t7\tc\\\\d\\ne\n");
  });
});

describe("COPY binary format, read", () => {
  const bytes = binaryCopy(TRICKY);

  it("reads back every value whole", () => {
    expect(parseAll(bytes, 3, [bytes.length])).toEqual(TRICKY);
  });

  // Chunks of 1, 2, 3 and 5 bytes cut the header, lengths and multi-byte characters in every place.
  it.each([[[1]], [[2]], [[3]], [[5, 1, 7]]])("reads back every value in chunks of %j bytes", (sizes) => {
    expect(parseAll(bytes, 3, sizes)).toEqual(TRICKY);
  });

  it(
    "refuses a row with the wrong number of fields, output that ends mid-row or without its end, " +
      "and what is not COPY's binary format",
    () => {
      expect(() => parseAll(binaryCopy([["a", "b"]]), 3, [100])).toThrow(/2 fields, expected 3/);
      expect(() => parseAll(binaryCopy([["a", "b", "c"]]).subarray(0, 30), 3, [100])).toThrow(
        /ended in the middle of a row/,
      );
      expect(() => parseAll(binaryCopy([["a", "b", "c"]], { trailer: false }), 3, [100])).toThrow(
        /ended in the middle of a row/,
      );
      expect(() => parseAll(Buffer.from("a\tb\tc\n".repeat(5)), 3, [100])).toThrow(/signature/);
    },
  );
});

describe.each(ENGINES)("copyInto and copyRows on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await database.db.execute(sql`create table public.copy_probe (a text, b text, n int not null)`);
  });
  afterAll(() => database.close());

  it("round-trips every tricky value through the server, in chunks, in order", async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => [...TRICKY[i % TRICKY.length]!.slice(0, 2), String(i)]);
    function* chunks() {
      for (let start = 0; start < many.length; start += 1_000)
        yield many
          .slice(start, start + 1_000)
          .map(copyLine)
          .join("");
    }
    await copyInto(database.db, "public.copy_probe", ["a", "b", "n"], chunks());
    const back: (string | null)[][] = [];
    await copyRows(database.db, "select a, b, n::text as number from public.copy_probe order by n", 3, (f) =>
      back.push([...f]),
    );
    expect(back).toEqual(many);
  });

  it(
    "reads ahead: a COPY started before another is read keeps its output until read, " + "then gives its error",
    async () => {
      const ahead = copyAhead(database.db, "select n::text as number from public.copy_probe order by n");
      const first: (string | null)[][] = [];
      await copyRows(database.db, "select a from public.copy_probe order by n limit 3", 1, (f) => first.push([...f]));
      const numbers: (string | null)[] = [];
      const scanner = new CopyRowScanner(1, (row) => numbers.push(row.text(0)));
      for await (const chunk of ahead) scanner.push(chunk);
      scanner.end();
      expect(first).toHaveLength(3);
      expect(numbers.slice(0, 3)).toEqual(["0", "1", "2"]);
      expect(numbers.length).toBeGreaterThanOrEqual(2_500);
      const failing = copyAhead(database.db, "select (1 / (n - 7))::text from public.copy_probe order by n");
      await expect(
        (async () => {
          for await (const chunk of failing) void chunk;
        })(),
      ).rejects.toThrow(/division by zero/);
      await failing.done;
    },
  );

  it("is part of the transaction it runs in: a rollback takes the rows back", async () => {
    const count = async () =>
      (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from public.copy_probe`))[0]!.n;
    const before = await count();
    await expect(
      database.db.transaction(async (tx) => {
        await copyInto(tx as never, "public.copy_probe", ["a", "b", "n"], [copyLine(["x", "y", 99_999])]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await count()).toBe(before);
  });

  it("reports the server's refusal of a bad row and writes none of the COPY", async () => {
    const count = async () =>
      (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from public.copy_probe`))[0]!.n;
    const before = await count();
    await expect(
      copyInto(
        database.db,
        "public.copy_probe",
        ["a", "b", "n"],
        [copyLine(["ok", "ok", 1]) + copyLine(["bad", "bad", "not a number"])],
      ),
    ).rejects.toThrow(/invalid input syntax for type integer/);
    expect(await count()).toBe(before);
  });
  it(
    "when the rows cannot all be made, gives that error, writes none of them " + "and leaves the connection usable",
    async () => {
      const count = async () =>
        (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from public.copy_probe`))[0]!.n;
      const before = await count();
      function* failing() {
        yield copyLine(["made", "made", 1]);
        throw new Error("the third row cannot be made");
      }
      await expect(copyInto(database.db, "public.copy_probe", ["a", "b", "n"], failing())).rejects.toThrow(
        "the third row cannot be made",
      );
      expect(await count()).toBe(before);
      await expect(
        database.db.transaction(async (tx) => {
          await copyInto(tx as never, "public.copy_probe", ["a", "b", "n"], failing());
        }),
      ).rejects.toThrow("the third row cannot be made");
      expect(await count()).toBe(before);
    },
  );
  it(
    "when a row cannot be taken, gives that error once the server is done, " + "and the connection goes on working",
    async () => {
      const failAtThird = () => {
        let rows = 0;
        return () => {
          if (++rows === 3) throw new Error("row 3 is refused");
        };
      };
      await expect(
        copyRows(database.db, "select a, b, n::text as number from public.copy_probe order by n", 3, failAtThird()),
      ).rejects.toThrow("row 3 is refused");
      const after = await database.db.transaction(async (tx) => {
        await expect(
          copyRows(tx as never, "select a, b, n::text as number from public.copy_probe order by n", 3, failAtThird()),
        ).rejects.toThrow("row 3 is refused");
        return queryRows<{ n: number }>(tx as never, sql`select count(*)::int as n from public.copy_probe`);
      });
      expect(after[0]!.n).toBeGreaterThan(2);
    },
  );
});
