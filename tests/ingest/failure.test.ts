import { describe, expect, it } from "vitest";
import { ErrorCode, HubError } from "../../src/errors.ts";
import { IngestFailure, MAX_ATTEMPTS, withRetries } from "../../src/ingest/failure.ts";
import { recordKind } from "../../src/ingest/kinds/index.ts";

/**
 * Issue 18, findings 14 and 15, at the edge of a batch's transaction: a transaction the
 * database aborts for a conflict is run again; one that fails otherwise is reported by its
 * code, without the rows it carried.
 */

const persons = recordKind("household.person")!;

/** A database error as drizzle throws it: the statement and its parameters in the message, the driver's as cause. */
function driverError(code: string, extra: Record<string, unknown> = {}): Error {
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
    code,
    detail: "Key (id_number)=(330106201501010014) already exists.",
    ...extra,
  });
  return new Error("Failed query: insert into household.persons … params: HP-1,王小明,330106201501010014", {
    cause,
  });
}

describe("a batch's transaction that the database aborts", () => {
  it("#18.15 is run again after a serialization failure, a deadlock or a unique key taken meanwhile", async () => {
    for (const code of ["40001", "40P01", "23505"]) {
      let runs = 0;
      const result = await withRetries(persons, 2, async () => {
        runs++;
        if (runs < MAX_ATTEMPTS) throw driverError(code);
        return "written";
      });
      expect([code, result, runs]).toEqual([code, "written", MAX_ATTEMPTS]);
    }
  });

  it("#18.15 answers a conflict that outlasts every run with a code to send again, not an internal error", async () => {
    const answer = withRetries(persons, 2, async () => {
      throw driverError("40P01");
    });

    await expect(answer).rejects.toBeInstanceOf(HubError);
    await expect(answer).rejects.toMatchObject({ code: ErrorCode.DATABASE_UNAVAILABLE });
    await expect(answer).rejects.toThrow(/send it again/);
  });

  it("#18.14 reports any other failure by its code and names only, with no value of any row", async () => {
    let runs = 0;
    const failure = await withRetries(persons, 2, async () => {
      runs++;
      throw driverError("22021", { table: "persons", column: "name", constraint: undefined });
    }).catch((error: unknown) => error);

    expect(runs).toBe(1);
    expect(failure).toBeInstanceOf(IngestFailure);
    const error = failure as IngestFailure;
    expect(error.message).toBe(
      "ingest of household.person: a batch of 2 rows was not written (nothing of it is stored): " +
        "database error 22021 (table persons, column name)",
    );
    expect(error.cause).toBeUndefined();
    const everything = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`;
    expect(everything).not.toMatch(/王小明|330106201501010014|HP-1|params|Key \(/);
  });

  it("#18.14 passes a deliberate answer through unchanged", async () => {
    const refusal = new HubError(ErrorCode.FORBIDDEN, "not yours");

    await expect(
      withRetries(persons, 1, async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
  });
});
