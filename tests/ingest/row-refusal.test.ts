import { describe, expect, it } from "vitest";
import { describeFailure, rowRefusal, WHOLE_ROW } from "../../src/ingest/failure.ts";
import { birthCertificateKind } from "../../src/ingest/kinds/health.ts";

/** Issue 23, items 4 and 5: a row the database refuses, and a failure, said without any value. */

/** A database error as drizzle throws it: the statement and its parameters in the message, the driver's as cause. */
function driverError(code: string, extra: Record<string, unknown> = {}): Error {
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
    code,
    detail: "Key (certificate_number)=(P262441064) already exists.",
    ...extra,
  });
  return new Error("Failed query: insert into health.birth_certificates … params: BC-1,王小明,P262441064", { cause });
}

describe("a row the database refuses", () => {
  it("is blamed on the column of the unique index the database names", () => {
    expect(rowRefusal(birthCertificateKind, { code: "23505", constraint: "birth_certificates_number_key" })).toEqual({
      field: "certificate_number",
      message: expect.stringMatching(/^must be a certificate_number that no other record holds .*already held/),
    });
  });

  it("is blamed on the column the database names, or on the row when it names none", () => {
    expect(rowRefusal(birthCertificateKind, { code: "23502", column: "certificate_number" }).field).toBe(
      "certificate_number",
    );
    expect(rowRefusal(birthCertificateKind, { code: "23514", constraint: "some_rule" })).toEqual({
      field: WHOLE_ROW,
      message: expect.stringMatching(
        /breaks a rule the database keeps on this record \(the database's rule some_rule\)/,
      ),
    });
  });
});

describe("an import failure described for a log", () => {
  it("keeps a database error's code and names, never its message, detail or parameters", () => {
    const said = describeFailure(driverError("23505", { table: "birth_certificates", constraint: "x_key" }));

    expect(said).toBe("database error 23505 (table birth_certificates, constraint x_key)");
  });

  it("withholds the message of an error that quotes a statement", () => {
    const said = describeFailure(new Error("Failed query: select … params: 330106201501010014"));

    expect(said).not.toMatch(/330106201501010014|params/);
  });
});
