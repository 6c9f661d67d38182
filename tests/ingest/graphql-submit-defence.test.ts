import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { allAccessHeaders } from "../kit/all-access.ts";
import { openTestDatabase, type TestDatabase } from "../kit/database.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

// The shield is the first line; this file takes it away (the all-access viewer passes every
// rule) to show the resolver's own check still refuses anyone but the department's system.
vi.mock("../../src/access/fields/field-rules.ts", async (original) =>
  (await import("../kit/all-access.ts")).allAccessPolicy(await original()),
);

describe("submitting records when the shield lets the call through", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("pglite");
  });
  afterAll(async () => database?.close());

  it("is still refused by the resolver to anyone but the department's own system", async () => {
    const row = { fields: [{ column: "record_id", value: "SCH-DEFENCE" }] };

    const result = await executeSubgraph(
      SUBGRAPHS.education,
      database.db,
      `mutation($rows: [RecordRow!]!) { submitEducationRecords(kind: SCHOOL, rows: $rows) { accepted } }`,
      { rows: [row] },
      await allAccessHeaders(),
    );

    expect(result.data).toEqual({ submitEducationRecords: null });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(result.errors?.[0]?.message).toMatch(
      /only the education department's own system .* may submit education records, but this is role insurance_officer/,
    );
  });
});
