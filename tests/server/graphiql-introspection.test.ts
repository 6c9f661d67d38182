import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testHardening, startTestHub, type TestHub } from "../kit/gateway.ts";

/**
 * GraphiQL loads its schema with graphql-js's standard introspection query, whose `ofType`
 * chain is 15 deep: the depth limit (10) lets an operation that only reads the schema go that
 * deep, in development, and nothing deeper; data queries keep the limit of 10.
 */
describe("GraphiQL's introspection query and the depth limit", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub("pglite", null, { hardening: testHardening({ HUB_MAX_DEPTH: "10" }) });
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
  });

  it("answers the standard introspection query, as any graphql-js version writes it, under any name", async () => {
    for (const query of [
      getIntrospectionQuery({ inputValueDeprecation: true }),
      getIntrospectionQuery().replace("query IntrospectionQuery", "query Schema"),
      getIntrospectionQuery({ inputValueDeprecation: true }).replace("subscriptionType { name }", ""),
      // GraphiQL's bundled graphql-js asks `queryType { name }`, this one `queryType { name kind }`.
      getIntrospectionQuery().replaceAll("Type { name kind }", "Type { name }"),
    ]) {
      const result = await hub.gateway.execute(query, {}, {});
      expect(result.errors).toBeUndefined();
      expect((result.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name).toBe("Query");
    }
  });

  it("still refuses any other introspection deeper than the limit, and data beside it", async () => {
    const ofTypes = (n: number): string => (n === 0 ? "name" : `ofType { ${ofTypes(n - 1)} }`);
    for (const query of [
      `{ __schema { types { ${ofTypes(10)} } } }`,
      `{ __schema { types { fields { type { ${ofTypes(12)} } } } } }`,
      getIntrospectionQuery().replace("fields(includeDeprecated: true) {", "fields(includeDeprecated: true) { a: name"),
      `{ __schema { queryType { name } } childByIdNumber(idNumber: "1") { id } }`.replace(
        "{ id }",
        `{ id ${"guardians { child { ".repeat(5)}id${" } }".repeat(5)} }`,
      ),
    ]) {
      const result = await hub.gateway.execute(query, {}, {});
      expect(result.errors?.[0]?.extensions?.code, query.slice(0, 80)).toBe("OPERATION_LIMIT_EXCEEDED");
    }
  });
});
