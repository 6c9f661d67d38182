import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { householdSubgraph } from "../../../src/subgraphs/household/index.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";
import { openTestDatabase, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

describe("household _entities", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("pglite");
  });
  afterAll(async () => database?.close());

  it("answers ids that cannot be a child with null entities, never a database error", async () => {
    const result = await executeSubgraph(
      householdSubgraph,
      database.db,
      `query($r: [_Any!]!) {
        _entities(representations: $r) { ... on Child { id hukou { regionCode } guardians { name } } }
      }`,
      { r: ["x", "1e3", "-4", "999999999"].map((id) => ({ __typename: "Child", id })) },
      await departmentSystemHeaders("household"),
    );
    expect(result.errors).toBeUndefined();
    // No such child, like a child outside the viewer's scope, is a null entity.
    expect(result.data!._entities).toEqual([null, null, null, null]);
  });
});
